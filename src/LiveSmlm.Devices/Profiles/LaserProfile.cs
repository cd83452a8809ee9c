using LiveSmlm.Core;
using LiveSmlm.Simulation;

namespace LiveSmlm.Devices.Profiles;

/// <summary>
/// One laser line of a rig: its wavelength, what it is for (405 nm activation or excitation), the
/// power to start at and the most it may be set to.
/// </summary>
public sealed record LaserProfile
{
    public const string ActivationRole = "activation";
    public const string ExcitationRole = "excitation";

    public required string Name { get; init; }

    public required double WavelengthNm { get; init; }

    /// <summary>"activation" or "excitation".</summary>
    public required string Role { get; init; }

    /// <summary>Power to start at, mW (≤ <see cref="MaxPowerMw"/>).</summary>
    public required double PowerMw { get; init; }

    public required double MaxPowerMw { get; init; }

    /// <summary>The serial driver and port; null for a simulated laser.</summary>
    public LaserDeviceProfile? Device { get; init; }

    public void Validate(string prefix)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new SettingException(SettingValidation.Join(prefix, "name"), "is empty; give the laser a name.");
        }

        if (Role is not (ActivationRole or ExcitationRole))
        {
            throw new SettingException(SettingValidation.Join(prefix, "role"), $"= \"{Role}\" is not a laser role; allowed \"{ActivationRole}\" | \"{ExcitationRole}\".", $"\"{Role}\"");
        }

        SettingValidation.Require(WavelengthNm is >= 200 and <= 2000, SettingValidation.Join(prefix, "wavelengthNm"), WavelengthNm, "[200, 2000] nm");
        SettingValidation.Require(MaxPowerMw is > 0 and <= 100_000, SettingValidation.Join(prefix, "maxPowerMw"), MaxPowerMw, "(0, 100000] mW");
        SettingValidation.Require(PowerMw >= 0 && PowerMw <= MaxPowerMw, SettingValidation.Join(prefix, "powerMw"), PowerMw, $"[0, maxPowerMw = {MaxPowerMw}] mW");
        Device?.Validate(SettingValidation.Join(prefix, "device"));
    }
}
