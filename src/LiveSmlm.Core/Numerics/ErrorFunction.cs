namespace LiveSmlm.Core;

/// <summary>
/// The error function, which .NET's Math lacks (the simulator's PSF and the renderer integrate Gaussians
/// over pixels with it). Abramowitz &amp; Stegun 7.1.26 (Hastings):
/// |error| ≤ 1.5·10⁻⁷ everywhere, below what a float image can hold.
/// </summary>
public static class ErrorFunction
{
    // Abramowitz & Stegun, Handbook of Mathematical Functions (1964), formula 7.1.26.
    private const double P = 0.3275911;
    private const double A1 = 0.254829592;
    private const double A2 = -0.284496736;
    private const double A3 = 1.421413741;
    private const double A4 = -1.453152027;
    private const double A5 = 1.061405429;

    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        double t = 1.0 / (1.0 + (P * ax));
        double poly = t * (A1 + (t * (A2 + (t * (A3 + (t * (A4 + (t * A5))))))));
        double y = 1.0 - (poly * Math.Exp(-ax * ax));
        return x < 0 ? -y : y;
    }
}
