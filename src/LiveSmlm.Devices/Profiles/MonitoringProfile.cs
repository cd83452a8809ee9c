using LiveSmlm.Core;

namespace LiveSmlm.Devices.Profiles;

/// <summary>
/// Live drift and resolution monitoring during acquire (the profile's "monitoring" section): how often the
/// drift and the FRC resolution are re-estimated, the RCC time window, the FRC blocks and pixel, and an
/// optional stop once the resolution has stopped improving.
/// </summary>
public sealed record MonitoringProfile
{
    /// <summary>Frames per RCC time window (one partial reconstruction each).</summary>
    public int DriftWindowFrames { get; init; } = 1000;

    /// <summary>The live drift estimate is redone every this many frames.</summary>
    public int DriftUpdateFrames { get; init; } = 1000;

    /// <summary>Bin of RCC's partial reconstructions, nm.</summary>
    public double DriftBinNm { get; init; } = 40;

    /// <summary>Frames per FRC time block (even blocks are one half, odd blocks the other).</summary>
    public int FrcBlockFrames { get; init; } = 500;

    /// <summary>FRC histogram pixel, nm.</summary>
    public double FrcPixelNm { get; init; } = 10;

    /// <summary>The live FRC resolution is recomputed every this many frames.</summary>
    public int FrcUpdateFrames { get; init; } = 1000;

    /// <summary>
    /// Stop the acquisition when the FRC resolution has improved by less than this (nm) over
    /// <see cref="StopResolutionOverFrames"/> frames; null: never stop for that.
    /// </summary>
    public double? StopResolutionImprovementNm { get; init; }

    /// <summary>The span of frames the improvement is measured over.</summary>
    public int StopResolutionOverFrames { get; init; } = 5000;

    public void Validate(string prefix)
    {
        SettingValidation.Require(DriftWindowFrames is >= 10 and <= 1_000_000, SettingValidation.Join(prefix, "driftWindowFrames"), DriftWindowFrames, "[10, 1000000] frames");
        SettingValidation.Require(DriftUpdateFrames is >= 1 and <= 1_000_000, SettingValidation.Join(prefix, "driftUpdateFrames"), DriftUpdateFrames, "[1, 1000000] frames");
        SettingValidation.Require(DriftBinNm is >= 1 and <= 1000, SettingValidation.Join(prefix, "driftBinNm"), DriftBinNm, "[1, 1000] nm");
        SettingValidation.Require(FrcBlockFrames is >= 1 and <= 1_000_000, SettingValidation.Join(prefix, "frcBlockFrames"), FrcBlockFrames, "[1, 1000000] frames");
        SettingValidation.Require(FrcPixelNm is >= 1 and <= 1000, SettingValidation.Join(prefix, "frcPixelNm"), FrcPixelNm, "[1, 1000] nm");
        SettingValidation.Require(FrcUpdateFrames is >= 1 and <= 1_000_000, SettingValidation.Join(prefix, "frcUpdateFrames"), FrcUpdateFrames, "[1, 1000000] frames");
        if (StopResolutionImprovementNm is { } nm)
        {
            SettingValidation.Require(nm is >= 0 and <= 10_000, SettingValidation.Join(prefix, "stopResolutionImprovementNm"), nm, "[0, 10000] nm");
        }

        SettingValidation.Require(StopResolutionOverFrames is >= 1 and <= 10_000_000, SettingValidation.Join(prefix, "stopResolutionOverFrames"), StopResolutionOverFrames, "[1, 10000000] frames");
    }
}
