using MathNet.Numerics.LinearAlgebra;

namespace LiveSmlm.Reconstruction;

/// <summary>One measured shift between windows I and J: drift(J) − drift(I), nm.</summary>
internal readonly record struct PairShift(int I, int J, double DxNm, double DyNm);

/// <summary>
/// The RCC solution (Wang et al., Opt Express 2014): the drift of each of n windows from the
/// over-determined pair shifts by least squares with window 0 at zero; the pair that misses the
/// solution by most, if more than a threshold, is dropped and the system solved again, until none
/// does, as long as every window stays connected to window 0 through the pairs that remain.
/// </summary>
internal static class RedundantShiftSolver
{
    public static (double[] XNm, double[] YNm, int Rejected) Solve(int n, IReadOnlyList<PairShift> pairs, double outlierThresholdNm)
    {
        (double[] x, double[] y, int rejected, _) = SolveKept(n, pairs, outlierThresholdNm);
        return (x, y, rejected);
    }

    /// <summary>As <see cref="Solve"/>, and the indices (into <paramref name="pairs"/>) of the pairs kept.</summary>
    public static (double[] XNm, double[] YNm, int Rejected, List<int> Kept) SolveKept(int n, IReadOnlyList<PairShift> pairs, double outlierThresholdNm)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var kept = new List<PairShift>(pairs);
        var index = Enumerable.Range(0, pairs.Count).ToList();
        (double[] x, double[] y) = LeastSquares(n, kept);
        int rejected = 0;

        // One pair at a time, worst first: a single gross outlier pulls the solution and with it the
        // residuals of the good pairs that share its windows, so dropping every pair above the threshold
        // at once (as in one pass) would throw good pairs away with it.
        while (true)
        {
            int worst = -1;
            double worstMiss = outlierThresholdNm;
            for (int k = 0; k < kept.Count; k++)
            {
                double miss = Miss(kept[k], x, y);
                if (miss > worstMiss && StaysConnected(n, kept, k))
                {
                    worst = k;
                    worstMiss = miss;
                }
            }

            if (worst < 0)
            {
                return (x, y, rejected, index);
            }

            kept.RemoveAt(worst);
            index.RemoveAt(worst);
            rejected++;
            (x, y) = LeastSquares(n, kept);
        }
    }

    private static bool StaysConnected(int n, List<PairShift> pairs, int without)
    {
        var rest = new List<PairShift>(pairs.Count - 1);
        for (int k = 0; k < pairs.Count; k++)
        {
            if (k != without)
            {
                rest.Add(pairs[k]);
            }
        }

        return Connected(n, rest);
    }

    private static double Miss(PairShift p, double[] x, double[] y) =>
        Math.Sqrt(Math.Pow(x[p.J] - x[p.I] - p.DxNm, 2) + Math.Pow(y[p.J] - y[p.I] - p.DyNm, 2));

    // Normal equations: the graph Laplacian of the pairs, with window 0 pinned to zero (its row and
    // column replaced by the identity), so the system is regular whenever the graph is connected.
    private static (double[] X, double[] Y) LeastSquares(int n, List<PairShift> pairs)
    {
        if (n == 1)
        {
            return ([0], [0]);
        }

        var a = Matrix<double>.Build.Dense(n, n);
        var bx = Vector<double>.Build.Dense(n);
        var by = Vector<double>.Build.Dense(n);
        foreach (PairShift p in pairs)
        {
            a[p.I, p.I] += 1;
            a[p.J, p.J] += 1;
            a[p.I, p.J] -= 1;
            a[p.J, p.I] -= 1;
            bx[p.J] += p.DxNm;
            bx[p.I] -= p.DxNm;
            by[p.J] += p.DyNm;
            by[p.I] -= p.DyNm;
        }

        for (int k = 0; k < n; k++)
        {
            a[0, k] = 0;
            a[k, 0] = 0;
        }

        a[0, 0] = 1;
        bx[0] = 0;
        by[0] = 0;
        var lu = a.LU();
        return (lu.Solve(bx).ToArray(), lu.Solve(by).ToArray());
    }

    internal static bool Connected(int n, IReadOnlyList<PairShift> pairs) => Components(n, pairs).Distinct().Count() == 1;

    /// <summary>A component label per window: windows linked through the pairs share one.</summary>
    internal static int[] Components(int n, IReadOnlyList<PairShift> pairs)
    {
        var parent = Enumerable.Range(0, n).ToArray();
        int Find(int k)
        {
            while (parent[k] != k)
            {
                parent[k] = parent[parent[k]];
                k = parent[k];
            }

            return k;
        }

        foreach (PairShift p in pairs)
        {
            int a = Find(p.I), b = Find(p.J);
            if (a != b)
            {
                parent[a] = b;
            }
        }

        return Enumerable.Range(0, n).Select(Find).ToArray();
    }
}
