using LiveSmlm.Devices.Profiles;
using LiveSmlm.Localization;

namespace LiveSmlm.Acquisition.Analysis;

/// <summary>A profile's "analysis" section applied to the localizer settings (analyze and acquire).</summary>
public static class AnalysisProfileSettings
{
    /// <summary><paramref name="settings"/> with the multi-emitter fields of <paramref name="analysis"/>; unchanged when it is null.</summary>
    public static LocalizerSettings WithAnalysis(this LocalizerSettings settings, AnalysisProfile? analysis)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return analysis is null ? settings : settings with
        {
            MultiEmitter = analysis.MultiEmitter,
            MaxEmittersPerGroup = analysis.MaxEmittersPerGroup,
            MultiEmitterSignificance = analysis.MultiEmitterSignificance,
            ResidualDetection = analysis.ResidualDetection,
        };
    }
}
