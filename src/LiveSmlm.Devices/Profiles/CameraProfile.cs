using LiveSmlm.Core;
using LiveSmlm.Simulation;

namespace LiveSmlm.Devices.Profiles;

/// <summary>
/// The camera section of a hardware profile: the sensor type, size and timing, and the fields of
/// Core's <see cref="CameraModel"/> under the same names. Every field is required.
/// </summary>
public sealed record CameraProfile
{
    public const string Scmos = "sCMOS";
    public const string Emccd = "EMCCD";
    public const string Ccd = "CCD";

    /// <summary>"sCMOS", "EMCCD" or "CCD".</summary>
    public required string Type { get; init; }

    public required int WidthPx { get; init; }

    public required int HeightPx { get; init; }

    public required double FrameRateHz { get; init; }

    public required double ExposureMs { get; init; }

    public required double PixelSizeNm { get; init; }

    public required double BaselineAdu { get; init; }

    public required double ElectronsPerAdu { get; init; }

    public required double EmGain { get; init; }

    public required double QuantumEfficiency { get; init; }

    public required double ReadNoiseElectrons { get; init; }

    /// <summary>The real camera driver; null for the simulated camera.</summary>
    public CameraDeviceProfile? Device { get; init; }

    public CameraModel ToCameraModel() => new()
    {
        PixelSizeNm = PixelSizeNm,
        BaselineAdu = BaselineAdu,
        ElectronsPerAdu = ElectronsPerAdu,
        EmGain = EmGain,
        QuantumEfficiency = QuantumEfficiency,
        ReadNoiseElectrons = ReadNoiseElectrons,
    };

    public CameraSettings ToCameraSettings() => new()
    {
        Model = ToCameraModel(),
        WidthPx = WidthPx,
        HeightPx = HeightPx,
        FrameRateHz = FrameRateHz,
        ExposureMs = ExposureMs,
    };

    /// <summary>Throws <see cref="SettingException"/> naming "camera.field", its value and the allowed range.</summary>
    public void Validate(string prefix = "camera")
    {
        if (Type is not (Scmos or Emccd or Ccd))
        {
            throw new SettingException(SettingValidation.Join(prefix, "type"), $"= \"{Type}\" is not a camera type; allowed \"{Scmos}\" | \"{Emccd}\" | \"{Ccd}\".", $"\"{Type}\"");
        }

        ToCameraModel().Validate(prefix);
        if (Type == Emccd)
        {
            SettingValidation.Require(EmGain > 1, SettingValidation.Join(prefix, "emGain"), EmGain, "(1, 10000] for an EMCCD");
        }
        else
        {
            SettingValidation.Require(EmGain == 1, SettingValidation.Join(prefix, "emGain"), EmGain, $"exactly 1 for {Type} (no EM register)");
        }

        Device?.Validate(SettingValidation.Join(prefix, "device"));

        // The sensor part (size, timing) is checked by the same code the simulated camera uses.
        ToCameraSettings().Validate(prefix.Length == 0 ? "camera" : prefix);
    }
}
