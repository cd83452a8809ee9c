using LiveSmlm.Core;

namespace LiveSmlm.Simulation;

/// <summary>
/// Background photons per pixel per frame at the sample: a uniform level (out-of-focus light,
/// autofluorescence) plus an optional smooth structured part (cell body), both before QE.
/// </summary>
public sealed record BackgroundSettings
{
    public double UniformPhotonsPerPixel { get; init; } = 20;

    /// <summary>Peak of the smooth part, photons/pixel/frame; 0 for none.</summary>
    public double StructuredPhotonsPerPixel { get; init; }

    /// <summary>Length scale of the smooth part, nm (its blobs are this wide).</summary>
    public double StructuredScaleNm { get; init; } = 5000;

    public void Validate(string prefix)
    {
        SettingValidation.Require(UniformPhotonsPerPixel is >= 0 and <= 1e6, SettingValidation.Join(prefix, "uniformPhotonsPerPixel"), UniformPhotonsPerPixel, "[0, 1e6] photons");
        SettingValidation.Require(StructuredPhotonsPerPixel is >= 0 and <= 1e6, SettingValidation.Join(prefix, "structuredPhotonsPerPixel"), StructuredPhotonsPerPixel, "[0, 1e6] photons");
        SettingValidation.Require(StructuredScaleNm is >= 10 and <= 1e7, SettingValidation.Join(prefix, "structuredScaleNm"), StructuredScaleNm, "[10, 1e7] nm");
    }
}
