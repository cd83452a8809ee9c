using LiveSmlm.Core;

namespace LiveSmlm.Simulation;

/// <summary>
/// Everything the simulated rig needs: camera, optics, sample, photophysics, background, drift and the
/// starting laser powers. Plain init records so System.Text.Json (camelCase) reads and writes them.
/// </summary>
public sealed record SimulationSettings
{
    public CameraSettings Camera { get; init; } = new();

    public OpticsSettings Optics { get; init; } = new();

    public SampleSettings Sample { get; init; } = new();

    public PhotophysicsSettings Photophysics { get; init; } = new();

    public BackgroundSettings Background { get; init; } = new();

    public DriftSettings Drift { get; init; } = new();

    /// <summary>Starting power of the 405 nm activation laser, mW (the camera's property changes it later).</summary>
    public double ActivationPowerMw { get; init; } = 1;

    /// <summary>Starting power of the excitation laser, mW.</summary>
    public double ExcitationPowerMw { get; init; } = 100;

    /// <summary>Checks every field; throws <see cref="ArgumentException"/> naming its JSON path and range.</summary>
    public void Validate(string prefix = "")
    {
        SettingValidation.NotNull(Camera, SettingValidation.Join(prefix, "camera")).Validate(SettingValidation.Join(prefix, "camera"));
        SettingValidation.NotNull(Optics, SettingValidation.Join(prefix, "optics")).Validate(SettingValidation.Join(prefix, "optics"));
        SettingValidation.NotNull(Sample, SettingValidation.Join(prefix, "sample")).Validate(SettingValidation.Join(prefix, "sample"));
        SettingValidation.NotNull(Photophysics, SettingValidation.Join(prefix, "photophysics")).Validate(SettingValidation.Join(prefix, "photophysics"));
        SettingValidation.NotNull(Background, SettingValidation.Join(prefix, "background")).Validate(SettingValidation.Join(prefix, "background"));
        SettingValidation.NotNull(Drift, SettingValidation.Join(prefix, "drift")).Validate(SettingValidation.Join(prefix, "drift"));
        SettingValidation.Require(ActivationPowerMw is >= 0 and <= 10_000, SettingValidation.Join(prefix, "activationPowerMw"), ActivationPowerMw, "[0, 10000] mW");
        SettingValidation.Require(ExcitationPowerMw is >= 0 and <= 100_000, SettingValidation.Join(prefix, "excitationPowerMw"), ExcitationPowerMw, "[0, 100000] mW");
    }
}

/// <summary>
/// The simulated camera: Core's <see cref="CameraModel"/> (how photons become ADU) plus the sensor
/// size and timing. The exposure starts at each frame's timestamp and must fit in the frame period.
/// </summary>
public sealed record CameraSettings
{
    /// <summary>Default: an ORCA-Flash4.0-like sCMOS (QE 0.82, 0.46 e⁻/ADU, 1.6 e⁻ rms, 100 ADU offset).</summary>
    public CameraModel Model { get; init; } = new()
    {
        PixelSizeNm = 100,
        BaselineAdu = 100,
        ElectronsPerAdu = 0.46,
        EmGain = 1,
        QuantumEfficiency = 0.82,
        ReadNoiseElectrons = 1.6,
    };

    public int WidthPx { get; init; } = 256;

    public int HeightPx { get; init; } = 256;

    public double FrameRateHz { get; init; } = 100;

    public double ExposureMs { get; init; } = 10;

    /// <summary>Time from one frame start to the next, s.</summary>
    public double FramePeriodS => 1.0 / FrameRateHz;

    public void Validate(string prefix)
    {
        SettingValidation.NotNull(Model, SettingValidation.Join(prefix, "model"));
        Model.Validate(SettingValidation.Join(prefix, "model"));
        SettingValidation.Require(WidthPx is >= 1 and <= 16_384, SettingValidation.Join(prefix, "widthPx"), WidthPx, "[1, 16384] px");
        SettingValidation.Require(HeightPx is >= 1 and <= 16_384, SettingValidation.Join(prefix, "heightPx"), HeightPx, "[1, 16384] px");
        SettingValidation.Require(FrameRateHz is > 0 and <= 100_000, SettingValidation.Join(prefix, "frameRateHz"), FrameRateHz, "(0, 100000] Hz");
        SettingValidation.Require(
            ExposureMs > 0 && ExposureMs <= (1000.0 / FrameRateHz) * (1 + 1e-9),
            SettingValidation.Join(prefix, "exposureMs"),
            ExposureMs,
            "(0, 1000 / frameRateHz] ms (the exposure must fit in the frame period)");
        Model.PixelMaps?.Validate(WidthPx * HeightPx);
    }
}
