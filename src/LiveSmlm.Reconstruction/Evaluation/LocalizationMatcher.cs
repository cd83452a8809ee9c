using System.Globalization;
using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// Scores localizations against ground truth as the SMLM Challenge 2016 does (Sage et al., Nat Methods
/// 2019): per frame, an optimal one-to-one assignment within a radius, then Jaccard, RMSE and efficiency.
/// </summary>
public static class LocalizationMatcher
{
    /// <summary>Lateral matching radius of the challenge, nm (Sage et al. 2019).</summary>
    public const double ChallengeRadiusNm = 250;

    /// <summary>
    /// Matches (see <see cref="Match"/>) and scores. Frames must agree exactly: both sides use our
    /// 0-based frame numbers. A localization with a non-finite position is never matched (an FP).
    /// </summary>
    public static EvaluationResult Evaluate(IReadOnlyList<Localization> locs, IReadOnlyList<GroundTruthEmitter> truth, double radiusNm = ChallengeRadiusNm, double? axialRadiusNm = null)
    {
        IReadOnlyList<LocalizationMatch> matches = Match(locs, truth, radiusNm, axialRadiusNm);

        double sumSquaresLateral = 0;
        double sumSquaresAxial = 0;
        long pairsWithZ = 0;
        double sumNormalized = 0;
        long normalizedTerms = 0;
        foreach (LocalizationMatch m in matches)
        {
            Localization loc = locs[m.LocalizationIndex];
            GroundTruthEmitter emitter = truth[m.TruthIndex];
            double dx = loc.XNm - emitter.XNm;
            double dy = loc.YNm - emitter.YNm;
            sumSquaresLateral += (dx * dx) + (dy * dy);
            if (loc.UncertaintyXNm > 0 && loc.UncertaintyYNm > 0 && float.IsFinite(loc.UncertaintyXNm) && float.IsFinite(loc.UncertaintyYNm))
            {
                sumNormalized += ((dx / loc.UncertaintyXNm) * (dx / loc.UncertaintyXNm)) + ((dy / loc.UncertaintyYNm) * (dy / loc.UncertaintyYNm));
                normalizedTerms += 2;
            }

            double dz = loc.ZNm - emitter.ZNm;
            if (double.IsFinite(dz))
            {
                sumSquaresAxial += dz * dz;
                pairsWithZ++;
            }
        }

        long tp = matches.Count;
        long fp = locs.Count - tp;
        long fn = truth.Count - tp;
        double jaccard = Ratio(tp, tp + fp + fn);
        double rmseLateral = tp > 0 ? Math.Sqrt(sumSquaresLateral / tp) : double.NaN;

        // Axial RMSE only when every pair has z on both sides: a 2D fit scored against 3D truth has none.
        double rmseAxial = tp > 0 && pairsWithZ == tp ? Math.Sqrt(sumSquaresAxial / tp) : double.NaN;
        return new EvaluationResult(
            tp,
            fp,
            fn,
            jaccard,
            Ratio(tp, tp + fn),
            Ratio(tp, tp + fp),
            rmseLateral,
            rmseAxial,
            EvaluationResult.Efficiency(jaccard, rmseLateral, EvaluationResult.AlphaLateralPerNm),
            EvaluationResult.Efficiency(jaccard, rmseAxial, EvaluationResult.AlphaAxialPerNm))
        {
            NormalizedErrorRms = normalizedTerms > 0 ? Math.Sqrt(sumNormalized / normalizedTerms) : double.NaN,
        };
    }

    /// <summary>
    /// Per frame, the one-to-one pairing with the most pairs, and among those the least total lateral
    /// distance (Kuhn–Munkres on distances). A pair is allowed when its lateral distance is ≤
    /// <paramref name="radiusNm"/> and, if <paramref name="axialRadiusNm"/> is set and both sides have z,
    /// |Δz| ≤ it. Candidates come from a grid of radius-sized cells; the assignment runs only on the
    /// connected components of the candidate graph, so the cost grows with the density, not the count.
    /// </summary>
    public static IReadOnlyList<LocalizationMatch> Match(IReadOnlyList<Localization> locs, IReadOnlyList<GroundTruthEmitter> truth, double radiusNm = ChallengeRadiusNm, double? axialRadiusNm = null)
    {
        ArgumentNullException.ThrowIfNull(locs);
        ArgumentNullException.ThrowIfNull(truth);
        if (!(double.IsFinite(radiusNm) && radiusNm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(radiusNm), $"radiusNm = {radiusNm.ToString(CultureInfo.InvariantCulture)} is out of range; allowed > 0 nm (the challenge uses {ChallengeRadiusNm}).");
        }

        if (axialRadiusNm is { } axial && !(double.IsFinite(axial) && axial > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(axialRadiusNm), $"axialRadiusNm = {axial.ToString(CultureInfo.InvariantCulture)} is out of range; allowed > 0 nm, or null for no axial limit.");
        }

        int[] locOrder = OrderByFrame(locs.Count, i => locs[i].Frame);
        int[] truthOrder = OrderByFrame(truth.Count, i => truth[i].Frame);
        var frameMatcher = new FrameMatcher(locs, truth, radiusNm, axialRadiusNm);
        var matches = new List<LocalizationMatch>();

        // Merge the two frame-sorted lists; only frames present on both sides can hold pairs.
        int a = 0;
        int b = 0;
        while (a < locOrder.Length && b < truthOrder.Length)
        {
            long locFrame = locs[locOrder[a]].Frame;
            long truthFrame = truth[truthOrder[b]].Frame;
            int aEnd = a;
            int bEnd = b;
            if (locFrame < truthFrame)
            {
                while (aEnd < locOrder.Length && locs[locOrder[aEnd]].Frame == locFrame) { aEnd++; }
                a = aEnd;
                continue;
            }

            if (truthFrame < locFrame)
            {
                while (bEnd < truthOrder.Length && truth[truthOrder[bEnd]].Frame == truthFrame) { bEnd++; }
                b = bEnd;
                continue;
            }

            while (aEnd < locOrder.Length && locs[locOrder[aEnd]].Frame == locFrame) { aEnd++; }
            while (bEnd < truthOrder.Length && truth[truthOrder[bEnd]].Frame == truthFrame) { bEnd++; }
            frameMatcher.MatchFrame(locOrder.AsSpan(a, aEnd - a), truthOrder.AsSpan(b, bEnd - b), matches);
            a = aEnd;
            b = bEnd;
        }

        return matches;
    }

    private static int[] OrderByFrame(int count, Func<int, long> frameOf)
    {
        var keys = new long[count];
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = frameOf(i);
            order[i] = i;
        }

        Array.Sort(keys, order);
        return order;
    }

    private static double Ratio(long numerator, long denominator) =>
        denominator > 0 ? (double)numerator / denominator : double.NaN;
}
