using LiveSmlm.Core;
using LiveSmlm.Simulation;

namespace LiveSmlm.Devices.Profiles;

/// <summary>
/// The optics section of a hardware profile: emission wavelength and objective NA (required), and the
/// astigmatic calibration when the rig images in 3D.
/// </summary>
public sealed record OpticsProfile
{
    public required double WavelengthNm { get; init; }

    public required double NumericalAperture { get; init; }

    public AstigmatismSettings? Astigmatism { get; init; }

    public OpticsSettings ToOpticsSettings() => new()
    {
        WavelengthNm = WavelengthNm,
        NumericalAperture = NumericalAperture,
        Astigmatism = Astigmatism,
    };

    public void Validate(string prefix = "optics") => ToOpticsSettings().Validate(prefix);
}

/// <summary>
/// What a simulated rig simulates beyond its camera and optics: the sample, the dyes' photophysics,
/// the background and the drift. Every part has sensible defaults.
/// </summary>
public sealed record SimulationProfile
{
    public SampleSettings Sample { get; init; } = new();

    public PhotophysicsSettings Photophysics { get; init; } = new();

    public BackgroundSettings Background { get; init; } = new();

    public DriftSettings Drift { get; init; } = new();

    public void Validate(string prefix = "simulation")
    {
        SettingValidation.NotNull(Sample, SettingValidation.Join(prefix, "sample")).Validate(SettingValidation.Join(prefix, "sample"));
        SettingValidation.NotNull(Photophysics, SettingValidation.Join(prefix, "photophysics")).Validate(SettingValidation.Join(prefix, "photophysics"));
        SettingValidation.NotNull(Background, SettingValidation.Join(prefix, "background")).Validate(SettingValidation.Join(prefix, "background"));
        SettingValidation.NotNull(Drift, SettingValidation.Join(prefix, "drift")).Validate(SettingValidation.Join(prefix, "drift"));
    }
}
