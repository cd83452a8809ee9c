namespace LiveSmlm.Localization;

/// <summary>
/// Robust weighted least-squares fit of one Huang et al. (2008) curve σ(z) = σ0 √(1 + u² + A u³ + B u⁴),
/// u = (z − c)/d, to measured widths: Levenberg–Marquardt inside iteratively reweighted least squares with
/// Tukey's biweight (so a noisy or aberrant bead's points lose their weight instead of bending the curve).
/// </summary>
public static class AstigmaticCurveFit
{
    /// <summary>Tukey biweight tuning constant: 95 % efficiency for Gaussian residuals (Holland &amp; Welsch 1977).</summary>
    private const double TukeyC = 4.685;

    /// <summary>MAD → standard deviation for Gaussian residuals.</summary>
    private const double MadToSigma = 1.4826;

    private const int ReweightRounds = 6;
    private const int MarquardtIterations = 60;
    private const double MinDepthNm = 50;

    /// <summary>The fitted curve (σ0 in the widths' unit, c and d in nm) and the weighted RMS residual of the inliers.</summary>
    public readonly record struct Result(double Sigma0, double CNm, double DNm, double A, double B, double ResidualRms, int Inliers);

    /// <summary>Fits the curve to widths <paramref name="sigma"/> at <paramref name="zNm"/> with prior weights (e.g. 1/variance).</summary>
    public static Result Fit(IReadOnlyList<double> zNm, IReadOnlyList<double> sigma, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(zNm);
        ArgumentNullException.ThrowIfNull(sigma);
        ArgumentNullException.ThrowIfNull(weights);
        int n = zNm.Count;
        if (n < 8 || sigma.Count != n || weights.Count != n)
        {
            throw new ArgumentException($"A σ(z) curve needs at least 8 measured widths with one weight each; got {n}.", nameof(zNm));
        }

        int iMin = 0;
        for (int i = 1; i < n; i++)
        {
            if (sigma[i] < sigma[iMin])
            {
                iMin = i;
            }
        }

        double[] p = [sigma[iMin], zNm[iMin], 400, 0, 0];
        var robust = new double[n];
        Array.Fill(robust, 1.0);
        for (int round = 0; round < ReweightRounds; round++)
        {
            p = Marquardt(zNm, sigma, weights, robust, p);
            var scaled = new double[n];
            for (int i = 0; i < n; i++)
            {
                scaled[i] = Math.Abs(sigma[i] - Model(p, zNm[i])) * Math.Sqrt(weights[i]);
            }

            double scale = MadToSigma * Median(scaled);
            if (!(scale > 0))
            {
                break;
            }

            for (int i = 0; i < n; i++)
            {
                double u = scaled[i] / (TukeyC * scale);
                robust[i] = u < 1 ? (1 - (u * u)) * (1 - (u * u)) : 0;
            }
        }

        double sum = 0, wsum = 0;
        int inliers = 0;
        for (int i = 0; i < n; i++)
        {
            if (robust[i] > 0)
            {
                double r = sigma[i] - Model(p, zNm[i]);
                sum += r * r;
                wsum++;
                inliers++;
            }
        }

        return new Result(p[0], p[1], p[2], p[3], p[4], Math.Sqrt(sum / Math.Max(wsum, 1)), inliers);
    }

    /// <summary>σ(z) of parameters (σ0, c, d, A, B).</summary>
    public static double Model(IReadOnlyList<double> p, double z)
    {
        double u = (z - p[1]) / p[2];
        double radicand = 1 + (u * u) + (p[3] * u * u * u) + (p[4] * u * u * u * u);
        return p[0] * Math.Sqrt(Math.Max(radicand, 1e-6));
    }

    private static double[] Marquardt(IReadOnlyList<double> z, IReadOnlyList<double> s, IReadOnlyList<double> w, double[] robust, double[] start)
    {
        double[] p = (double[])start.Clone();
        double lambda = 1e-3;
        double cost = Cost(z, s, w, robust, p);
        var jac = new double[5];
        for (int iteration = 0; iteration < MarquardtIterations; iteration++)
        {
            var h = new double[5, 5];
            var g = new double[5];
            for (int i = 0; i < z.Count; i++)
            {
                double wi = w[i] * robust[i];
                if (wi <= 0)
                {
                    continue;
                }

                double f = Model(p, z[i]);
                for (int a = 0; a < 5; a++)
                {
                    double step = Math.Max(Math.Abs(p[a]), 1) * 1e-6;
                    double[] q = (double[])p.Clone();
                    q[a] += step;
                    jac[a] = (Model(q, z[i]) - f) / step;
                }

                double r = s[i] - f;
                for (int a = 0; a < 5; a++)
                {
                    g[a] += wi * jac[a] * r;
                    for (int b = 0; b < 5; b++)
                    {
                        h[a, b] += wi * jac[a] * jac[b];
                    }
                }
            }

            bool improved = false;
            while (lambda < 1e10)
            {
                var m = (double[,])h.Clone();
                for (int a = 0; a < 5; a++)
                {
                    m[a, a] += lambda * Math.Max(h[a, a], 1e-12);
                }

                double[]? delta = Solve(m, g);
                if (delta is not null)
                {
                    double[] q = [.. p.Select((v, a) => v + delta[a])];
                    q[2] = Math.Max(q[2], MinDepthNm);
                    q[0] = Math.Max(q[0], 1e-6);
                    double c = Cost(z, s, w, robust, q);
                    if (c < cost)
                    {
                        bool tiny = cost - c < 1e-12 * cost;
                        p = q;
                        cost = c;
                        lambda = Math.Max(lambda / 10, 1e-12);
                        improved = !tiny;
                        break;
                    }
                }

                lambda *= 10;
            }

            if (!improved)
            {
                break;
            }
        }

        return p;
    }

    private static double Cost(IReadOnlyList<double> z, IReadOnlyList<double> s, IReadOnlyList<double> w, double[] robust, double[] p)
    {
        double sum = 0;
        for (int i = 0; i < z.Count; i++)
        {
            double r = s[i] - Model(p, z[i]);
            sum += w[i] * robust[i] * r * r;
        }

        return sum;
    }

    // Gaussian elimination with partial pivoting; null when singular.
    private static double[]? Solve(double[,] m, double[] g)
    {
        int n = g.Length;
        var a = (double[,])m.Clone();
        var b = (double[])g.Clone();
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = r;
                }
            }

            if (!(Math.Abs(a[pivot, col]) > 1e-300))
            {
                return null;
            }

            for (int k = 0; k < n; k++)
            {
                (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
            }

            (b[col], b[pivot]) = (b[pivot], b[col]);
            for (int r = col + 1; r < n; r++)
            {
                double f = a[r, col] / a[col, col];
                for (int k = col; k < n; k++)
                {
                    a[r, k] -= f * a[col, k];
                }

                b[r] -= f * b[col];
            }
        }

        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double sum = b[r];
            for (int k = r + 1; k < n; k++)
            {
                sum -= a[r, k] * x[k];
            }

            x[r] = sum / a[r, r];
        }

        return x;
    }

    internal static double Median(IEnumerable<double> values)
    {
        double[] v = [.. values.Where(double.IsFinite).Order()];
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[(v.Length / 2) - 1] + v[v.Length / 2]);
    }
}
