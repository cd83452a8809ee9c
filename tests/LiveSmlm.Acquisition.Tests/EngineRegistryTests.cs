using LiveSmlm.Acquisition.Engines;
using LiveSmlm.Localization;

namespace LiveSmlm.Acquisition.Tests;

public sealed class EngineRegistryTests
{
    [Fact]
    public void Auto_PicksTheAvailableEngineOfHighestPriority()
    {
        var registry = new EngineRegistry();
        registry.Register(new EngineDescriptor("fast-but-absent", "", () => EngineAvailability.No("no such device"), s => new CpuLocalizer(s), 100));
        registry.Register(new EngineDescriptor("present", "", () => EngineAvailability.Yes, s => new CpuLocalizer(s), 5));
        registry.Register(new EngineDescriptor("checker", "", () => EngineAvailability.Yes, s => new CpuLocalizer(s), -1));

        Assert.Equal("present", registry.Resolve(EngineRegistry.Auto).Name);
        Assert.Equal(["auto", "cpu", "fast-but-absent", "present", "checker"], registry.Names);
    }

    [Fact]
    public void Resolve_UnavailableEngine_SaysWhyWithoutNamingAFlag()
    {
        var registry = new EngineRegistry();
        registry.Register(new EngineDescriptor("gpu2", "", () => EngineAvailability.No("no CUDA device here"), s => new CpuLocalizer(s), 10));

        var e = Assert.Throws<EngineUnavailableException>(() => registry.Resolve("gpu2"));
        Assert.Equal("gpu2", e.Engine);
        Assert.Contains("no CUDA device here", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UnknownName_ListsTheNames_AndDuplicatesAreRefused()
    {
        var registry = new EngineRegistry();
        var e = Assert.Throws<ArgumentException>(() => registry.Resolve("tpu"));
        Assert.Contains("auto, cpu", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => registry.Register(CpuLocalizer.Descriptor));
    }

    [Fact]
    public void Catalog_HasEveryShippedEngine_AndAutoRunsHere()
    {
        EngineRegistry catalog = EngineCatalog.Create();
        Assert.Equal(["auto", "cpu", "gpu", "ilgpu-cpu", "network"], catalog.Names);
        using ILocalizer auto = catalog.Create(EngineRegistry.Auto, TestStacks.Settings);
        bool cuda = LiveSmlm.Localization.Gpu.GpuEngine.IsCudaAvailable(out _);
        Assert.Equal(cuda ? "gpu" : "cpu", auto.Info.Name);
        Assert.True(auto.Info.Has(EngineCapabilities.HasTemporalBackground));
    }
}
