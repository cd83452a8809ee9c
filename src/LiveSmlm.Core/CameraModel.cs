namespace LiveSmlm.Core;

/// <summary>
/// How the camera turns photons into ADU, and back. Photons at the sample are
/// photons = (ADU − baseline) · electronsPerAdu / emGain / QE (REFERENCES.md, camera model);
/// the fit works in photoelectrons (the Poisson variable) and reports photons.
/// Field names match the camera section of a hardware profile.
/// </summary>
public sealed record CameraModel
{
    /// <summary>Pixel size projected into the sample plane, nm.</summary>
    public double PixelSizeNm { get; init; } = 100;

    /// <summary>Offset added by the camera electronics, ADU.</summary>
    public double BaselineAdu { get; init; } = 100;

    /// <summary>Conversion gain (sensitivity), photoelectrons per ADU, before EM gain is undone.</summary>
    public double ElectronsPerAdu { get; init; } = 1;

    /// <summary>EM multiplication gain; 1 for sCMOS and CCD.</summary>
    public double EmGain { get; init; } = 1;

    /// <summary>Quantum efficiency, 0–1.</summary>
    public double QuantumEfficiency { get; init; } = 1;

    /// <summary>RMS read noise, electrons (referred to the output, before conversion to ADU).</summary>
    public double ReadNoiseElectrons { get; init; }

    /// <summary>Optional sCMOS per-pixel maps (Huang et al., Nat Methods 2013); null for a uniform camera.</summary>
    public PixelCalibrationMaps? PixelMaps { get; init; }

    /// <summary>True when the register multiplies electrons (EM gain above 1).</summary>
    public bool IsEmccd => EmGain > 1;

    /// <summary>
    /// Excess noise factor F² of the signal variance: 2 for an EMCCD at high gain, 1 otherwise
    /// (Mortensen et al., Nat Methods 2010). Every CRLB is multiplied by it.
    /// </summary>
    public double ExcessNoiseFactor => IsEmccd ? 2.0 : 1.0;

    /// <summary>Photoelectrons (at the input of any EM register) per ADU.</summary>
    public double PhotoelectronsPerAdu => ElectronsPerAdu / EmGain;

    /// <summary>Photons at the sample per ADU.</summary>
    public double PhotonsPerAdu => ElectronsPerAdu / (EmGain * QuantumEfficiency);

    /// <summary>Baseline of one pixel, ADU (the map's value when present).</summary>
    public double BaselineAt(int pixelIndex) => PixelMaps?.BaselineAdu[pixelIndex] ?? BaselineAdu;

    /// <summary>Photoelectrons per ADU of one pixel (the gain map's value when present).</summary>
    public double PhotoelectronsPerAduAt(int pixelIndex) =>
        (PixelMaps?.ElectronsPerAdu[pixelIndex] ?? ElectronsPerAdu) / EmGain;

    /// <summary>
    /// Read-noise variance of one pixel in photoelectrons², the term Huang et al. (2013) add to data
    /// and model (var/g²). Zero for an EMCCD, where read noise is negligible after the gain.
    /// </summary>
    public double ReadVariancePhotoelectronsAt(int pixelIndex)
    {
        if (PixelMaps is { } maps)
        {
            double g = maps.ElectronsPerAdu[pixelIndex];
            return maps.VarianceAdu2[pixelIndex] * g * g / (EmGain * EmGain);
        }

        double sigma = ReadNoiseElectrons / EmGain;
        return sigma * sigma;
    }

    /// <summary>Converts ADU to photoelectrons (the Poisson variable): (ADU − baseline) · e⁻/ADU / EM gain.</summary>
    public void ToPhotoelectrons(ReadOnlySpan<ushort> adu, Span<float> photoelectrons)
    {
        if (photoelectrons.Length < adu.Length)
        {
            throw new ArgumentException("Destination is shorter than the source.", nameof(photoelectrons));
        }

        if (PixelMaps is null)
        {
            float baseline = (float)BaselineAdu;
            float scale = (float)PhotoelectronsPerAdu;
            for (int i = 0; i < adu.Length; i++)
            {
                photoelectrons[i] = (adu[i] - baseline) * scale;
            }

            return;
        }

        for (int i = 0; i < adu.Length; i++)
        {
            photoelectrons[i] = (float)((adu[i] - BaselineAt(i)) * PhotoelectronsPerAduAt(i));
        }
    }

    /// <summary>Photoelectrons to photons at the sample (divides by QE).</summary>
    public double PhotoelectronsToPhotons(double photoelectrons) => photoelectrons / QuantumEfficiency;

    /// <summary>Photons at the sample to photoelectrons (multiplies by QE).</summary>
    public double PhotonsToPhotoelectrons(double photons) => photons * QuantumEfficiency;

    /// <summary>
    /// Checks every field; throws <see cref="SettingException"/> naming the field's path, its value and
    /// the allowed range. <paramref name="prefix"/> names where the model came from (e.g. "camera").
    /// </summary>
    public void Validate(string prefix = "camera")
    {
        SettingValidation.Require(PixelSizeNm is > 1 and <= 100_000, SettingValidation.Join(prefix, "pixelSizeNm"), PixelSizeNm, "(1, 100000] nm");
        SettingValidation.Require(BaselineAdu is >= 0 and < 65535, SettingValidation.Join(prefix, "baselineAdu"), BaselineAdu, "[0, 65535) ADU");
        SettingValidation.Require(ElectronsPerAdu is > 0 and <= 1000, SettingValidation.Join(prefix, "electronsPerAdu"), ElectronsPerAdu, "(0, 1000] e⁻/ADU");
        SettingValidation.Require(EmGain is >= 1 and <= 10_000, SettingValidation.Join(prefix, "emGain"), EmGain, "[1, 10000] (1 for sCMOS/CCD)");
        SettingValidation.Require(QuantumEfficiency is > 0 and <= 1, SettingValidation.Join(prefix, "quantumEfficiency"), QuantumEfficiency, "(0, 1]");
        SettingValidation.Require(ReadNoiseElectrons is >= 0 and <= 1000, SettingValidation.Join(prefix, "readNoiseElectrons"), ReadNoiseElectrons, "[0, 1000] e⁻");
    }
}

/// <summary>
/// sCMOS per-pixel calibration: offset (ADU), read variance (ADU²) and gain (e⁻/ADU), each row-major
/// with the sensor's width × height.
/// </summary>
public sealed record PixelCalibrationMaps(float[] BaselineAdu, float[] VarianceAdu2, float[] ElectronsPerAdu)
{
    public void Validate(int pixelCount)
    {
        ArgumentNullException.ThrowIfNull(BaselineAdu);
        ArgumentNullException.ThrowIfNull(VarianceAdu2);
        ArgumentNullException.ThrowIfNull(ElectronsPerAdu);
        if (BaselineAdu.Length != pixelCount || VarianceAdu2.Length != pixelCount || ElectronsPerAdu.Length != pixelCount)
        {
            throw new ArgumentException(
                $"sCMOS maps must each hold {pixelCount} pixels; got baseline {BaselineAdu.Length}, variance {VarianceAdu2.Length}, gain {ElectronsPerAdu.Length}.");
        }
    }
}
