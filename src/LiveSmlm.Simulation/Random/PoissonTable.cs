using System.Runtime.CompilerServices;

namespace LiveSmlm.Simulation;

/// <summary>
/// Fast exact Poisson for the background range of means. Poisson(λ) = Poisson(λq) + Poisson(λ − λq)
/// (sums of independent Poissons are Poisson) with λq = λ rounded down to a grid: the first part by
/// table inversion with a guide table (Chen &amp; Asau 1974), the small remainder by direct inversion.
/// </summary>
/// <remarks>
/// The tables hold the CDF in 32-bit fixed point: probabilities are resolved to 2⁻³², far below any
/// statistic a test or an experiment can see. Means above <see cref="MaxMean"/> go to PTRS. All levels
/// live in two flat arrays so a draw is a couple of dependent loads, not a chain of objects.
/// </remarks>
public static class PoissonTable
{
    /// <summary>Largest mean served by the tables; above it (emitter peaks only) PTRS is used.</summary>
    public const double MaxMean = 64;

    /// <summary>Grid of the tabulated means: the remainder is below it, so P(remainder = 0) ≥ e^−Step.</summary>
    public const double Step = 0.125;

    private const double TwoTo32 = 4294967296.0;

    /// <summary>Steps of the e^−r table over [0, Step): fine enough that a 4-term series finishes it exactly.</summary>
    private const int ExpSteps = 256;

    private static readonly Tables Flat = Build();

    private static readonly double[] ExpTable = BuildExpTable();

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
        Tables t = Flat;
        int bucket = t.Offset[level] + (int)(((ulong)u * (ulong)(uint)t.Length[level]) >> 32);
        int k = t.Guide[bucket];
        int cdfStart = t.Offset[level];
        while (u >= t.Cdf[cdfStart + k])
        {
            k++;
        }

        // Remainder r < Step: P(0) = e^−r, then walk its CDF (needed in under 12% of draws).
        double v = (uint)bits * (1.0 / TwoTo32);
        double p = ExpMinus(remainder);
        if (v < p)
        {
            return k;
        }

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

    /// <summary>
    /// e^−r for 0 ≤ r &lt; Step without Math.Exp: a table at r₀ = i·Step/256 times the series of e^−δ,
    /// δ &lt; 4.9·10⁻⁴, whose first omitted term (δ⁵/120 &lt; 3·10⁻¹⁹) is below double precision.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ExpMinus(double r)
    {
        int i = Math.Min((int)(r * (ExpSteps / Step)), ExpSteps - 1);
        double d = r - (i * (Step / ExpSteps));
        return ExpTable[i] * (1 - (d * (1 - (d * (0.5 - (d * ((1.0 / 6) - (d / 24))))))));
    }

    private static double[] BuildExpTable()
    {
        var table = new double[ExpSteps];
        for (int i = 0; i < ExpSteps; i++)
        {
            table[i] = Math.Exp(-i * (Step / ExpSteps));
        }

        return table;
    }

    // Level j (mean j·Step) owns entries [Offset[j], Offset[j] + Length[j]) of both Cdf and Guide.
    // Invariant: each level's Cdf is non-decreasing and ends at 2³², so every u stops inside its level.
    private static Tables Build()
    {
        int levels = (int)(MaxMean / Step) + 1;
        var offset = new int[levels];
        var length = new int[levels];
        int total = 0;
        for (int j = 0; j < levels; j++)
        {
            double mean = j * Step;

            // Up to mean + 12√mean + 30 the tail left out is far below 2⁻³².
            length[j] = (int)Math.Ceiling(mean + (12 * Math.Sqrt(mean)) + 30);
            offset[j] = total;
            total += length[j];
        }

        var cdf = new ulong[total];
        var guide = new int[total];
        for (int j = 0; j < levels; j++)
        {
            FillLevel(j * Step, cdf.AsSpan(offset[j], length[j]), guide.AsSpan(offset[j], length[j]));
        }

        return new Tables(offset, length, cdf, guide);
    }

    private static void FillLevel(double mean, Span<ulong> cdf, Span<int> guide)
    {
        int n = cdf.Length;
        double logP = -mean;
        double cumulative = 0;
        for (int k = 0; k < n; k++)
        {
            if (k > 0)
            {
                logP += Math.Log(mean) - Math.Log(k);
            }

            cumulative += mean > 0 ? Math.Exp(logP) : k == 0 ? 1 : 0;
            cdf[k] = (ulong)Math.Min(TwoTo32, Math.Round(cumulative * TwoTo32));
        }

        cdf[n - 1] = (ulong)TwoTo32;

        // Bucket b holds u in [b·2³²/n, (b+1)·2³²/n); its guide is the first k whose CDF exceeds the bucket's start.
        int kk = 0;
        for (int b = 0; b < n; b++)
        {
            ulong start = (ulong)(b * (TwoTo32 / n));
            while (cdf[kk] <= start)
            {
                kk++;
            }

            guide[b] = kk;
        }
    }

    private sealed record Tables(int[] Offset, int[] Length, ulong[] Cdf, int[] Guide);
}
