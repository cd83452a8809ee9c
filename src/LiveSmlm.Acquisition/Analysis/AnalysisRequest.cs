using LiveSmlm.Core;
using LiveSmlm.Localization;

namespace LiveSmlm.Acquisition.Analysis;

/// <summary>Everything a re-analysis of a recorded stack needs, after the caller merged the profile and its options.</summary>
public sealed record AnalysisRequest
{
    public required string StackPath { get; init; }

    public required string OutDir { get; init; }

    public required LocalizerSettings Localizer { get; init; }

    /// <summary>Super-resolution render pixel, nm.</summary>
    public double RenderPixelNm { get; init; } = 10;

    /// <summary>Frames handed to the localizer at once (the GPU needs batches; the CPU parallelises over them).</summary>
    public int BatchFrames { get; init; } = 32;

    /// <summary>Engine registry name (auto, cpu, gpu, ilgpu-cpu, …).</summary>
    public string Engine { get; init; } = "cpu";

    public CameraModel Camera => Localizer.Camera;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Localizer);
        Localizer.Validate();
        SettingValidation.Require(RenderPixelNm is >= 0.5 and <= 1000, "analysis.renderPixelNm", RenderPixelNm, "[0.5, 1000] nm");

        new Pipeline.PipelineOptions { BatchFrames = BatchFrames }.Validate();
    }
}
