using ILGPU;
using ILGPU.Runtime;
using LiveSmlm.Core;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// Device state for one frame size: the two alternating batch slots, the camera's per-pixel maps
/// (sCMOS) and the temporal-median history ring. Made once per frame size, kept across batches.
/// </summary>
internal sealed class DeviceFrames : IDisposable
{
    public DeviceFrames(Accelerator accelerator, DeviceAllocator allocator, LocalizerSettings settings, int width, int height, int framesPerLaunch)
    {
        Width = width;
        Height = height;
        int pixels = width * height;
        CameraModel camera = settings.Camera;
        bool temporal = settings.Background == BackgroundMode.TemporalMedian;
        if (camera.PixelMaps is { } maps)
        {
            maps.Validate(pixels);
            var baseline = new float[pixels];
            var scale = new float[pixels];
            var variance = new float[pixels];
            for (int i = 0; i < pixels; i++)
            {
                baseline[i] = (float)camera.BaselineAt(i);
                scale[i] = (float)camera.PhotoelectronsPerAduAt(i);
                variance[i] = (float)camera.ReadVariancePhotoelectronsAt(i);
            }

            BaselineMap = allocator.Device<float>(pixels);
            BaselineMap.View.CopyFromCPU(baseline);
            ScaleMap = allocator.Device<float>(pixels);
            ScaleMap.View.CopyFromCPU(scale);
            VarianceMap = allocator.Device<float>(pixels);
            VarianceMap.View.CopyFromCPU(variance);
        }
        else
        {
            UniformVariance = (float)camera.ReadVariancePhotoelectronsAt(0);
        }

        // Kernels that take the map also when there is none read it only if told; give them one element.
        MapOrPlaceholder = VarianceMap ?? allocator.Device<float>(1);

        if (temporal)
        {
            WindowFrames = settings.TemporalWindowFrames;
            History = allocator.Device<float>((long)WindowFrames * pixels);
        }

        int roi = settings.EffectiveRoiSizePx;
        Slots = [
            new BatchSlot(accelerator, allocator, width, height, framesPerLaunch, roi, temporal, VarianceMap is not null, settings.Is3D),
            new BatchSlot(accelerator, allocator, width, height, framesPerLaunch, roi, temporal, VarianceMap is not null, settings.Is3D),
        ];
    }

    public int Width { get; }

    public int Height { get; }

    public BatchSlot[] Slots { get; }

    /// <summary>Per-pixel baseline (ADU) and photoelectrons per ADU as float tables (PhotoelectronConverter's); null without maps.</summary>
    public MemoryBuffer1D<float, Stride1D.Dense>? BaselineMap { get; }

    public MemoryBuffer1D<float, Stride1D.Dense>? ScaleMap { get; }

    /// <summary>Per-pixel read variance, photoelectrons²; null without maps (then <see cref="UniformVariance"/>).</summary>
    public MemoryBuffer1D<float, Stride1D.Dense>? VarianceMap { get; }

    public float UniformVariance { get; }

    /// <summary><see cref="VarianceMap"/>, or a one-element placeholder when there is none.</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> MapOrPlaceholder { get; }

    /// <summary>Ring of the last frames for the temporal median; null without a temporal background.</summary>
    /// <remarks>Invariant: HistoryCount ≤ WindowFrames; HistoryNext is where the next frame goes (overwrites the oldest).</remarks>
    public MemoryBuffer1D<float, Stride1D.Dense>? History { get; }

    public int WindowFrames { get; }

    public int HistoryNext { get; set; }

    public int HistoryCount { get; set; }

    public void Dispose()
    {
        foreach (BatchSlot slot in Slots)
        {
            slot.Dispose();
        }

        BaselineMap?.Dispose();
        ScaleMap?.Dispose();
        MapOrPlaceholder.Dispose();
        History?.Dispose();
    }
}
