namespace LiveSmlm.Localization.Tests;

/// <summary>
/// Isolated emitters fitted one ROI at a time against the tests' own CRLB: σ = 1.3 px, 100 nm pixels,
/// 1000 photons, 10 background photons per pixel (REFERENCES.md, Mortensen check ≈ 5.7 nm).
/// </summary>
public class AccuracyTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private const int RoiSize = 9; // 2·ceil(3σ)+1 for σ = 1.3 px
    private const double SigmaPx = 1.3;
    private const double Photons = 1000;
    private const double Background = 10;
    private const double PixelNm = 100;
    private const int Emitters = 3000;

    [Fact]
    public void TestCrlb_AgreesWithMortensenClosedForm()
    {
        double[] crlb = TestCrlb.Variances(RoiSize, 4.5, 4.5, SigmaPx, Photons, Background);
        double crlbNm = Math.Sqrt(crlb[0]) * PixelNm;
        double mortensenNm = Math.Sqrt(TestCrlb.MortensenVarianceNm2(Photons, Background, SigmaPx * PixelNm, PixelNm));
        Assert.InRange(mortensenNm, 5.6, 5.8); // REFERENCES.md: ≈ 5.7 nm
        log.WriteLine($"test CRLB {crlbNm:F3} nm (9×9 ROI, σ free), Mortensen {mortensenNm:F3} nm");
        Assert.InRange(crlbNm / mortensenNm, 0.95, 1.05);
    }

    [Fact]
    public void Fit_IsolatedEmitterScmos_ReachesCrlb()
    {
        Measured m = FitMany(new Random(1), emccdGain: 0, FitOptions.Create((float)SigmaPx));
        Assert.True(m.RmseXNm <= 1.10 * m.CrlbNm, $"RMSE x {m.RmseXNm:F2} nm vs CRLB {m.CrlbNm:F2} nm");
        Assert.True(m.RmseYNm <= 1.10 * m.CrlbNm, $"RMSE y {m.RmseYNm:F2} nm vs CRLB {m.CrlbNm:F2} nm");
        Assert.True(Math.Abs(m.BiasXNm) < 1 && Math.Abs(m.BiasYNm) < 1, $"bias {m.BiasXNm:F2}, {m.BiasYNm:F2} nm");
        Assert.InRange(m.ReportedXNm / m.RmseXNm, 0.9, 1.1);
        Assert.InRange(m.ReportedYNm / m.RmseYNm, 0.9, 1.1);
        Assert.InRange(m.MeanPhotons / Photons, 0.97, 1.03);
        Assert.InRange(m.MeanSigmaPx / SigmaPx, 0.97, 1.03);
    }

    [Fact]
    public void Fit_IsolatedEmitterEmccd_ReachesSqrt2TimesPoissonCrlb()
    {
        FitOptions options = FitOptions.Create((float)SigmaPx);
        options.ExcessNoiseFactor = 2f;
        Measured m = FitMany(new Random(2), emccdGain: 100, options);
        double expectedNm = Math.Sqrt(2) * m.CrlbNm;
        Assert.InRange(m.RmseXNm / expectedNm, 0.9, 1.1);
        Assert.InRange(m.RmseYNm / expectedNm, 0.9, 1.1);
        Assert.True(Math.Abs(m.BiasXNm) < 1 && Math.Abs(m.BiasYNm) < 1, $"bias {m.BiasXNm:F2}, {m.BiasYNm:F2} nm");
        Assert.InRange(m.ReportedXNm / m.RmseXNm, 0.9, 1.1);
    }

    [Fact]
    public void Fit_FixedSigma_ReachesItsOwnCrlbAndReportsTheFixedWidth()
    {
        FitOptions options = FitOptions.Create((float)SigmaPx, fitSigma: false);
        Measured m = FitMany(new Random(3), emccdGain: 0, options);
        Assert.True(m.RmseXNm <= 1.10 * m.CrlbNm, $"RMSE x {m.RmseXNm:F2} nm vs CRLB {m.CrlbNm:F2} nm");
        Assert.True(m.RmseYNm <= 1.10 * m.CrlbNm, $"RMSE y {m.RmseYNm:F2} nm vs CRLB {m.CrlbNm:F2} nm");
        Assert.InRange(m.ReportedXNm / m.RmseXNm, 0.9, 1.1);
        Assert.Equal(SigmaPx, m.MeanSigmaPx, 6);
    }

    private Measured FitMany(Random rng, double emccdGain, FitOptions options)
    {
        var roi = new float[RoiSize * RoiSize];
        double sx = 0, sy = 0, sxx = 0, syy = 0, rx = 0, ry = 0, photons = 0, sigma = 0, crlb = 0;
        for (int e = 0; e < Emitters; e++)
        {
            double x = (RoiSize / 2.0) + (rng.NextDouble() - 0.5);
            double y = (RoiSize / 2.0) + (rng.NextDouble() - 0.5);
            double[] expected = SpotImages.Roi(RoiSize, x, y, SigmaPx, Photons, Background);
            if (emccdGain > 0)
            {
                SpotImages.SampleEmccd(rng, expected, roi, 0, emccdGain);
            }
            else
            {
                SpotImages.SamplePoisson(rng, expected, roi, 0);
            }

            FitResult r = GaussianMle.Fit(new ArrayPixels(roi, 0), default(ZeroPixels), RoiSize, options);
            Assert.Equal(FitStatus.Ok, r.Status);
            double dx = (r.X - x) * PixelNm, dy = (r.Y - y) * PixelNm;
            sx += dx;
            sy += dy;
            sxx += dx * dx;
            syy += dy * dy;
            rx += r.CrlbX * PixelNm * PixelNm;
            ry += r.CrlbY * PixelNm * PixelNm;
            photons += r.Photons;
            sigma += r.Sigma;
            crlb += TestCrlb.Variances(RoiSize, x, y, SigmaPx, Photons, Background, fitSigma: options.FitSigma)[0] * PixelNm * PixelNm;
        }

        var m = new Measured(
            sx / Emitters, sy / Emitters, Math.Sqrt(sxx / Emitters), Math.Sqrt(syy / Emitters),
            Math.Sqrt(rx / Emitters), Math.Sqrt(ry / Emitters), Math.Sqrt(crlb / Emitters), photons / Emitters, sigma / Emitters);
        log.WriteLine(m.ToString());
        return m;
    }

    private sealed record Measured(
        double BiasXNm, double BiasYNm, double RmseXNm, double RmseYNm, double ReportedXNm, double ReportedYNm,
        double CrlbNm, double MeanPhotons, double MeanSigmaPx);
}
