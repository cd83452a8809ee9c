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
        ConvertUniform = a.LoadAutoGroupedKernel<Index1D, ArrayView<ushort>, ArrayView<float>, float, float, Sweep>(DetectionKernels.ConvertUniform);
        ConvertMapped = a.LoadAutoGroupedKernel<Index1D, ArrayView<ushort>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, Sweep>(DetectionKernels.ConvertMapped);
        SmoothTiles = a.LoadKernel<ArrayView<float>, ArrayView<float>, TileGeometry>(WaveletTileKernels.Smooth);

        // Enough threads to fill the device (4 waves of its resident threads) for the grid-stride kernels.
        MaxSweepThreads = (int)Math.Min(int.MaxValue, 4L * a.MaxNumThreads);

        // Threads per tile group: a full 16×16 tile where the device allows it (CUDA), fewer otherwise.
        TileGroupSize = Math.Min(WaveletTileKernels.Tile * WaveletTileKernels.Tile, a.MaxNumThreadsPerGroup);
        SecondLevel = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, Sweep>(DetectionKernels.SecondLevel);
        RowSquares = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int>(DetectionKernels.RowSquares);
        ClipLimit = a.LoadAutoGroupedKernel<Index1D, ArrayView<double>, ArrayView<float>, int, int>(DetectionKernels.ClipLimit);
        RowClippedSquares = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<double>, ArrayView<int>, int, int>(
            DetectionKernels.RowClippedSquares);
        Threshold = a.LoadAutoGroupedKernel<Index1D, ArrayView<double>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, float>(DetectionKernels.Threshold);
        LocalThresholds = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, DetectionNoise, int, int, int, Sweep>(DetectionKernels.LocalThresholds);
        LocalMaxima = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<DeviceCandidate>, ArrayView<int>, int, int, Sweep>(
            DetectionKernels.LocalMaxima);
        TemporalResidual = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, TemporalFrame, Sweep>(
            TemporalKernels.Residual);
        CutFlattened = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<RoiPlacement>, ArrayView<float>, ArrayView<float>, FlattenGeometry>(
            FitKernels.CutFlattened);
        CutRois = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<RoiPlacement>, ArrayView<float>, int, int, int>(FitKernels.CutRois);
        CutVariance = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<RoiPlacement>, ArrayView<float>, int, int>(FitKernels.CutVariance);
        FitNoReadNoise = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<FitResult>, int, FitOptions>(FitKernels.FitNoReadNoise);
        FitUniformReadNoise = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<FitResult>, int, FitOptions, float>(FitKernels.FitUniformReadNoise);
        FitMappedReadNoise = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<FitResult>, int, FitOptions>(FitKernels.FitMappedReadNoise);
        SearchMultiEmitter = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<FitResult>, ArrayView<MultiEmitterResult>, int, FitOptions, MultiEmitterOptions>(
            FitKernels.SearchMultiEmitter);
        FitGauss3D = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<Fit3DResult>, int, AstigmaticCurve, AstigmaticCurve, float, float, Fit3DOptions, float>(
            Fit3DKernels.FitGauss3D);
        FitGauss3DMapped = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<Fit3DResult>, int, AstigmaticCurve, AstigmaticCurve, float, float, Fit3DOptions>(
            Fit3DKernels.FitGauss3DMapped);
        FitSpline = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<Fit3DResult>, int, SplineGrid, float, float, Fit3DOptions, float>(
            Fit3DKernels.FitSpline);
        FitSplineMapped = a.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<Fit3DResult>, int, SplineGrid, float, float, Fit3DOptions>(
            Fit3DKernels.FitSplineMapped);
    }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<FitResult>, ArrayView<MultiEmitterResult>, int, FitOptions, MultiEmitterOptions> SearchMultiEmitter { get; }

    /// <summary>3D fits (astigmatic Gaussian), uniform read variance.</summary>
    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<Fit3DResult>, int, AstigmaticCurve, AstigmaticCurve, float, float, Fit3DOptions, float> FitGauss3D { get; }

    /// <summary>3D fits (astigmatic Gaussian), per-pixel read variance.</summary>
    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<Fit3DResult>, int, AstigmaticCurve, AstigmaticCurve, float, float, Fit3DOptions> FitGauss3DMapped { get; }

    /// <summary>3D fits (cubic spline), uniform read variance.</summary>
    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<Fit3DResult>, int, SplineGrid, float, float, Fit3DOptions, float> FitSpline { get; }

    /// <summary>3D fits (cubic spline), per-pixel read variance.</summary>
    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<Fit3DResult>, int, SplineGrid, float, float, Fit3DOptions> FitSplineMapped { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<ushort>, ArrayView<float>, float, float, Sweep> ConvertUniform { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<ushort>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, Sweep> ConvertMapped { get; }

    /// <summary>Explicitly grouped: launch with (tiles of all frames, <see cref="TileGroupSize"/>).</summary>
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, TileGeometry> SmoothTiles { get; }

    public int TileGroupSize { get; }

    public int MaxSweepThreads { get; }

    /// <summary>The sweep over <paramref name="total"/> elements and its launch extent (Stride threads).</summary>
    public Sweep SweepOver(long total) => new(checked((int)total), MaxSweepThreads);

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, Sweep> SecondLevel { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int> RowSquares { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<double>, ArrayView<float>, int, int> ClipLimit { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<double>, ArrayView<int>, int, int> RowClippedSquares { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<double>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, float> Threshold { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, DetectionNoise, int, int, int, Sweep> LocalThresholds { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<DeviceCandidate>, ArrayView<int>, int, int, Sweep> LocalMaxima { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, TemporalFrame, Sweep> TemporalResidual { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<RoiPlacement>, ArrayView<float>, ArrayView<float>, FlattenGeometry> CutFlattened { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<RoiPlacement>, ArrayView<float>, int, int, int> CutRois { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<RoiPlacement>, ArrayView<float>, int, int> CutVariance { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<FitResult>, int, FitOptions> FitNoReadNoise { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<FitResult>, int, FitOptions, float> FitUniformReadNoise { get; }

    public Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<FitResult>, int, FitOptions> FitMappedReadNoise { get; }
}
