using LiveSmlm.Localization;
using LiveSmlm.Localization.Gpu;
using LiveSmlm.Localization.Network;

namespace LiveSmlm.Acquisition.Engines;

/// <summary>
/// Every localization engine this program ships, in one registry: cpu (always), gpu (CUDA, preferred
/// by auto where present), ilgpu-cpu (the GPU code on ILGPU's CPU accelerator, for checking),
/// network (a DECODE-like model through ONNX Runtime; never picked by auto).
/// </summary>
public static class EngineCatalog
{
    /// <summary>A fresh registry of every shipped engine.</summary>
    public static EngineRegistry Create()
    {
        var registry = new EngineRegistry();
        GpuEngine.RegisterEngines(registry);
        NetworkEngine.RegisterEngines(registry);
        return registry;
    }

    /// <summary>The names a user may give: auto and each engine.</summary>
    public static IReadOnlyList<string> Names { get; } = Create().Names;
}
