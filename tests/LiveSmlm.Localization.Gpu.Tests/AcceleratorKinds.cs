namespace LiveSmlm.Localization.Gpu.Tests;

/// <summary>The contract on ILGPU's CPU accelerator: always present, the CI backend.</summary>
public sealed class CpuAcceleratorTests : AcceleratorTests
{
    protected override GpuLocalizer? TryCreate(LocalizerSettings settings, int framesPerLaunch) =>
        GpuEngine.CreateCpuAccelerator(settings, framesPerLaunch);

    protected override bool DeviceIsPresent => true;
}

/// <summary>The contract on the first CUDA device; every test returns early on a machine without one.</summary>
public sealed class CudaAcceleratorTests : AcceleratorTests
{
    protected override GpuLocalizer? TryCreate(LocalizerSettings settings, int framesPerLaunch) =>
        DeviceIsPresent ? GpuEngine.CreateCuda(settings, framesPerLaunch) : null;

    protected override bool DeviceIsPresent => GpuEngine.IsCudaAvailable(out _);

    [Fact]
    public void CreateCuda_WithoutCudaDevice_ThrowsAClearErrorInsteadOfFallingBack()
    {
        if (GpuEngine.IsCudaAvailable(out string name))
        {
            using GpuLocalizer gpu = GpuEngine.CreateCuda(new LocalizerSettings());
            Assert.Equal(ILGPU.Runtime.AcceleratorType.Cuda, gpu.AcceleratorType);
            Assert.Equal(name, gpu.DeviceName);
            return;
        }

        var e = Assert.Throws<InvalidOperationException>(() => GpuEngine.CreateCuda(new LocalizerSettings()));
        Assert.Contains("no CUDA device", e.Message, StringComparison.Ordinal);
        Assert.Contains("--engine cpu", e.Message, StringComparison.Ordinal);
    }
}
