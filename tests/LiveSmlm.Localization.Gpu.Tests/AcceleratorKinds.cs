namespace LiveSmlm.Localization.Gpu.Tests;

/// <summary>The contract on ILGPU's CPU accelerator: always present, the CI backend.</summary>
public sealed class CpuAcceleratorTests : AcceleratorTests
{
    protected override GpuLocalizer? TryCreate(LocalizerSettings settings, int framesPerLaunch) =>
        GpuEngine.CreateCpuAccelerator(settings, framesPerLaunch);
}

/// <summary>The contract on the first CUDA device; every test returns early on a machine without one.</summary>
public sealed class CudaAcceleratorTests : AcceleratorTests
{
    protected override GpuLocalizer? TryCreate(LocalizerSettings settings, int framesPerLaunch) =>
        GpuEngine.IsCudaAvailable(out _) ? GpuEngine.CreateCuda(settings, framesPerLaunch) : null;
}
