using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace LiveSmlm.Localization.Tests;

/// <summary>
/// The tests' own truth: expected photoelectrons of a pixel-integrated Gaussian computed in double
/// with MathNet's erf (independent of the engine's float erf), sampled through Poisson shot noise and
/// either an EMCCD gamma register or Gaussian read noise.
/// </summary>
internal static class SpotImages
{
    /// <summary>∫ over pixel [i, i+1) of a unit 1-D Gaussian centred at c with width s.</summary>
    public static double PixelIntegral(int i, double c, double s) =>
        0.5 * (SpecialFunctions.Erf((i + 1 - c) / (Math.Sqrt(2) * s)) - SpecialFunctions.Erf((i - c) / (Math.Sqrt(2) * s)));

    /// <summary>Adds N·Ex·Ey of one emitter at (x, y) px to a width × height image of expectations.</summary>
    public static void AddSpot(double[] expected, int width, int height, double x, double y, double sigma, double photons)
    {
        int reach = (int)Math.Ceiling(5 * sigma) + 1;
        int x0 = Math.Max(0, (int)x - reach), x1 = Math.Min(width - 1, (int)x + reach);
        int y0 = Math.Max(0, (int)y - reach), y1 = Math.Min(height - 1, (int)y + reach);
        for (int j = y0; j <= y1; j++)
        {
            double ey = PixelIntegral(j, y, sigma);
            for (int i = x0; i <= x1; i++)
            {
                expected[(j * width) + i] += photons * PixelIntegral(i, x, sigma) * ey;
            }
        }
    }

    /// <summary>A roiSize² image of expectations: one emitter plus a flat background.</summary>
    public static double[] Roi(int roiSize, double x, double y, double sigma, double photons, double background)
    {
        var expected = new double[roiSize * roiSize];
        Array.Fill(expected, background);
        AddSpot(expected, roiSize, roiSize, x, y, sigma, photons);
        return expected;
    }

    /// <summary>Poisson photoelectrons plus Gaussian read noise (σ in e⁻; 0 for none).</summary>
    public static void SamplePoisson(Random rng, double[] expected, float[] destination, int offset, double readNoiseElectrons = 0)
    {
        for (int k = 0; k < expected.Length; k++)
        {
            double e = Poisson.Sample(rng, expected[k]);
            if (readNoiseElectrons > 0)
            {
                e += Normal.Sample(rng, 0, readNoiseElectrons);
            }

            destination[offset + k] = (float)e;
        }
    }

    /// <summary>
    /// EMCCD: Poisson photoelectrons n, register output Gamma(shape n, scale gain) (REFERENCES.md),
    /// divided back by the gain as the camera model does, so the mean is n and the variance ≈ 2n.
    /// </summary>
    public static void SampleEmccd(Random rng, double[] expected, float[] destination, int offset, double emGain)
    {
        for (int k = 0; k < expected.Length; k++)
        {
            int n = Poisson.Sample(rng, expected[k]);
            double electrons = n == 0 ? 0 : Gamma.Sample(rng, n, 1.0 / emGain);
            destination[offset + k] = (float)(electrons / emGain);
        }
    }
}
