using LiveSmlm.Localization;

namespace LiveSmlm.Cli.Analysis;

/// <summary>
/// Picks the localization backend for `--engine auto|cpu|gpu`: auto takes CUDA when present, else the
/// CPU engine; gpu without a CUDA device is an error, never a silent fallback.
/// </summary>
public static class Engines
{
    public static IReadOnlyList<string> Names { get; } = ["auto", "cpu", "gpu"];

    /// <summary>The resolved engine and device name, and a localizer the caller disposes.</summary>
    public sealed record Choice(string Engine, string Device, ILocalizer Localizer) : IDisposable
    {
        public void Dispose() => (Localizer as IDisposable)?.Dispose();
    }

    public static Choice Create(string requested, LocalizerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return requested switch
        {
            "cpu" or "auto" => new Choice("cpu", MachineInfo.Describe(), new CpuLocalizer(settings)),
            "gpu" => throw new UsageException("--engine gpu: no CUDA device was found on this machine; use --engine cpu (or auto, which picks CUDA when present)."),
            _ => throw new UsageException($"--engine must be one of auto, cpu, gpu; got '{requested}'."),
        };
    }
}
