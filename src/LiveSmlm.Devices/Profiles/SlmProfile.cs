using LiveSmlm.Core;

namespace LiveSmlm.Devices.Profiles;

/// <summary>
/// The SLM section of a hardware profile: the panel's size and its phase calibration (the grey level of a
/// 2π delay at the emission wavelength). Absent: a 512 × 512 panel with 255 for 2π.
/// </summary>
public sealed record SlmProfile
{
    /// <summary>Panel side when the profile does not say (a common 512 × 512 phase SLM).</summary>
    public const int DefaultSizePx = 512;

    public int WidthPx { get; init; } = DefaultSizePx;

    public int HeightPx { get; init; } = DefaultSizePx;

    /// <summary>The grey level that delays by 2π (vendor LUT or a measurement), 1 … 255.</summary>
    public int GrayFor2Pi { get; init; } = 255;

    public void Validate(string prefix = "slm")
    {
        SettingValidation.Require(WidthPx is >= 1 and <= 8192, SettingValidation.Join(prefix, "widthPx"), WidthPx, "[1, 8192] px");
        SettingValidation.Require(HeightPx is >= 1 and <= 8192, SettingValidation.Join(prefix, "heightPx"), HeightPx, "[1, 8192] px");
        SettingValidation.Require(GrayFor2Pi is >= 1 and <= 255, SettingValidation.Join(prefix, "grayFor2Pi"), GrayFor2Pi, "[1, 255]");
    }
}
