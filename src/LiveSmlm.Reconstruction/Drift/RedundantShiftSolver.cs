using MathNet.Numerics.LinearAlgebra;

namespace LiveSmlm.Reconstruction;

/// <summary>One measured shift between windows I and J: drift(J) − drift(I), nm.</summary>
internal readonly record struct PairShift(int I, int J, double DxNm, double DyNm);

/// <summary>
/// The RCC solution (Wang et al., Opt Express 2014): the drift of each of n windows from the
/// over-determined pair shifts by least squares with window 0 at zero; pairs that miss the solution by
/// more than a threshold are dropped and the system solved again, as long as every window stays
/// connected to window 0 through the pairs that remain.
/// </summary>
internal static class RedundantShiftSolver
{
    /// <summary>Rounds of solve → reject; rejection usually settles after one or two.</summary>
    private const int MaxRejectionRounds = 5;

    public static (double[] XNm, double[] YNm, int Rejected) Solve(int n, IReadOnlyList<PairShift> pairs, double outlierThresholdNm)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var kept = new List<PairShift>(pairs);
        (double[] x, double[] y) = LeastSquares(n, kept);
        int rejected = 0;
        for (int round = 0; round < MaxRejectionRounds; round++)
        {
            var residuals = kept.Select(p => (Pair: p, Miss: Miss(p, x, y))).ToList();
            var good = residuals.Where(r => r.Miss <= outlierThresholdNm).Select(r => r.Pair).ToList();
            if (good.Count == kept.Count)
            {
                break;
            }

            // Put the least bad outliers back until every window is connected again.
            foreach (var r in residuals.Where(r => r.Miss > outlierThresholdNm).OrderBy(r => r.Miss))
            {
                if (Connected(n, good))
                {
                    break;
                }

                good.Add(r.Pair);
            }

            if (good.Count == kept.Count)
            {
                break;
            }

            rejected += kept.Count - good.Count;
            kept = good;
            (x, y) = LeastSquares(n, kept);
        }

        return (x, y, rejected);
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
