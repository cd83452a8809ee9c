namespace LiveSmlm.Localization.Gpu;

/// <summary>
/// The host half of detection: orders one frame's device maxima strongest first and drops the weaker
/// of two within the suppression radius, with PeakFinder's ordering and rule, so the candidate list
/// equals the CPU engine's whatever order the device's atomic appends produced.
/// </summary>
internal static class CandidateSuppression
{
    // FrameWorkspace's non-maximum suppression radius in units of σ (kept equal to the CPU engine's).
    private const double SuppressionRadiusInSigma = 1.5;

    /// <summary>The CPU engine's radius for a PSF of <paramref name="sigmaPx"/>: max(1, round(1.5 σ)) px.</summary>
    public static int RadiusPx(double sigmaPx) => Math.Max(1, (int)Math.Round(SuppressionRadiusInSigma * sigmaPx));

    /// <summary>Sorts <paramref name="candidates"/> strongest first and removes suppressed ones in place.</summary>
    public static void Suppress(List<Candidate> candidates, int radiusPx)
    {
        candidates.Sort(StrongestFirst.Instance);
        int kept = 0;
        for (int i = 0; i < candidates.Count; i++)
        {
            Candidate c = candidates[i];
            bool suppressed = false;
            for (int k = 0; k < kept; k++)
            {
                if (Math.Abs(candidates[k].X - c.X) <= radiusPx && Math.Abs(candidates[k].Y - c.Y) <= radiusPx)
                {
                    suppressed = true;
                    break;
                }
            }

            if (!suppressed)
            {
                candidates[kept++] = c;
            }
        }

        candidates.RemoveRange(kept, candidates.Count - kept);
    }

    // Value descending, ties by scan order (row, then column): PeakFinder's total order.
    private sealed class StrongestFirst : IComparer<Candidate>
    {
        public static readonly StrongestFirst Instance = new();

        public int Compare(Candidate a, Candidate b)
        {
            int byValue = b.Value.CompareTo(a.Value);
            return byValue != 0 ? byValue : ((a.Y * 65536) + a.X).CompareTo((b.Y * 65536) + b.X);
        }
    }
}
