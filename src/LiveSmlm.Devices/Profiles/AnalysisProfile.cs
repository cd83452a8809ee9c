using LiveSmlm.Core;

namespace LiveSmlm.Devices.Profiles;

/// <summary>
/// How the rig's frames are localized (the profile's "analysis" section): the multi-emitter search.
/// Defaults are the engine's (LocalizerSettings); analyze and acquire read it, their options override it.
/// </summary>
public sealed record AnalysisProfile
{
    /// <summary>Smallest and largest emitters per jointly fitted ROI (the multi-emitter model holds up to 4).</summary>
    public const int MinEmittersPerGroup = 2;

    public const int MaxEmittersLimit = 4;

    /// <summary>Range of the likelihood-ratio test's significance level.</summary>
    public const double MinSignificance = 1e-9;

    public const double MaxSignificance = 0.1;

    /// <summary>Fit several emitters jointly where one fits poorly (false: single fits only).</summary>
    public bool MultiEmitter { get; init; } = true;

    /// <summary>Most emitters fitted jointly in one ROI, [2, 4].</summary>
    public int MaxEmittersPerGroup { get; init; } = 3;

    /// <summary>Significance level α of each likelihood-ratio test (one more emitter), [1e-9, 0.1]: its false-positive rate.</summary>
    public double MultiEmitterSignificance { get; init; } = 3e-4;

    /// <summary>
    /// A second detection pass on the residual image (data − the accepted fits), for emitters hidden next to
    /// brighter ones (CPU engine, 2D, wavelet background, with the multi-emitter search). Off by default: it costs
    /// frames/s, and the GPU engine does not run it.
    /// </summary>
    public bool ResidualDetection { get; init; }

    /// <summary>Throws <see cref="SettingException"/> naming the field (prefix.field), its value and the allowed range.</summary>
    public void Validate(string prefix)
    {
        SettingValidation.Require(MaxEmittersPerGroup is >= MinEmittersPerGroup and <= MaxEmittersLimit, SettingValidation.Join(prefix, "maxEmittersPerGroup"), MaxEmittersPerGroup,
            $"[{MinEmittersPerGroup}, {MaxEmittersLimit}] emitters");
        SettingValidation.Require(MultiEmitterSignificance is >= MinSignificance and <= MaxSignificance, SettingValidation.Join(prefix, "multiEmitterSignificance"), MultiEmitterSignificance,
            "[1e-9, 0.1]");
    }
}
