namespace LiveSmlm.Localization;

/// <summary>
/// Host-side quantiles for the model tests' thresholds: χ² with integer degrees of freedom (closed-form
/// survival function, Abramowitz &amp; Stegun 26.4.4–26.4.5) and the standard normal, by bisection.
/// </summary>
public static class ChiSquared
{
    /// <summary>P(χ²_df &gt; x) for integer df ≥ 1.</summary>
    public static double Survival(int df, double x)
    {
        if (x <= 0)
        {
            return 1;
        }

        double h = x / 2, term, sum;
        if (df % 2 == 0)
        {
            // e^{−h} Σ_{k<df/2} h^k/k!
            term = Math.Exp(-h);
            sum = term;
            for (int k = 1; k < df / 2; k++)
            {
                term *= h / k;
                sum += term;
            }

            return sum;
        }

        // erfc(√h) + e^{−h} Σ_{k=1}^{(df−1)/2} h^{k−1/2}/Γ(k+1/2)
        sum = Erfc(Math.Sqrt(h));
        term = Math.Exp(-h) * Math.Sqrt(h) / Math.Sqrt(Math.PI) * 2; // h^{1/2}/Γ(3/2)
        for (int k = 1; k <= (df - 1) / 2; k++)
        {
            sum += term;
            term *= h / (k + 0.5);
        }

        return sum;
    }

    /// <summary>The x with P(χ²_df &gt; x) = <paramref name="alpha"/>.</summary>
    public static double UpperQuantile(int df, double alpha)
    {
        if (df < 1 || !(alpha is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), $"χ² quantile needs df ≥ 1 and 0 < α < 1; got df = {df}, α = {alpha}.");
        }

        double lo = 0, hi = df + 10;
        while (Survival(df, hi) > alpha)
        {
            hi *= 2;
        }

        for (int i = 0; i < 200 && hi - lo > 1e-10 * hi; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Survival(df, mid) > alpha)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }

    /// <summary>The z with P(Z &gt; z) = <paramref name="alpha"/> for a standard normal Z (α &lt; 0.5): √ of the χ²₁ quantile at 2α.</summary>
    public static double NormalUpperQuantile(double alpha) => Math.Sqrt(UpperQuantile(1, 2 * alpha));

    private static readonly double[] ErfcCoefficients =
        [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851805, -0.82215223, 0.17087277];

    // Complementary error function, fractional error < 1.2e-7 (Numerical Recipes' erfcc, Chebyshev fit).
    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + (0.5 * z));
        double poly = 0;
        for (int k = ErfcCoefficients.Length - 1; k >= 0; k--)
        {
            poly = ErfcCoefficients[k] + (t * poly);
        }

        double ans = t * Math.Exp(-(z * z) + poly);
        return x >= 0 ? ans : 2 - ans;
    }
}
