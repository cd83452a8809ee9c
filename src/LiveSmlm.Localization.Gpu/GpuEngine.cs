using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// Finds and opens the accelerators the GPU engine runs on: CUDA on a rig, ILGPU's CPU accelerator in
/// tests. Asking for CUDA without a device is an error, never a silent fallback (the CLI decides).
/// </summary>
public static class GpuEngine
{
    // Probed once per process: opening a CUDA context costs a driver initialisation, and devices do not
    // come and go while the program runs.
    private static readonly Lazy<string?> CudaDeviceName = new(ProbeCuda);

    /// <summary>The oldest CUDA architecture the kernels are compiled and tested for (Volta, compute capability 7.0).</summary>
    public static CudaArchitecture OldestArchitecture => CudaArchitecture.SM_70;

    /// <summary>The newest CUDA architecture the kernels are compiled and tested for (Hopper: H100, H200).</summary>
    public static CudaArchitecture NewestArchitecture => CudaArchitecture.SM_90;

    /// <summary>
    /// The settings of every context the engine opens, whatever the device: the algorithms library
    /// supplies the math intrinsics (exp, log, sqrt of float) that CUDA has no built-in for. The PTX
    /// compile test uses this same method, so a kernel that CUDA cannot compile fails CI.
    /// </summary>
    internal static Context.Builder EngineSettings(Context.Builder builder) => builder.EnableAlgorithms();

    /// <summary>True when ILGPU finds a CUDA device; <paramref name="deviceName"/> is its name ("" otherwise). Never throws.</summary>
    public static bool IsCudaAvailable(out string deviceName)
    {
        deviceName = CudaDeviceName.Value ?? "";
        return CudaDeviceName.Value is not null;
    }

    private const string NoCudaReason = "ILGPU found no CUDA device (no NVIDIA GPU, or the libcuda driver is missing); the cpu engine runs everywhere.";

    /// <summary>The CUDA engine's registry entry: auto prefers it wherever a CUDA device exists.</summary>
    public static EngineDescriptor CudaDescriptor { get; } = new(
        "gpu", "CUDA through ILGPU (the first NVIDIA GPU)",
        () => IsCudaAvailable(out _) ? EngineAvailability.Yes : EngineAvailability.No(NoCudaReason),
        settings => CreateCuda(settings), AutoPriority: 10);

    /// <summary>The GPU code on ILGPU's CPU accelerator: slow, for checking the GPU engine where there is no GPU; never picked by auto.</summary>
    public static EngineDescriptor CpuAcceleratorDescriptor { get; } = new(
        "ilgpu-cpu", "the GPU engine's kernels on ILGPU's CPU accelerator (slow; for checking)",
        () => EngineAvailability.Yes, settings => CreateCpuAccelerator(settings), AutoPriority: -1);

    /// <summary>Adds the GPU engines (gpu, ilgpu-cpu) to <paramref name="registry"/>.</summary>
    public static void RegisterEngines(EngineRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(CudaDescriptor);
        registry.Register(CpuAcceleratorDescriptor);
    }

    /// <summary>A localizer on the first CUDA device. <see cref="EngineUnavailableException"/> when there is none.</summary>
    public static GpuLocalizer CreateCuda(LocalizerSettings settings, int framesPerLaunch = GpuLocalizer.DefaultFramesPerLaunch)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (!IsCudaAvailable(out _))
        {
            throw new EngineUnavailableException("gpu", NoCudaReason);
        }

        Context context = Context.Create(builder => EngineSettings(builder).Cuda());
        try
        {
            Accelerator accelerator = context.CreateCudaAccelerator(0);
            return Create(settings, context, accelerator, framesPerLaunch);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>A localizer on ILGPU's CPU accelerator: the GPU code path without a GPU (tests, debugging; slow).</summary>
    public static GpuLocalizer CreateCpuAccelerator(LocalizerSettings settings, int framesPerLaunch = GpuLocalizer.DefaultFramesPerLaunch)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Context context = Context.Create(builder => EngineSettings(builder).CPU());
        try
        {
            Accelerator accelerator = context.CreateCPUAccelerator(0);
            return Create(settings, context, accelerator, framesPerLaunch);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private static string? ProbeCuda()
    {
        try
        {
            using Context context = Context.Create(builder => EngineSettings(builder).Cuda());
            var devices = context.GetCudaDevices();
            return devices.Count == 0 ? null : devices[0].Name;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException
            or CudaException or InvalidOperationException or NotSupportedException)
        {
            // No driver (libcuda missing) or a broken one: there is no usable CUDA device.
            return null;
        }
    }

    // The localizer owns both from here on; if its constructor throws, release them here.
    private static GpuLocalizer Create(LocalizerSettings settings, Context context, Accelerator accelerator, int framesPerLaunch)
    {
        try
        {
            return new GpuLocalizer(settings, context, accelerator, framesPerLaunch);
        }
        catch
        {
            accelerator.Dispose();
            throw;
        }
    }
}
