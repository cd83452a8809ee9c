namespace LiveSmlm.Localization.Tests;

/// <summary>
/// Issue 12's accuracy figures: astigmatic emitters over ±600 nm at 2000 photons and 10 background
/// photons per pixel, fitted by each 3D model on data drawn from that model by the test itself; the
/// z RMSE against the test's own CRLB (mean over emitters) and the lateral bias.
/// </summary>
public sealed class Fit3DAccuracyTests
{
    private const int Roi = 13;
    private const int Emitters = 400;
    private const double Photons = 2000;
    private const double Background = 10;
    private const double RangeNm = 600;

    // Huang-model curves (σ0 px, c nm, d nm, A, B): 100 nm pixels, σ0 ≈ 110 nm, foci ±250 nm, with higher-order terms.
    private static readonly double[] CurveX = [1.1, -250, 420, 0.15, 0.05];
    private static readonly double[] CurveY = [1.15, 250, 400, -0.12, 0.04];

    [Fact]
    public void Gauss3D_OnAstigmaticGaussianData_ReachesCrlbInZAndIsUnbiasedLaterally()
    {
        var model = new AstigmaticGaussianModel(
            Roi, Curve(CurveX), Curve(CurveY), -900f, 900f);
        Run(model, theta => ThreeDImages.Astigmatic(Roi, theta, CurveX, CurveY), seed: 12);
    }

    [Fact]
    public void Spline_OnSplineData_ReachesCrlbInZAndIsUnbiasedLaterally()
    {
        // A spline through an aberrated astigmatic PSF (a Gaussian core plus a lobe that moves with z,
        // as coma does) sampled by the test: 15 px window, 33 slices of 50 nm over ±800 nm.
        const int window = Roi + 2, slices = 33;
        const double z0 = -800, dz = 50;
        var samples = new double[window * window * slices];
        for (int s = 0; s < slices; s++)
        {
            double z = z0 + (s * dz);
            double[] core = ThreeDImages.Astigmatic(window, [0.5 * window, 0.5 * window, 0.85, 0, z], CurveX, CurveY);
            double[] lobe = ThreeDImages.Astigmatic(window, [(0.5 * window) + (z / 500), (0.5 * window) - (z / 800), 0.15, 0, z], [1.8, -250, 420, 0, 0], [1.8, 250, 400, 0, 0]);
            double sum = 0;
            for (int k = 0; k < window * window; k++)
            {
                sum += core[k] + lobe[k];
            }

            for (int k = 0; k < window * window; k++)
            {
                samples[(s * window * window) + k] = (core[k] + lobe[k]) / sum;
            }
        }

        var grid = new SplineGrid(window, slices, (float)z0, (float)dz);
        float[] coefficients = CubicSplineCoefficients.Build(samples, grid);
        var model = new SplinePsfModel<ArrayPixels>(new ArrayPixels(coefficients, 0), grid, grid.ZStartNm, grid.ZEndNm);
        Run(model, theta => ThreeDImages.SplineRoi(Roi, theta, coefficients, window, slices, z0, dz), seed: 13);
    }

    [Fact]
    public void CubicSplineCoefficients_PassThroughEverySample()
    {
        const int window = 5, slices = 4;
        var rng = new Random(5);
        double[] samples = [.. Enumerable.Range(0, window * window * slices).Select(_ => rng.NextDouble())];
        float[] c = CubicSplineCoefficients.Build(samples, new SplineGrid(window, slices, 0, 1));
        for (int z = 0; z < slices; z++)
        {
            for (int y = 0; y < window - 1; y++)
            {
                for (int x = 0; x < window - 1; x++)
                {
                    Assert.Equal(samples[(((z * window) + y) * window) + x], ThreeDImages.Spline(c, window, slices, x, y, z), 5);
                }
            }
        }
    }

    private static AstigmaticCurve Curve(double[] c) => new((float)c[0], (float)c[1], (float)c[2], (float)c[3], (float)c[4]);

    private static void Run<TModel>(TModel model, Func<double[], double[]> truth, int seed)
        where TModel : struct, IFitModel
    {
        var rng = new Random(seed);
        var pixels = new float[Roi * Roi];
        double zSquared = 0, crlbZ = 0, reportedZ = 0, biasX = 0, biasY = 0;
        int accepted = 0;
        Fit3DOptions options = Fit3DOptions.Create();
        for (int e = 0; e < Emitters; e++)
        {
            double[] theta = [(0.5 * Roi) + rng.NextDouble() - 0.5, (0.5 * Roi) + rng.NextDouble() - 0.5, Photons, Background, -RangeNm + (2 * RangeNm * e / (Emitters - 1))];
            SpotImages.SamplePoisson(rng, truth(theta), pixels, 0);
            TModel m = model;
            Fit3DResult r = Emitter3D.Fit(ref m, new ArrayPixels(pixels, 0), default(ZeroPixels), Roi, options);
            Assert.Equal(FitStatus.Ok, r.Status);
            accepted++;
            zSquared += (r.ZNm - theta[4]) * (r.ZNm - theta[4]);
            crlbZ += ThreeDImages.Crlb(truth, theta)[4];
            reportedZ += r.CrlbZ;
            biasX += r.X - theta[0];
            biasY += r.Y - theta[1];
        }

        double rmse = Math.Sqrt(zSquared / accepted), bound = Math.Sqrt(crlbZ / accepted);
        Assert.True(rmse <= 1.15 * bound, $"z RMSE {rmse:F2} nm against √CRLB {bound:F2} nm (ratio {rmse / bound:F3}; ≤ 1.15 required)");
        Assert.True(rmse >= 0.85 * bound, $"z RMSE {rmse:F2} nm below √CRLB {bound:F2} nm: the test's bound or the data are wrong");
        double reported = Math.Sqrt(reportedZ / accepted);
        Assert.True(Math.Abs(reported / bound - 1) < 0.05, $"reported √CRLB_z {reported:F2} nm against the test's {bound:F2} nm");
        const double pixelNm = 100;
        Assert.True(Math.Abs(biasX / accepted * pixelNm) < 2 && Math.Abs(biasY / accepted * pixelNm) < 2, $"lateral bias ({biasX / accepted * pixelNm:F2}, {biasY / accepted * pixelNm:F2}) nm");
        Console.WriteLine($"z RMSE {rmse:F2} nm, √CRLB {bound:F2} nm (reported {reported:F2}), ratio {rmse / bound:F3}, bias ({biasX / accepted * pixelNm:F2}, {biasY / accepted * pixelNm:F2}) nm");
    }
}
