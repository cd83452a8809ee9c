using LiveSmlm.Core;
using LiveSmlm.Localization;

namespace LiveSmlm.Cli.Analysis;

/// <summary>Everything `analyze` needs, after the CLI has merged the profile and the options.</summary>
public sealed record AnalysisOptions
{
    public required string StackPath { get; init; }

    public required string OutDir { get; init; }

    public required LocalizerSettings Localizer { get; init; }

    /// <summary>Super-resolution render pixel, nm.</summary>
    public double RenderPixelNm { get; init; } = 10;

    /// <summary>Frames handed to the localizer at once (the GPU needs batches; the CPU parallelises over them).</summary>
    public int BatchFrames { get; init; } = 32;

    public string Engine { get; init; } = "cpu";

    public CameraModel Camera => Localizer.Camera;
}
