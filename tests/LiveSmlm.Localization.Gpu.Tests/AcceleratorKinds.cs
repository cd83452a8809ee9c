namespace LiveSmlm.Localization.Gpu.Tests;

/// <summary>The contract on ILGPU's CPU accelerator: always present, the CI backend.</summary>
public sealed class CpuAcceleratorTests : AcceleratorTests
{
    protected override GpuLocalizer Create(LocalizerSettings settings, int framesPerLaunch) =>
        GpuEngine.CreateCpuAccelerator(settings, framesPerLaunch);

    protected override bool DeviceIsPresent => true;

    protected override string AcceleratorName => "ILGPU CPU";
}

/// <summary>The contract on the first CUDA device; every test is reported skipped on a machine without one.</summary>
public sealed class CudaAcceleratorTests : AcceleratorTests
{
    protected override GpuLocalizer Create(LocalizerSettings settings, int framesPerLaunch) =>
        GpuEngine.CreateCuda(settings, framesPerLaunch);

    protected override bool DeviceIsPresent => GpuEngine.IsCudaAvailable(out _);

    protected override string AcceleratorName => "CUDA";

    [SkippableFact]
    public void CreateCuda_OnACudaMachine_OpensTheDeviceItReports()
    {
        SkipUnlessPresent();
        Assert.True(GpuEngine.IsCudaAvailable(out string name));
        using GpuLocalizer gpu = GpuEngine.CreateCuda(new LocalizerSettings());
        Assert.Equal(ILGPU.Runtime.AcceleratorType.Cuda, gpu.AcceleratorType);
        Assert.Equal(name, gpu.DeviceName);
    }

    [SkippableFact]
    public void CreateCuda_WithoutCudaDevice_ThrowsAClearErrorInsteadOfFallingBack()
    {
        Skip.If(DeviceIsPresent, "this machine has a CUDA device: the no-device error cannot be seen here");
        var e = Assert.Throws<EngineUnavailableException>(() => GpuEngine.CreateCuda(new LocalizerSettings()));
        Assert.Contains("no CUDA device", e.Message, StringComparison.Ordinal);
    }
}
