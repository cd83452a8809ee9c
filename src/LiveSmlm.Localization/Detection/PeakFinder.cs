using System.Numerics;

namespace LiveSmlm.Localization;

/// <summary>A candidate spot: the pixel of a local maximum and its filtered value.</summary>
public readonly record struct Candidate(int X, int Y, float Value);

/// <summary>
/// Local maxima of a filtered image above a per-pixel threshold (8-neighbourhood, ties broken by scan order),
/// then non-maximum suppression: a weaker maximum within the suppression radius of a stronger one goes.
/// </summary>
public static class PeakFinder
{
    /// <summary>
    /// Fills <paramref name="candidates"/> (cleared first), strongest first: the maxima above
    /// <paramref name="thresholds"/> at their own pixel (<see cref="DetectionNoise"/>).
    /// </summary>
    public static void Find(ReadOnlySpan<float> filtered, ReadOnlySpan<float> thresholds, int width, int height, int suppressionRadiusPx, List<Candidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (filtered.Length < width * height || thresholds.Length < width * height)
        {
            throw new ArgumentException($"A {width}×{height} image needs {width * height} filtered values and thresholds; got {filtered.Length} and {thresholds.Length}.", nameof(thresholds));
        }

        candidates.Clear();
        for (int y = 0; y < height; y++)
        {
            int row = y * width;
            bool innerRow = y > 0 && y < height - 1;
            ReadOnlySpan<float> line = filtered.Slice(row, width);
            ReadOnlySpan<float> limits = thresholds.Slice(row, width);
            for (int x = 0; x < width; x++)
            {
                // Skip whole vectors below threshold: almost every pixel of a sparse frame is.
                if (x + Vector<float>.Count <= width && !Vector.GreaterThanAny(new Vector<float>(line[x..]), new Vector<float>(limits[x..])))
                {
                    x += Vector<float>.Count - 1;
                    continue;
                }

                float v = line[x];
                if (v <= limits[x])
                {
                    continue;
                }

                // Edge pixels count too: a spot within a pixel of the border peaks on the border
                // after the mirrored filter. Out-of-image neighbours are simply absent.
                bool isMaximum = innerRow && x > 0 && x < width - 1
                    ? IsInnerMaximum(filtered, row, width, x, v)
                    : IsEdgeMaximum(filtered, width, height, x, y, v);
                if (isMaximum)
                {
                    candidates.Add(new Candidate(x, y, v));
                }
            }
        }

        Suppress(candidates, suppressionRadiusPx);
    }

    /// <summary>
    /// Sorts <paramref name="candidates"/> strongest first (ties in scan order) and removes every one
    /// within <paramref name="suppressionRadiusPx"/> of a stronger kept one. Also used by the GPU
    /// backend on the maxima its kernel found, in whatever order they came.
    /// </summary>
    public static void Suppress(List<Candidate> candidates, int suppressionRadiusPx)
    {
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

    // Strictly greater than the neighbours already scanned, at least equal to the later ones.
    private static bool IsInnerMaximum(ReadOnlySpan<float> f, int row, int width, int x, float v)
    {
        int above = row - width, below = row + width;
        return v > f[above + x - 1] && v > f[above + x] && v > f[above + x + 1] && v > f[row + x - 1]
            && v >= f[row + x + 1] && v >= f[below + x - 1] && v >= f[below + x] && v >= f[below + x + 1];
    }

    private static bool IsEdgeMaximum(ReadOnlySpan<float> f, int width, int height, int x, int y, float v)
    {
        for (int dy = -1; dy <= 1; dy++)
        {
            for (int dx = -1; dx <= 1; dx++)
            {
                int nx = x + dx, ny = y + dy;
                if ((dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= width || ny >= height)
                {
                    continue;
                }

                float n = f[(ny * width) + nx];
                bool earlier = dy < 0 || (dy == 0 && dx < 0);
                if (earlier ? v <= n : v < n)
                {
                    return false;
                }
            }
        }

        return true;
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
