using LiveSmlm.Core;
using LiveSmlm.Localization;
using LiveSmlm.Localization.Gpu;

namespace LiveSmlm.Cli.Analysis;

/// <summary>
/// Picks the localization backend for `--engine auto|cpu|gpu`: auto takes CUDA when present, else the
/// CPU engine; gpu without a CUDA device is an error, never a silent fallback.
/// </summary>
public static class Engines
{
    /// <summary>
    /// auto, cpu, gpu (CUDA), and ilgpu-cpu: the GPU code path on ILGPU's CPU accelerator — slow, for
    /// checking the GPU engine against the CPU engine on a machine without a GPU.
    /// </summary>
    public static IReadOnlyList<string> Names { get; } = ["auto", "cpu", "gpu", "ilgpu-cpu"];

    /// <summary>The resolved engine and device name, and a localizer the caller disposes.</summary>
    public sealed record Choice(string Engine, string Device, ILocalizer Localizer) : IDisposable
    {
        /// <summary>Fits pre-cut ROIs on this engine (the fits/s benchmark); returns the accepted count.</summary>
        public int FitBatch(float[] rois, int roiSize, int count, FitOptions options, Span<FitResult> results) =>
            Localizer is GpuLocalizer gpu
                ? gpu.FitBatch(rois, roiSize, count, options, results)
                : CpuLocalizer.FitBatch(rois, roiSize, count, options, results);

        public void Dispose() => (Localizer as IDisposable)?.Dispose();
    }

    public static Choice Create(string requested, LocalizerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        bool cuda = requested is "auto" or "gpu" && GpuEngine.IsCudaAvailable(out _);
        return requested switch
        {
            "cpu" => Cpu(settings),
            "ilgpu-cpu" => IlgpuCpu(settings),
            "auto" when !cuda => Cpu(settings),
            "auto" or "gpu" when cuda => Gpu(settings),
            "gpu" => throw new UsageException("--engine gpu: ILGPU found no CUDA device on this machine (no NVIDIA GPU or no libcuda driver); use --engine cpu, or auto, which picks CUDA when present."),
            _ => throw new UsageException($"--engine must be one of {string.Join(", ", Names)}; got '{requested}'."),
        };
    }

    private static Choice Cpu(LocalizerSettings settings) =>
        new("cpu", $"CPU: {MachineInfo.CpuModel()}, {Environment.ProcessorCount} cores", new CpuLocalizer(settings));

    private static Choice IlgpuCpu(LocalizerSettings settings)
    {
        GpuLocalizer gpu = GpuEngine.CreateCpuAccelerator(settings);
        return new("ilgpu-cpu", $"ILGPU CPU accelerator: {gpu.DeviceName}", gpu);
    }

    private static Choice Gpu(LocalizerSettings settings)
    {
        GpuLocalizer gpu = GpuEngine.CreateCuda(settings);
        return new("gpu", $"CUDA: {gpu.DeviceName}", gpu);
    }
}
