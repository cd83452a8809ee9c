using System.Runtime.CompilerServices;

namespace LiveSmlm.Simulation;

/// <summary>
/// Standard normal deviates by the ziggurat method (Marsaglia &amp; Tsang, J. Stat. Softw. 2000) in
/// Doornik's 128-layer form (ZIGNOR, 2005): one 64-bit draw and one compare 99% of the time; exact.
/// </summary>
public static class ZigguratNormal
{
    private const int Layers = 128;

    /// <summary>Start of the tail and area of each layer for 128 layers (Doornik 2005, Table 1).</summary>
    private const double TailStart = 3.442619855899;
    private const double LayerArea = 9.91256303526217e-3;

    // Field initialisers rather than a static constructor keep the type beforefieldinit, so hot loops
    // carry no class-initialisation checks.
    private static readonly double[] X = BuildEdges();
    private static readonly double[] Ratio = BuildRatios(X);

    private static double[] BuildEdges()
    {
        var edges = new double[Layers + 1];
        double f = Math.Exp(-0.5 * TailStart * TailStart);
        edges[0] = LayerArea / f;
        edges[1] = TailStart;
        edges[Layers] = 0;
        for (int i = 2; i < Layers; i++)
        {
            edges[i] = Math.Sqrt(-2 * Math.Log((LayerArea / edges[i - 1]) + f));
            f = Math.Exp(-0.5 * edges[i] * edges[i]);
        }

        return edges;
    }

    private static double[] BuildRatios(double[] edges)
    {
        var ratios = new double[Layers];
        for (int i = 0; i < Layers; i++)
        {
            ratios[i] = edges[i + 1] / edges[i];
        }

        return ratios;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Next(ref Xoshiro256 rng)
    {
        while (true)
        {
            ulong bits = rng.NextUInt64();

            // Bits 11–63 give u in [−1, 1); bits 0–6 pick the layer: disjoint, so independent.
            double u = ((bits >> 11) * (2.0 / (1UL << 53))) - 1;
            int i = (int)(bits & (Layers - 1));
            if (Math.Abs(u) < Ratio[i])
            {
                return u * X[i];
            }

            double? slow = Slow(ref rng, u, i);
            if (slow.HasValue)
            {
                return slow.Value;
            }
        }
    }

    private static double? Slow(ref Xoshiro256 rng, double u, int i)
    {
        if (i == 0)
        {
            // Base layer's tail beyond R (Marsaglia 1964).
            double x, y;
            do
            {
                x = Math.Log(rng.NextDoubleNonZero()) / TailStart;
                y = Math.Log(rng.NextDoubleNonZero());
            }
            while (-2 * y < x * x);
            return u < 0 ? x - TailStart : TailStart - x;
        }

        double xu = u * X[i];
        double f0 = Math.Exp(-0.5 * ((X[i] * X[i]) - (xu * xu)));
        double f1 = Math.Exp(-0.5 * ((X[i + 1] * X[i + 1]) - (xu * xu)));
        return f1 + (rng.NextDouble() * (f0 - f1)) < 1.0 ? xu : null;
    }
}
