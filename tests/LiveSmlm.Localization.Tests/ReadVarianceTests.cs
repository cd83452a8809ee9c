using MathNet.Numerics.Distributions;

namespace LiveSmlm.Localization.Tests;

/// <summary>
/// sCMOS per-pixel read variance (Huang et al. 2013): a pixel with a huge variance is weighted down
/// by the fit instead of pulling the position.
/// </summary>
public class ReadVarianceTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private const int RoiSize = 9;
    private const double SigmaPx = 1.3;
    private const double Photons = 1000;
    private const double Background = 10;
    private const int HotPixel = (4 * RoiSize) + 5; // right of the centre pixel
    private const double HotVariance = 2500;        // e², a 50 e⁻ RMS pixel among 1 e⁻ ones
    private const double NormalVariance = 1;
    private const int Emitters = 2000;

    [Fact]
    public void Fit_WithVarianceMap_IgnoresAHotPixelAndReachesItsCrlb()
    {
        var rng = new Random(9);
        var variance = new double[RoiSize * RoiSize];
        Array.Fill(variance, NormalVariance);
        variance[HotPixel] = HotVariance;
        float[] varianceF = variance.Select(v => (float)v).ToArray();
        var roi = new float[RoiSize * RoiSize];
        FitOptions options = FitOptions.Create((float)SigmaPx);
        double withMap = 0, withoutMap = 0, crlb = 0;
        for (int e = 0; e < Emitters; e++)
        {
            double x = 4.5 + (rng.NextDouble() - 0.5), y = 4.5 + (rng.NextDouble() - 0.5);
            double[] expected = SpotImages.Roi(RoiSize, x, y, SigmaPx, Photons, Background);
            SpotImages.SamplePoisson(rng, expected, roi, 0);
            for (int k = 0; k < roi.Length; k++)
            {
                roi[k] += (float)Normal.Sample(rng, 0, Math.Sqrt(variance[k]));
            }

            FitResult mapped = GaussianMle.Fit(new ArrayPixels(roi, 0), new ArrayPixels(varianceF, 0), RoiSize, options);
            FitResult plain = GaussianMle.Fit(new ArrayPixels(roi, 0), new UniformPixels((float)NormalVariance), RoiSize, options);
            Assert.Equal(FitStatus.Ok, mapped.Status);
            withMap += Math.Pow(mapped.X - x, 2);
            withoutMap += Math.Pow(plain.X - x, 2);
            crlb += TestCrlb.Variances(RoiSize, x, y, SigmaPx, Photons, Background, variance)[0];
        }

        double rmseMap = Math.Sqrt(withMap / Emitters), rmsePlain = Math.Sqrt(withoutMap / Emitters), bound = Math.Sqrt(crlb / Emitters);
        log.WriteLine($"RMSE x with map {rmseMap * 100:F2} nm, without {rmsePlain * 100:F2} nm, CRLB {bound * 100:F2} nm");
        Assert.True(rmseMap <= 1.10 * bound, $"with map {rmseMap * 100:F2} nm vs CRLB {bound * 100:F2} nm");
        Assert.True(rmsePlain > 1.5 * rmseMap, $"without the map the hot pixel should pull the fit: {rmsePlain * 100:F2} vs {rmseMap * 100:F2} nm");
    }
}
