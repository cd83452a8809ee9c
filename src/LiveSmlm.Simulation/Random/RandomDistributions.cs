using System.Runtime.CompilerServices;

namespace LiveSmlm.Simulation;

/// <summary>
/// Exact samplers the camera needs per pixel, written for speed: Poisson (inversion for small λ,
/// PTRS for large), Gamma with integer shape (EM register), standard normal (ziggurat), exponential.
/// </summary>
public static class RandomDistributions
{
    /// <summary>
    /// Below this mean, sequential-search inversion (≈ λ + 1 steps, one uniform) is cheaper than PTRS's
    /// set-up; Hörmann (1993) recommends PTRS from λ ≥ 10.
    /// </summary>
    public const double PoissonInversionLimit = 10;

    /// <summary>Up to this shape, Gamma(n) is drawn as −ln of a product of n uniforms (exact, one log).</summary>
    public const int GammaProductLimit = 12;

    /// <summary>Exponential with the given rate (per unit time); +∞ for a zero rate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Exponential(ref Xoshiro256 rng, double rate) =>
        rate > 0 ? -Math.Log(rng.NextDoubleNonZero()) / rate : double.PositiveInfinity;

    /// <summary>Standard normal (ziggurat; see <see cref="ZigguratNormal"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double StandardNormal(ref Xoshiro256 rng) => ZigguratNormal.Next(ref rng);

    /// <summary>Poisson(λ), exact for every λ ≥ 0.</summary>
    public static int Poisson(ref Xoshiro256 rng, double lambda)
    {
        if (!(lambda > 0))
        {
            return 0;
        }

        if (lambda < PoissonInversionLimit)
        {
            double u = rng.NextDouble();
            double p = Math.Exp(-lambda);
            double cdf = p;
            int k = 0;

            // 200 terms bound the tail far below 2⁻⁵³ for λ < 10; the cap only guards rounding.
            while (u > cdf && k < 200)
            {
                k++;
                p *= lambda / k;
                cdf += p;
            }

            return k;
        }

        return PoissonPtrs(ref rng, lambda);
    }

    /// <summary>
    /// Gamma(shape n, scale θ) for integer n ≥ 0: the output of an EM register for n input electrons
    /// (REFERENCES.md, camera model). Small n: sum of n exponentials; large n: Marsaglia–Tsang (2000).
    /// </summary>
    public static double GammaInteger(ref Xoshiro256 rng, int shape, double scale)
    {
        if (shape <= 0)
        {
            return 0;
        }

        if (shape <= GammaProductLimit)
        {
            double product = rng.NextDoubleNonZero();
            for (int i = 1; i < shape; i++)
            {
                product *= rng.NextDoubleNonZero();
            }

            return -Math.Log(product) * scale;
        }

        double d = shape - (1.0 / 3.0);
        double c = 1.0 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = StandardNormal(ref rng);
            double v = 1 + (c * x);
            if (v <= 0)
            {
                continue;
            }

            v = v * v * v;
            double u = rng.NextDoubleNonZero();
            double x2 = x * x;
            if (u < 1 - (0.0331 * x2 * x2) || Math.Log(u) < (0.5 * x2) + (d * (1 - v + Math.Log(v))))
            {
                return d * v * scale;
            }
        }
    }

    /// <summary>
    /// PTRS: transformed rejection with squeeze, Hörmann, "The transformed rejection method for
    /// generating Poisson random variables", Insurance: Math. Econ. 12 (1993). Exact; ~1.1 loops.
    /// </summary>
    private static int PoissonPtrs(ref Xoshiro256 rng, double lambda)
    {
        double slam = Math.Sqrt(lambda);
        double b = 0.931 + (2.53 * slam);
        double a = -0.059 + (0.02483 * b);
        double vr = 0.9277 - (3.6224 / (b - 2));
        while (true)
        {
            double u = rng.NextDouble() - 0.5;
            double v = rng.NextDouble();
            double us = 0.5 - Math.Abs(u);
            double kd = Math.Floor((((2 * a / us) + b) * u) + lambda + 0.43);
            if (us >= 0.07 && v <= vr)
            {
                return (int)kd;
            }

            if (kd < 0 || (us < 0.013 && v > us))
            {
                continue;
            }

            double invAlpha = 1.1239 + (1.1328 / (b - 3.4));
            double lhs = Math.Log(v * invAlpha / ((a / (us * us)) + b));
            double rhs = -lambda + (kd * Math.Log(lambda)) - LogFactorial((int)kd);
            if (lhs <= rhs)
            {
                return (int)kd;
            }
        }
    }

    private static readonly double[] LogFactorialTable = BuildLogFactorialTable(256);

    /// <summary>ln k!: a table below 256, Stirling's series above (error below 1e-15 relative there).</summary>
    public static double LogFactorial(int k)
    {
        if (k < LogFactorialTable.Length)
        {
            return LogFactorialTable[k];
        }

        double n = k + 1.0;
        double inv = 1.0 / n;
        double inv2 = inv * inv;

        // ln Γ(n) = (n − ½) ln n − n + ½ ln 2π + 1/(12n) − 1/(360n³) + 1/(1260n⁵)
        return ((n - 0.5) * Math.Log(n)) - n + (0.5 * Math.Log(2 * Math.PI))
            + (inv * ((1.0 / 12) - (inv2 * ((1.0 / 360) - (inv2 / 1260)))));
    }

    private static double[] BuildLogFactorialTable(int size)
    {
        var table = new double[size];
        for (int k = 1; k < size; k++)
        {
            table[k] = table[k - 1] + Math.Log(k);
        }

        return table;
    }
}
