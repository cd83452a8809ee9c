using System.Runtime.CompilerServices;

namespace LiveSmlm.Simulation;

/// <summary>
/// Fast exact Poisson for the background range of means. Poisson(λ) = Poisson(λq) + Poisson(λ − λq)
/// (sums of independent Poissons are Poisson) with λq = λ rounded down to a grid: the first part by
/// table inversion with a guide table (Chen &amp; Asau 1974), the small remainder by direct inversion.
/// </summary>
/// <remarks>
/// The tables hold the CDF in 32-bit fixed point: probabilities are resolved to 2⁻³², far below any
/// statistic a test or an experiment can see. Means above <see cref="MaxMean"/> go to PTRS.
/// </remarks>
public static class PoissonTable
{
    /// <summary>Largest mean served by the tables; above it (emitter peaks only) PTRS is used.</summary>
    public const double MaxMean = 64;

    /// <summary>Grid of the tabulated means: the remainder is below this, so P(remainder = 0) ≥ e⁻⁰·⁵.</summary>
    public const double Step = 0.5;

    private const double TwoTo32 = 4294967296.0;

    private static readonly Level[] Levels = BuildLevels();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Next(ref Xoshiro256 rng, double lambda)
    {
        if (!(lambda > 0))
        {
            return 0;
        }

        if (lambda > MaxMean)
        {
            return RandomDistributions.Poisson(ref rng, lambda);
        }

        int level = (int)(lambda * (1 / Step));
        double remainder = lambda - (level * Step);
        ulong bits = rng.NextUInt64();
        uint u = (uint)(bits >> 32);
        int k = Levels[level].Sample(u);

        // Remainder r < Step: P(0) = e^−r, then walk the CDF (rarely beyond k = 1).
        double v = (uint)bits * (1.0 / TwoTo32);
        double p = Math.Exp(-remainder);
        double cdf = p;
        int extra = 0;
        while (v >= cdf && extra < 30)
        {
            extra++;
            p *= remainder / extra;
            cdf += p;
        }

        return k + extra;
    }

    private static Level[] BuildLevels()
    {
        int count = (int)(MaxMean / Step) + 1;
        var levels = new Level[count];
        for (int i = 0; i < count; i++)
        {
            levels[i] = new Level(i * Step);
        }

        return levels;
    }

    private sealed class Level
    {
        // Invariant: _cdf is non-decreasing and its last entry is 2³² (as ulong), so every u stops.
        private readonly ulong[] _cdf;
        private readonly int[] _guide;

        public Level(double mean)
        {
            // Up to mean + 12√mean + 30 the tail left out is far below 2⁻³².
            int n = (int)Math.Ceiling(mean + (12 * Math.Sqrt(mean)) + 30);
            _cdf = new ulong[n];
            double logP = -mean;
            double cumulative = 0;
            for (int k = 0; k < n; k++)
            {
                if (k > 0)
                {
                    logP += Math.Log(mean) - Math.Log(k);
                }

                cumulative += mean > 0 ? Math.Exp(logP) : k == 0 ? 1 : 0;
                _cdf[k] = (ulong)Math.Min(TwoTo32, Math.Round(cumulative * TwoTo32));
            }

            _cdf[n - 1] = (ulong)TwoTo32;
            _guide = new int[n];
            int kk = 0;
            for (int j = 0; j < n; j++)
            {
                ulong threshold = (ulong)(j * (TwoTo32 / n));
                while (_cdf[kk] <= threshold)
                {
                    kk++;
                }

                _guide[j] = kk;
            }
        }

        // Smallest k with u < cdf[k], starting from the guide entry of u's bucket.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Sample(uint u)
        {
            int k = _guide[(int)(((ulong)u * (ulong)_guide.Length) >> 32)];
            while (u >= _cdf[k])
            {
                k++;
            }

            return k;
        }
    }
}
