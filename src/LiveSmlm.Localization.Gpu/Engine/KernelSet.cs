using ILGPU;
using ILGPU.Runtime;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// Every kernel of the engine, compiled once per accelerator when the localizer is made and cached
/// as launch delegates (ILGPU compiles on load; a launch is then only argument marshalling).
/// </summary>
internal sealed class KernelSet
{
    public KernelSet(Accelerator a)
    {
        ConvertUniform = a.LoadAutoGroupedKernel<Index1D, ArrayView<ushort>, ArrayView<float>, float, float>(DetectionKernels.ConvertUniform);
        ConvertMapped = a.LoadAutoGroupedKernel<Index1D, ArrayView<ushort>, ArrayView<float>, ArrayView<double>, ArrayView<double>, int>(DetectionKernels.ConvertMapped);
        SmoothTiles = a.LoadKernel<ArrayView<float>, ArrayView<float>, TileGeometry>(WaveletTileKernels.Smooth);

        // Threads per tile group: a full 16×16 tile where the device allows it (CUDA), fewer otherwise.
        TileGroupSize = Math.Min(WaveletTileKernels.Tile * WaveletTileKernels.Tile, a.MaxNumThreadsPerGroup);
        SecondLevel = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>>(DetectionKernels.SecondLevel);
        RowSquares = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int>(DetectionKernels.RowSquares);
        ClipLimit = a.LoadAutoGroupedKernel<Index1D, ArrayView<double>, ArrayView<float>, int, int>(DetectionKernels.ClipLimit);
        RowClippedSquares = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<double>, ArrayView<int>, int, int>(
            DetectionKernels.RowClippedSquares);
        Threshold = a.LoadAutoGroupedKernel<Index1D, ArrayView<double>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, float>(DetectionKernels.Threshold);
        LocalMaxima = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<DeviceCandidate>, ArrayView<int>, int, int>(
            DetectionKernels.LocalMaxima);
        TemporalResidual = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, TemporalFrame>(
            TemporalKernels.Residual);
        CutFlattened = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<RoiPlacement>, ArrayView<float>, ArrayView<float>, FlattenGeometry>(
            FitKernels.CutFlattened);
        CutRois = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<RoiPlacement>, ArrayView<float>, int, int, int>(FitKernels.CutRois);
        CutVariance = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<RoiPlacement>, ArrayView<float>, int, int>(FitKernels.CutVariance);
        FitNoReadNoise = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<FitResult>, int, FitOptions>(FitKernels.FitNoReadNoise);
        FitUniformReadNoise = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<FitResult>, int, FitOptions, float>(FitKernels.FitUniformReadNoise);
        FitMappedReadNoise = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<FitResult>, int, FitOptions>(FitKernels.FitMappedReadNoise);
    }

    public Action<AcceleratorStream, Index1D, ArrayView<ushort>, ArrayView<float>, float, float> ConvertUniform { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<ushort>, ArrayView<float>, ArrayView<double>, ArrayView<double>, int> ConvertMapped { get; }

    /// <summary>Explicitly grouped: launch with (tiles of all frames, <see cref="TileGroupSize"/>).</summary>
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, TileGeometry> SmoothTiles { get; }

    public int TileGroupSize { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>> SecondLevel { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int> RowSquares { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<double>, ArrayView<float>, int, int> ClipLimit { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<double>, ArrayView<int>, int, int> RowClippedSquares { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<double>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, float> Threshold { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<DeviceCandidate>, ArrayView<int>, int, int> LocalMaxima { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, TemporalFrame> TemporalResidual { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<RoiPlacement>, ArrayView<float>, ArrayView<float>, FlattenGeometry> CutFlattened { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<RoiPlacement>, ArrayView<float>, int, int, int> CutRois { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<RoiPlacement>, ArrayView<float>, int, int> CutVariance { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<FitResult>, int, FitOptions> FitNoReadNoise { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<FitResult>, int, FitOptions, float> FitUniformReadNoise { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<FitResult>, int, FitOptions> FitMappedReadNoise { get; }
}
