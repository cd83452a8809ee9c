using System.Text.Json.Serialization;
using LiveSmlm.Core;

namespace LiveSmlm.Simulation;

/// <summary>How dyes blink.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PhotophysicsKind>))]
public enum PhotophysicsKind
{
    /// <summary>dSTORM/PALM: inactive → active → (dark ↔ active) → bleached; 405 nm drives activation.</summary>
    [JsonStringEnumMemberName("switching")]
    Switching,

    /// <summary>DNA-PAINT: imager binds at kon·c and leaves at koff; no bleaching (fresh imagers).</summary>
    [JsonStringEnumMemberName("binding")]
    Binding,
}

/// <summary>
/// Rates of the continuous-time state model of each dye, per second, and its photon emission rate.
/// Defaults are Alexa Fluor 647-like under dSTORM buffer (Dempsey et al., Nat Methods 2011:
/// ~3800 photons per switching event, duty cycle ~0.001, tens of cycles before bleaching).
/// </summary>
public sealed record PhotophysicsSettings
{
    public PhotophysicsKind Kind { get; init; } = PhotophysicsKind.Switching;

    /// <summary>Inactive → active without 405 nm light, per s.</summary>
    public double SpontaneousActivationPerS { get; init; } = 0.0005;

    /// <summary>Added activation rate per mW of 405 nm, per s per mW (the activation rate is linear in power).</summary>
    public double ActivationCrossSectionPerSPerMw { get; init; } = 0.002;

    /// <summary>Active → dark, per s (sets the mean on time with <see cref="BleachingPerS"/>).</summary>
    public double OffSwitchingPerS { get; init; } = 60;

    /// <summary>Dark → active, per s.</summary>
    public double ReturnPerS { get; init; } = 0.01;

    /// <summary>Active → bleached, per s.</summary>
    public double BleachingPerS { get; init; } = 3;

    /// <summary>Photons per second while on, at <see cref="ReferenceExcitationPowerMw"/> (scales linearly with excitation).</summary>
    public double EmissionPhotonsPerS { get; init; } = 150_000;

    /// <summary>Excitation power at which <see cref="EmissionPhotonsPerS"/> holds, mW.</summary>
    public double ReferenceExcitationPowerMw { get; init; } = 100;

    /// <summary>DNA-PAINT association constant, per M per s (~10⁶–10⁷; Jungmann et al., Nat Methods 2014).</summary>
    public double BindingOnRatePerMPerS { get; init; } = 2e6;

    /// <summary>Imager concentration, nM.</summary>
    public double ImagerConcentrationNm { get; init; } = 2;

    /// <summary>DNA-PAINT dissociation rate koff, per s (9-nt docking: mean bound time ~0.5 s).</summary>
    public double UnbindingPerS { get; init; } = 2;

    /// <summary>Binding kind: unbound → bound rate kon·c, per s.</summary>
    [JsonIgnore]
    public double BindingPerS => BindingOnRatePerMPerS * ImagerConcentrationNm * 1e-9;

    /// <summary>Photon emission rate while on at the given excitation power, photons/s.</summary>
    public double EmissionRatePerS(double excitationPowerMw) =>
        EmissionPhotonsPerS * excitationPowerMw / ReferenceExcitationPowerMw;

    public void Validate(string prefix)
    {
        SettingValidation.Require(Enum.IsDefined(Kind), SettingValidation.Join(prefix, "kind"), (int)Kind, "switching | binding");
        SettingValidation.Require(SpontaneousActivationPerS is >= 0 and <= 1e6, SettingValidation.Join(prefix, "spontaneousActivationPerS"), SpontaneousActivationPerS, "[0, 1e6] per s");
        SettingValidation.Require(ActivationCrossSectionPerSPerMw is >= 0 and <= 1e6, SettingValidation.Join(prefix, "activationCrossSectionPerSPerMw"), ActivationCrossSectionPerSPerMw, "[0, 1e6] per s per mW");
        SettingValidation.Require(OffSwitchingPerS is >= 0 and <= 1e6, SettingValidation.Join(prefix, "offSwitchingPerS"), OffSwitchingPerS, "[0, 1e6] per s");
        SettingValidation.Require(ReturnPerS is >= 0 and <= 1e6, SettingValidation.Join(prefix, "returnPerS"), ReturnPerS, "[0, 1e6] per s");
        SettingValidation.Require(BleachingPerS is >= 0 and <= 1e6, SettingValidation.Join(prefix, "bleachingPerS"), BleachingPerS, "[0, 1e6] per s");
        SettingValidation.Require(EmissionPhotonsPerS is >= 0 and <= 1e9, SettingValidation.Join(prefix, "emissionPhotonsPerS"), EmissionPhotonsPerS, "[0, 1e9] photons/s");
        SettingValidation.Require(ReferenceExcitationPowerMw is > 0 and <= 100_000, SettingValidation.Join(prefix, "referenceExcitationPowerMw"), ReferenceExcitationPowerMw, "(0, 100000] mW");
        SettingValidation.Require(BindingOnRatePerMPerS is >= 0 and <= 1e10, SettingValidation.Join(prefix, "bindingOnRatePerMPerS"), BindingOnRatePerMPerS, "[0, 1e10] per M per s");
        SettingValidation.Require(ImagerConcentrationNm is >= 0 and <= 1e6, SettingValidation.Join(prefix, "imagerConcentrationNm"), ImagerConcentrationNm, "[0, 1e6] nM");
        SettingValidation.Require(UnbindingPerS is >= 0 and <= 1e6, SettingValidation.Join(prefix, "unbindingPerS"), UnbindingPerS, "[0, 1e6] per s");
    }
}
