using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace LiveSmlm.Localization.Tests;

/// <summary>
/// The per-ROI fit compiles as an ILGPU kernel and gives the CPU call's answer: the contract the GPU
/// backend builds on (ARCHITECTURE.md, one engine two backends).
/// </summary>
public class KernelParityTests
{
    private const int RoiSize = 7;
    private const int Rois = 64;

    [Fact]
    public void Fit_InIlgpuCpuKernel_GivesTheSameResultAsTheCpuCall()
    {
        var rng = new Random(11);
        var rois = new float[Rois * RoiSize * RoiSize];
        for (int r = 0; r < Rois; r++)
        {
            double[] expected = SpotImages.Roi(RoiSize, 3.5 + (rng.NextDouble() - 0.5), 3.5 + (rng.NextDouble() - 0.5), 1.3, 1000, 10);
            SpotImages.SamplePoisson(rng, expected, rois, r * RoiSize * RoiSize);
        }

        FitOptions options = FitOptions.Create(1.3f);

        using var context = Context.Create(b => b.CPU());
        using var accelerator = context.CreateCPUAccelerator(0);
        var kernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<FitResult>, int, FitOptions>(FitKernel);
        using var roiBuffer = accelerator.Allocate1D(rois);
        using var resultBuffer = accelerator.Allocate1D<FitResult>(Rois);
        kernel(Rois, roiBuffer.View, resultBuffer.View, RoiSize, options);
        accelerator.Synchronize();
        FitResult[] onKernel = resultBuffer.GetAsArray1D();

        for (int r = 0; r < Rois; r++)
        {
            FitResult onCpu = GaussianMle.Fit(new ArrayPixels(rois, r * RoiSize * RoiSize), default(ZeroPixels), RoiSize, options);
            Assert.Equal(FitStatus.Ok, onCpu.Status);
            Assert.Equal(onCpu.Status, onKernel[r].Status);
            Assert.Equal(onCpu.Iterations, onKernel[r].Iterations);
            Assert.Equal(onCpu.X, onKernel[r].X, 1e-5f);
            Assert.Equal(onCpu.Y, onKernel[r].Y, 1e-5f);
            Assert.Equal(onCpu.Photons, onKernel[r].Photons, 1e-5f * onCpu.Photons);
            Assert.Equal(onCpu.Sigma, onKernel[r].Sigma, 1e-5f);
            Assert.Equal(onCpu.CrlbX, onKernel[r].CrlbX, 1e-5f * onCpu.CrlbX);
            Assert.Equal(onCpu.LogLikelihoodRatio, onKernel[r].LogLikelihoodRatio, 1e-3f);
        }
    }

    [Fact]
    public void Fit_InIlgpuCpuKernelWithVarianceMapAndFixedSigma_GivesTheSameResultAsTheCpuCall()
    {
        const int Size = 9, Count = 32;
        var rng = new Random(12);
        var rois = new float[Count * Size * Size];
        var variance = new float[Count * Size * Size];
        for (int r = 0; r < Count; r++)
        {
            SpotImages.SamplePoisson(rng, SpotImages.Roi(Size, 4.5 + (rng.NextDouble() - 0.5), 4.5 + (rng.NextDouble() - 0.5), 1.3, 2000, 20), rois, r * Size * Size, 2.0);
            for (int k = 0; k < Size * Size; k++)
            {
                variance[(r * Size * Size) + k] = (float)(2.0 + (rng.NextDouble() * 10));
            }
        }

        FitOptions options = FitOptions.Create(1.3f, fitSigma: false);
        options.ExcessNoiseFactor = 2f;

        using var context = Context.Create(b => b.CPU());
        using var accelerator = context.CreateCPUAccelerator(0);
        var kernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<FitResult>, int, FitOptions>(FitWithVarianceKernel);
        using var roiBuffer = accelerator.Allocate1D(rois);
        using var varianceBuffer = accelerator.Allocate1D(variance);
        using var resultBuffer = accelerator.Allocate1D<FitResult>(Count);
        kernel(Count, roiBuffer.View, varianceBuffer.View, resultBuffer.View, Size, options);
        accelerator.Synchronize();
        FitResult[] onKernel = resultBuffer.GetAsArray1D();

        for (int r = 0; r < Count; r++)
        {
            FitResult onCpu = GaussianMle.Fit(new ArrayPixels(rois, r * Size * Size), new ArrayPixels(variance, r * Size * Size), Size, options);
            Assert.Equal(FitStatus.Ok, onCpu.Status);
            Assert.Equal(onCpu.Status, onKernel[r].Status);
            Assert.Equal(onCpu.Iterations, onKernel[r].Iterations);
            Assert.Equal(onCpu.X, onKernel[r].X, 1e-5f);
            Assert.Equal(onCpu.Y, onKernel[r].Y, 1e-5f);
            Assert.Equal(1.3f, onKernel[r].Sigma);
            Assert.Equal(onCpu.CrlbY, onKernel[r].CrlbY, 1e-5f * onCpu.CrlbY);
        }
    }

    private static void FitWithVarianceKernel(
        Index1D index, ArrayView<float> rois, ArrayView<float> variance, ArrayView<FitResult> results, int roiSize, FitOptions options)
    {
        int offset = index * roiSize * roiSize;
        results[index] = GaussianMle.Fit(new ViewPixels(rois, offset), new ViewPixels(variance, offset), roiSize, options);
    }

    private static void FitKernel(Index1D index, ArrayView<float> rois, ArrayView<FitResult> results, int roiSize, FitOptions options)
    {
        results[index] = GaussianMle.Fit(new ViewPixels(rois, index * roiSize * roiSize), default(ZeroPixels), roiSize, options);
    }

    /// <summary>ROI pixels in an ILGPU view: what the GPU backend passes to the same fit.</summary>
    private readonly struct ViewPixels : IPixels
    {
        private readonly ArrayView<float> _view;
        private readonly int _offset;

        public ViewPixels(ArrayView<float> view, int offset)
        {
            _view = view;
            _offset = offset;
        }

        public float this[int index] => _view[_offset + index];
    }
}
