namespace LiveSmlm.Localization;

/// <summary>
/// The error function in single precision, for the pixel-integrated Gaussian on CPU and GPU alike
/// (the BCL has no erf, and ILGPU maps only System.Math/MathF).
/// </summary>
/// <remarks>
/// Abramowitz &amp; Stegun 7.1.26 (rational approximation of Hastings): erf(u) = 1 − t·P(t)·e^(−u²),
/// t = 1/(1 + p·u), absolute error ≤ 1.5·10⁻⁷ for all u. Why this is enough: the error enters only the
/// model μ (the derivatives are exact Gaussians), so a pixel of an N = 5000 photon spot is off by at
/// most 2·1.5·10⁻⁷·5000 ≈ 1.5·10⁻³ photoelectrons, a thousandth of the Poisson noise of even a dark
/// pixel; the error is odd in u, so it shifts no position. It also shares e^(−u²) with the derivative,
/// which the fit needs at the same points: one exp per pixel edge gives both.
/// </remarks>
public static class SinglePrecisionErf
{
    // Abramowitz & Stegun, Handbook of Mathematical Functions (1964), eq. 7.1.26.
    private const float P = 0.3275911f;
    private const float A1 = 0.254829592f;
    private const float A2 = -0.284496736f;
    private const float A3 = 1.421413741f;
    private const float A4 = -1.453152027f;
    private const float A5 = 1.061405429f;

    /// <summary>erf(u).</summary>
    public static float Erf(float u) => ErfWithGaussian(u, MathF.Exp(-u * u));

    /// <summary>erf(u) given gaussian = e^(−u²), which the caller has already computed.</summary>
    public static float ErfWithGaussian(float u, float gaussian)
    {
        float a = MathF.Abs(u);
        float t = 1f / (1f + (P * a));
        float poly = t * (A1 + (t * (A2 + (t * (A3 + (t * (A4 + (t * A5))))))));
        float e = 1f - (poly * gaussian);
        return u < 0f ? -e : e;
    }
}
