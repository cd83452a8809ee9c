using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using MathNet.Numerics.Distributions;

namespace LiveSmlm.Localization.Gpu.Tests;

/// <summary>
/// The 3D kernels run on ILGPU's CPU accelerator give what the CPU call of the same per-ROI code gives, for both
/// models (the PTX tests compile them for CUDA); read variance 0 on the device against the CPU's ZeroPixels. Data: astigmatic spots drawn through Poisson noise by the test.
/// </summary>
public sealed class Fit3DKernelTests
{
    private const int Roi = 13;
    private const int Count = 24;
    private static readonly AstigmaticCurve CurveX = new(1.1f, -250f, 420f, 0.15f, 0.05f);
    private static readonly AstigmaticCurve CurveY = new(1.15f, 250f, 400f, -0.12f, 0.04f);

    [Fact]
    public void Gauss3DAndSplineKernels_OnIlgpuCpu_MatchTheCpuCall()
    {
        float[] rois = Spots(seed: 3);
        Fit3DOptions options = Fit3DOptions.Create();
        const int window = Roi + 2, slices = 33;
        var grid = new SplineGrid(window, slices, -800, 50);
        float[] coefficients = CubicSplineCoefficients.Build(Samples(window, slices), grid);

        using Context context = Context.Create(builder => GpuEngine.EngineSettings(builder).CPU());
        using Accelerator accelerator = context.CreateCPUAccelerator(0);
        using MemoryBuffer1D<float, Stride1D.Dense> deviceRois = accelerator.Allocate1D(rois);
        using MemoryBuffer1D<float, Stride1D.Dense> deviceCoefficients = accelerator.Allocate1D(coefficients);
        using MemoryBuffer1D<Fit3DResult, Stride1D.Dense> results = accelerator.Allocate1D<Fit3DResult>(Count);

        var gauss = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<Fit3DResult>, int, AstigmaticCurve, AstigmaticCurve, float, float, Fit3DOptions, float>(Fit3DKernels.FitGauss3D);
        gauss(Count, deviceRois.View, results.View, Roi, CurveX, CurveY, -900f, 900f, options, 0f);
        accelerator.Synchronize();
        Fit3DResult[] onDevice = results.GetAsArray1D();
        for (int k = 0; k < Count; k++)
        {
            var model = new AstigmaticGaussianModel(Roi, CurveX, CurveY, -900f, 900f);
            Compare(Emitter3D.Fit(ref model, new ArrayPixels(rois, k * Roi * Roi), default(ZeroPixels), Roi, options), onDevice[k]);
        }

        var spline = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<Fit3DResult>, int, SplineGrid, float, float, Fit3DOptions, float>(Fit3DKernels.FitSpline);
        spline(Count, deviceRois.View, deviceCoefficients.View, results.View, Roi, grid, grid.ZStartNm, grid.ZEndNm, options, 0f);
        accelerator.Synchronize();
        onDevice = results.GetAsArray1D();
        for (int k = 0; k < Count; k++)
        {
            var model = new SplinePsfModel<ArrayPixels>(new ArrayPixels(coefficients, 0), grid, grid.ZStartNm, grid.ZEndNm);
            Compare(Emitter3D.Fit(ref model, new ArrayPixels(rois, k * Roi * Roi), default(ZeroPixels), Roi, options), onDevice[k]);
        }
    }

    private static void Compare(Fit3DResult cpu, Fit3DResult device)
    {
        Assert.Equal(FitStatus.Ok, cpu.Status);
        Assert.Equal(cpu.Status, device.Status);
        Assert.Equal(cpu.X, device.X, 1e-4f);
        Assert.Equal(cpu.Y, device.Y, 1e-4f);
        Assert.Equal(cpu.ZNm, device.ZNm, 1e-2f);
        Assert.Equal(cpu.CrlbZ, device.CrlbZ, 1e-3f * cpu.CrlbZ);
    }

    // Spots of 2000 photons on 10/px over ±600 nm, expectations from the test's own erf sums (MathNet).
    private static float[] Spots(int seed)
    {
        var rng = new Random(seed);
        var rois = new float[Count * Roi * Roi];
        for (int k = 0; k < Count; k++)
        {
            double x = (0.5 * Roi) + rng.NextDouble() - 0.5, y = (0.5 * Roi) + rng.NextDouble() - 0.5, z = -600 + (1200.0 * k / (Count - 1));
            double[] mu = Expected(Roi, x, y, z, 2000, 10);
            for (int p = 0; p < mu.Length; p++)
            {
                rois[(k * Roi * Roi) + p] = Poisson.Sample(rng, mu[p]);
            }
        }

        return rois;
    }

    private static double[] Samples(int window, int slices)
    {
        var samples = new double[window * window * slices];
        for (int s = 0; s < slices; s++)
        {
            double[] mu = Expected(window, 0.5 * window, 0.5 * window, -800 + (50 * s), 1, 0);
            double sum = mu.Sum();
            for (int p = 0; p < mu.Length; p++)
            {
                samples[(s * window * window) + p] = mu[p] / sum;
            }
        }

        return samples;
    }

    private static double[] Expected(int size, double x, double y, double z, double photons, double background)
    {
        double sx = CurveX.Sigma((float)z), sy = CurveY.Sigma((float)z);
        var mu = new double[size * size];
        for (int j = 0; j < size; j++)
        {
            for (int i = 0; i < size; i++)
            {
                mu[(j * size) + i] = (photons * Integral(i, x, sx) * Integral(j, y, sy)) + background;
            }
        }

        return mu;
    }

    private static double Integral(int i, double c, double s) =>
        0.5 * (MathNet.Numerics.SpecialFunctions.Erf((i + 1 - c) / (Math.Sqrt(2) * s)) - MathNet.Numerics.SpecialFunctions.Erf((i - c) / (Math.Sqrt(2) * s)));
}
