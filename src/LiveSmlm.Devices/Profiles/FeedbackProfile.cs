using System.Text.Json.Serialization;
using LiveSmlm.Core;

namespace LiveSmlm.Devices.Profiles;

/// <summary>What the activation feedback measures the emitter density with.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DensitySource>))]
public enum DensitySource
{
    /// <summary>Localizations per frame from the localizer (exact, but as late as the localizer).</summary>
    [JsonStringEnumMemberName("localizations")]
    Localizations,

    /// <summary>Spots per frame counted without fitting (frame difference, blur, non-maximum suppression, adaptive threshold), on the camera's thread.</summary>
    [JsonStringEnumMemberName("fitFree")]
    FitFree,
}

/// <summary>
/// Closed-loop activation feedback of a rig (the profile's "feedback" section): the density to hold,
/// the controller's gains, its sampling window and settling wait, and what to do when the sample is
/// exhausted. Every value can also be changed live on the controller.
/// </summary>
/// <remarks>
/// The controller is a PI on the logarithm of the 405 nm power (the density of a switching sample is
/// proportional to the activation power times the dyes left, so a relative error asks for a relative
/// power change whatever the dyes left): every sampling window
/// ln(p + lowPowerScaleMw) changes by proportionalGain·Δe + integralGain·e with e = (setpoint − measured)/setpoint.
/// </remarks>
public sealed record FeedbackProfile
{
    /// <summary>Name of the laser to steer; the profile's first activation laser when null.</summary>
    public string? Laser { get; init; }

    /// <summary>Localizations per frame to hold (the whole camera field).</summary>
    public double SetpointLocalizationsPerFrame { get; init; } = 10;

    /// <summary>Change of ln(power) per unit change of the relative error.</summary>
    public double ProportionalGain { get; init; } = 1.5;

    /// <summary>Change of ln(power) per sampling window per unit relative error.</summary>
    public double IntegralGain { get; init; } = 0.3;

    /// <summary>Frames averaged into one measurement (QC-STORM's sample group).</summary>
    public int WindowFrames { get; init; } = 20;

    /// <summary>Frames left out after each power change before measuring again (the sample has to respond).</summary>
    public int SettlingFrames { get; init; } = 5;

    /// <summary>Power below which changes become additive rather than relative, mW (lets the controller start from 0).</summary>
    public double LowPowerScaleMw { get; init; } = 0.5;

    /// <summary>Largest change of ln(power) in one update (a limit on how hard one noisy window can move the laser).</summary>
    public double MaxLogStep { get; init; } = 1.0;

    public DensitySource Measurement { get; init; } = DensitySource.Localizations;

    /// <summary>Sampling windows in a row at maximum power with the density below setpoint before the sample counts as exhausted.</summary>
    public int ExhaustedWindows { get; init; } = 25;

    /// <summary>End the acquisition when the sample is exhausted.</summary>
    public bool StopWhenExhausted { get; init; }

    public void Validate(string prefix)
    {
        if (Laser is not null && string.IsNullOrWhiteSpace(Laser))
        {
            throw new SettingException(SettingValidation.Join(prefix, "laser"), "is empty; name one of the profile's lasers or leave it out for the first activation laser.");
        }

        SettingValidation.Require(SetpointLocalizationsPerFrame is > 0 and <= 1e6, SettingValidation.Join(prefix, "setpointLocalizationsPerFrame"), SetpointLocalizationsPerFrame, "(0, 1e6] localizations per frame");
        SettingValidation.Require(ProportionalGain is >= 0 and <= 100, SettingValidation.Join(prefix, "proportionalGain"), ProportionalGain, "[0, 100]");
        SettingValidation.Require(IntegralGain is >= 0 and <= 100, SettingValidation.Join(prefix, "integralGain"), IntegralGain, "[0, 100]");
        SettingValidation.Require(WindowFrames is >= 1 and <= 100_000, SettingValidation.Join(prefix, "windowFrames"), WindowFrames, "[1, 100000] frames");
        SettingValidation.Require(SettlingFrames is >= 0 and <= 100_000, SettingValidation.Join(prefix, "settlingFrames"), SettlingFrames, "[0, 100000] frames");
        SettingValidation.Require(LowPowerScaleMw is > 0 and <= 100_000, SettingValidation.Join(prefix, "lowPowerScaleMw"), LowPowerScaleMw, "(0, 100000] mW");
        SettingValidation.Require(MaxLogStep is > 0 and <= 10, SettingValidation.Join(prefix, "maxLogStep"), MaxLogStep, "(0, 10]");
        SettingValidation.Require(Enum.IsDefined(Measurement), SettingValidation.Join(prefix, "measurement"), (int)Measurement, "localizations | fitFree");
        SettingValidation.Require(ExhaustedWindows is >= 1 and <= 1_000_000, SettingValidation.Join(prefix, "exhaustedWindows"), ExhaustedWindows, "[1, 1000000] windows");
    }
}
