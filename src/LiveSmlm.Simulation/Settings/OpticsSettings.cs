using System.Text.Json.Serialization;
using LiveSmlm.Core;

namespace LiveSmlm.Simulation;

/// <summary>
/// The microscope's point-spread function: emission wavelength and NA give the in-focus Gaussian width;
/// an optional astigmatic lens makes σx and σy depend on z (Huang et al., Science 2008).
/// </summary>
public sealed record OpticsSettings
{
    /// <summary>Paraxial Gaussian approximation of the Airy disc: σ ≈ 0.21 λ/NA (REFERENCES.md, PSF).</summary>
    public const double GaussianSigmaFactor = 0.21;

    /// <summary>Emission wavelength, nm (Alexa Fluor 647 / Cy3B-like red default).</summary>
    public double WavelengthNm { get; init; } = 670;

    public double NumericalAperture { get; init; } = 1.49;

    /// <summary>Null for a 2D (in-focus) PSF.</summary>
    public AstigmatismSettings? Astigmatism { get; init; }

    /// <summary>In-focus Gaussian σ in the sample plane, nm.</summary>
    [JsonIgnore]
    public double SigmaNm => GaussianSigmaFactor * WavelengthNm / NumericalAperture;

    /// <summary>σx at depth z, nm: the astigmatic curve when configured, else the in-focus σ.</summary>
    public double SigmaXNm(double zNm) => Astigmatism?.SigmaXNm(zNm) ?? SigmaNm;

    /// <summary>σy at depth z, nm.</summary>
    public double SigmaYNm(double zNm) => Astigmatism?.SigmaYNm(zNm) ?? SigmaNm;

    public void Validate(string prefix)
    {
        SettingValidation.Require(WavelengthNm is >= 200 and <= 2000, SettingValidation.Join(prefix, "wavelengthNm"), WavelengthNm, "[200, 2000] nm");
        SettingValidation.Require(NumericalAperture is > 0 and <= 1.7, SettingValidation.Join(prefix, "numericalAperture"), NumericalAperture, "(0, 1.7]");
        Astigmatism?.Validate(SettingValidation.Join(prefix, "astigmatism"));
    }
}

/// <summary>
/// Astigmatic defocus curves σ(z) = σ0 · √(1 + u² + A u³ + B u⁴), u = (z − c)/d, one per axis
/// (Huang et al., Science 2008; REFERENCES.md). cx and cy have opposite signs about focus.
/// </summary>
public sealed record AstigmatismSettings
{
    public double Sigma0XNm { get; init; } = 120;

    public double Sigma0YNm { get; init; } = 120;

    public double CxNm { get; init; } = -200;

    public double CyNm { get; init; } = 200;

    /// <summary>Depth of focus d, nm (typical ≈ 400 nm).</summary>
    public double DNm { get; init; } = 400;

    public double Ax { get; init; }

    public double Bx { get; init; }

    public double Ay { get; init; }

    public double By { get; init; }

    public double SigmaXNm(double zNm) => Curve(Sigma0XNm, zNm, CxNm, DNm, Ax, Bx);

    public double SigmaYNm(double zNm) => Curve(Sigma0YNm, zNm, CyNm, DNm, Ay, By);

    public void Validate(string prefix)
    {
        SettingValidation.Require(Sigma0XNm is > 0 and <= 5000, SettingValidation.Join(prefix, "sigma0XNm"), Sigma0XNm, "(0, 5000] nm");
        SettingValidation.Require(Sigma0YNm is > 0 and <= 5000, SettingValidation.Join(prefix, "sigma0YNm"), Sigma0YNm, "(0, 5000] nm");
        SettingValidation.Require(CxNm is >= -5000 and <= 5000, SettingValidation.Join(prefix, "cxNm"), CxNm, "[-5000, 5000] nm");
        SettingValidation.Require(CyNm is >= -5000 and <= 5000, SettingValidation.Join(prefix, "cyNm"), CyNm, "[-5000, 5000] nm");
        SettingValidation.Require(DNm is > 0 and <= 10_000, SettingValidation.Join(prefix, "dNm"), DNm, "(0, 10000] nm");

        // The polynomial under the root must stay positive over any z; B ≥ 0 and |A| small keep it so.
        SettingValidation.Require(Ax is >= -10 and <= 10, SettingValidation.Join(prefix, "ax"), Ax, "[-10, 10]");
        SettingValidation.Require(Bx is >= 0 and <= 10, SettingValidation.Join(prefix, "bx"), Bx, "[0, 10]");
        SettingValidation.Require(Ay is >= -10 and <= 10, SettingValidation.Join(prefix, "ay"), Ay, "[-10, 10]");
        SettingValidation.Require(By is >= 0 and <= 10, SettingValidation.Join(prefix, "by"), By, "[0, 10]");
    }

    private static double Curve(double sigma0, double z, double c, double d, double a, double b)
    {
        double u = (z - c) / d;
        double u2 = u * u;

        // Clamp at a tiny positive value: a large negative A could push the polynomial below zero far from focus.
        return sigma0 * Math.Sqrt(Math.Max(1e-6, 1 + u2 + (a * u2 * u) + (b * u2 * u2)));
    }
}
