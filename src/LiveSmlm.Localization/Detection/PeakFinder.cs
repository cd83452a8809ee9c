namespace LiveSmlm.Localization;

/// <summary>A candidate spot: the pixel of a local maximum and its filtered value.</summary>
public readonly record struct Candidate(int X, int Y, float Value);

/// <summary>
/// Local maxima of a filtered image above a threshold (8-neighbourhood, ties broken by scan order),
/// then non-maximum suppression: a weaker maximum within the suppression radius of a stronger one goes.
/// </summary>
public static class PeakFinder
{
    /// <summary>Fills <paramref name="candidates"/> (cleared first), strongest first.</summary>
    public static void Find(ReadOnlySpan<float> filtered, int width, int height, float threshold, int suppressionRadiusPx, List<Candidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        candidates.Clear();
        for (int y = 1; y < height - 1; y++)
        {
            int row = y * width;
            for (int x = 1; x < width - 1; x++)
            {
                float v = filtered[row + x];
                if (v <= threshold)
                {
                    continue;
                }

                int above = row - width, below = row + width;
                // Strictly greater than the neighbours already scanned, at least equal to the later ones.
                if (v > filtered[above + x - 1] && v > filtered[above + x] && v > filtered[above + x + 1] && v > filtered[row + x - 1]
                    && v >= filtered[row + x + 1] && v >= filtered[below + x - 1] && v >= filtered[below + x] && v >= filtered[below + x + 1])
                {
                    candidates.Add(new Candidate(x, y, v));
                }
            }
        }

        candidates.Sort(StrongestFirst.Instance);
        int kept = 0;
        for (int i = 0; i < candidates.Count; i++)
        {
            Candidate c = candidates[i];
            bool suppressed = false;
            for (int k = 0; k < kept; k++)
            {
                if (Math.Abs(candidates[k].X - c.X) <= suppressionRadiusPx && Math.Abs(candidates[k].Y - c.Y) <= suppressionRadiusPx)
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
