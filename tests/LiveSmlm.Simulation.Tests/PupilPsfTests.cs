using LiveSmlm.Simulation.Optics;

namespace LiveSmlm.Simulation.Tests;

/// <summary>The scalar pupil-function PSF against the Gaussian approximation and the known behaviour of astigmatism.</summary>
public sealed class PupilPsfTests
{
    private const double WavelengthNm = 670, Na = 1.49, SampleNm = 20;
    private const int Fft = 256;

    [Fact]
    public void ZeroPhase_MatchesTheGaussianApproximationWithin10Percent()
    {
        double[] psf = PupilPsf.Compute(WavelengthNm, Na, SampleNm, Fft, []);
        (double sx, double sy) = FitWidthsNm(psf);
        double gaussian = OpticsSettings.GaussianSigmaFactor * WavelengthNm / Na;

        Assert.InRange(sx / gaussian, 0.9, 1.1);
        Assert.InRange(sy / gaussian, 0.9, 1.1);
        Assert.Equal(1, psf.Sum(), 9);
    }

    [Fact]
    public void Astigmatism_WidthsInXAndYSwapWithTheSignOfDefocus()
    {
        var above = PupilPsf.Compute(WavelengthNm, Na, SampleNm, Fft, [new(ZernikeTerm.Astigmatism, 0.8), new(ZernikeTerm.Defocus, 1.2)]);
        var below = PupilPsf.Compute(WavelengthNm, Na, SampleNm, Fft, [new(ZernikeTerm.Astigmatism, 0.8), new(ZernikeTerm.Defocus, -1.2)]);
        var focus = PupilPsf.Compute(WavelengthNm, Na, SampleNm, Fft, [new(ZernikeTerm.Astigmatism, 0.8)]);
        (double ax, double ay) = FitWidthsNm(above);
        (double bx, double by) = FitWidthsNm(below);
        (double fx, double fy) = FitWidthsNm(focus);

        Assert.True(ax > 1.2 * ay, $"above focus σx = {ax:F0} nm, σy = {ay:F0} nm");
        Assert.True(by > 1.2 * bx, $"below focus σx = {bx:F0} nm, σy = {by:F0} nm");
        Assert.InRange(fx / fy, 0.95, 1.05);   // in focus the astigmatic PSF is round
    }

    [Fact]
    public void SlmPattern_OfAstigmatism_GivesTheSameAstigmatismAsTheZernikeTerm()
    {
        // A 2π-wrapped astigmatism pattern on a 128 × 128 SLM (grey 255 = 2π) in the pupil plane.
        const int n = 128, grayFor2Pi = 255;
        var slm = new byte[n * n];
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                double px = (x + 0.5 - (n / 2.0)) / (n / 2.0), py = (y + 0.5 - (n / 2.0)) / (n / 2.0);
                double phase = 0.8 * Zernike.Value(ZernikeTerm.Astigmatism, Math.Sqrt((px * px) + (py * py)), Math.Atan2(py, px));
                double wrapped = phase - (2 * Math.PI * Math.Floor(phase / (2 * Math.PI)));
                slm[(y * n) + x] = (byte)Math.Round(wrapped / (2 * Math.PI) * grayFor2Pi);
            }
        }

        double[] above = PupilPsf.ComputeFromSlm(WavelengthNm, Na, SampleNm, Fft, slm, n, n, grayFor2Pi, (rho, theta) => 1.2 * Zernike.Value(ZernikeTerm.Defocus, rho, theta));
        (double sx, double sy) = FitWidthsNm(above);
        Assert.True(sx > 1.2 * sy, $"σx = {sx:F0} nm, σy = {sy:F0} nm");
    }

    /// <summary>Least-squares fit of A·exp(−x²/2σx² − y²/2σy²) about the centre (grid search; A in closed form).</summary>
    private static (double Sx, double Sy) FitWidthsNm(double[] psf)
    {
        const int half = Fft / 2, r = 14;
        double best = double.MaxValue, bx = 0, by = 0;
        for (double sx = 1.5; sx <= 12; sx += 0.05)
        {
            for (double sy = 1.5; sy <= 12; sy += 0.05)
            {
                double gg = 0, gi = 0, ii = 0;
                for (int y = -r; y <= r; y++)
                {
                    for (int x = -r; x <= r; x++)
                    {
                        double g = Math.Exp((-(x * x) / (2 * sx * sx)) - ((y * y) / (2 * sy * sy)));
                        double i = psf[((half + y) * Fft) + half + x];
                        gg += g * g;
                        gi += g * i;
                        ii += i * i;
                    }
                }

                double residual = ii - (gi * gi / gg);
                if (residual < best)
                {
                    (best, bx, by) = (residual, sx, sy);
                }
            }
        }

        return (bx * SampleNm, by * SampleNm);
    }
}
