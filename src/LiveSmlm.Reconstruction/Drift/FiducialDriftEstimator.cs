using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// Drift from fiducial beads: bright localizations are linked frame to frame into tracks (nearest
/// first, one localization per track and frame); a track present in most frames is a bead; the drift
/// of a frame is the mean displacement of the beads seen in it from their own mean positions,
/// smoothed over a few frames.
/// </summary>
/// <remarks>
/// Incremental: <see cref="Add"/> links as batches arrive (frames in roughly increasing order, as a
/// live pipeline delivers them; a batch is linked frame by frame in frame order). A track that ends
/// with fewer than <see cref="MinKeptTrackFrames"/> points (a blinking dye) is dropped at once, so
/// memory grows with the beads, not with the dyes. One thread calls Add and Estimate.
/// </remarks>
public sealed class FiducialDriftEstimator : IDriftEstimator
{
    /// <summary>Ended tracks shorter than this are dyes, not beads, and are forgotten.</summary>
    public const int MinKeptTrackFrames = 100;

    /// <summary>Passes of (bead reference positions ↔ drift): the second removes the bias of beads missing in some frames.</summary>
    private const int RefinementPasses = 2;

    private readonly FiducialOptions _options;
    private readonly List<Track> _active = [];
    private readonly List<Track> _ended = [];
    private readonly List<int> _order = [];
    private readonly List<(int Loc, Track Track, double Distance)> _candidates = [];
    private int _lastFrame = -1;

    public FiducialDriftEstimator(FiducialOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    public long LocalizationCount { get; private set; }

    /// <summary>Beads used by the last <see cref="Estimate"/> (0: no track was persistent enough; the trace is then zero).</summary>
    public int LastBeadCount { get; private set; }

    public void Add(ReadOnlySpan<Localization> batch)
    {
        LocalizationCount += batch.Length;
        _order.Clear();
        for (int i = 0; i < batch.Length; i++)
        {
            if (batch[i].Frame < 0)
            {
                throw new ArgumentException($"Localization in frame {batch[i].Frame}: frames count from 0.", nameof(batch));
            }

            _lastFrame = Math.Max(_lastFrame, batch[i].Frame);
            if (batch[i].Photons >= _options.MinPhotons && float.IsFinite(batch[i].XNm) && float.IsFinite(batch[i].YNm))
            {
                _order.Add(i);
            }
        }

        var localFrames = new int[batch.Length];
        for (int i = 0; i < batch.Length; i++)
        {
            localFrames[i] = batch[i].Frame;
        }

        _order.Sort((a, b) => localFrames[a] != localFrames[b] ? localFrames[a].CompareTo(localFrames[b]) : a.CompareTo(b));
        int start = 0;
        while (start < _order.Count)
        {
            int frame = batch[_order[start]].Frame;
            int end = start;
            while (end < _order.Count && batch[_order[end]].Frame == frame)
            {
                end++;
            }

            LinkFrame(batch, start, end, frame);
            start = end;
        }
    }

    public DriftTrace Estimate()
    {
        int frameCount = _lastFrame + 1;
        double needed = _options.MinPresence * frameCount;
        var beads = _active.Concat(_ended).Where(t => t.Frames.Count >= needed && t.Frames.Count > 0).ToList();
        LastBeadCount = beads.Count;
        if (beads.Count == 0)
        {
            return DriftTrace.Zero(frameCount);
        }

        var dx = new double[frameCount];
        var dy = new double[frameCount];
        var sumX = new double[frameCount];
        var sumY = new double[frameCount];
        var count = new int[frameCount];
        for (int pass = 0; pass < RefinementPasses; pass++)
        {
            Array.Clear(sumX);
            Array.Clear(sumY);
            Array.Clear(count);
            foreach (Track bead in beads)
            {
                // The bead's own position: its mean once the current drift estimate is taken out.
                double rx = 0, ry = 0;
                for (int k = 0; k < bead.Frames.Count; k++)
                {
                    rx += bead.X[k] - dx[bead.Frames[k]];
                    ry += bead.Y[k] - dy[bead.Frames[k]];
                }

                rx /= bead.Frames.Count;
                ry /= bead.Frames.Count;
                for (int k = 0; k < bead.Frames.Count; k++)
                {
                    int f = bead.Frames[k];
                    sumX[f] += bead.X[k] - rx;
                    sumY[f] += bead.Y[k] - ry;
                    count[f]++;
                }
            }

            for (int f = 0; f < frameCount; f++)
            {
                dx[f] = count[f] > 0 ? sumX[f] / count[f] : double.NaN;
                dy[f] = count[f] > 0 ? sumY[f] / count[f] : double.NaN;
            }

            FillGaps(dx);
            FillGaps(dy);
        }

        double[] x = RunningMean(dx, _options.SmoothingFrames);
        double[] y = RunningMean(dy, _options.SmoothingFrames);
        double x0 = x[0], y0 = y[0];
        for (int f = 0; f < frameCount; f++)
        {
            x[f] -= x0;
            y[f] -= y0;
        }

        return new DriftTrace(x, y);
    }

    // Greedy one-to-one matching, nearest pairs first, of this frame's candidates to the active tracks.
    private void LinkFrame(ReadOnlySpan<Localization> batch, int start, int end, int frame)
    {
        for (int t = _active.Count - 1; t >= 0; t--)
        {
            if (frame - _active[t].LastFrame > _options.MaxGapFrames + 1)
            {
                if (_active[t].Frames.Count >= MinKeptTrackFrames)
                {
                    _ended.Add(_active[t]);
                }

                _active.RemoveAt(t);
            }
        }

        _candidates.Clear();
        double r2 = _options.LinkRadiusNm * _options.LinkRadiusNm;
        for (int k = start; k < end; k++)
        {
            ref readonly Localization loc = ref batch[_order[k]];
            foreach (Track track in _active)
            {
                if (track.LastFrame == frame)
                {
                    continue;
                }

                double ex = loc.XNm - track.X[^1], ey = loc.YNm - track.Y[^1];
                double d2 = (ex * ex) + (ey * ey);
                if (d2 <= r2)
                {
                    _candidates.Add((k, track, d2));
                }
            }
        }

        _candidates.Sort((a, b) => a.Distance.CompareTo(b.Distance));
        var used = new bool[end - start];
        foreach ((int k, Track track, _) in _candidates)
        {
            if (!used[k - start] && track.LastFrame != frame)
            {
                used[k - start] = true;
                track.Append(frame, batch[_order[k]]);
            }
        }

        for (int k = start; k < end; k++)
        {
            if (!used[k - start])
            {
                var track = new Track();
                track.Append(frame, batch[_order[k]]);
                _active.Add(track);
            }
        }
    }

    private static void FillGaps(double[] v)
    {
        int first = Array.FindIndex(v, double.IsFinite);
        if (first < 0)
        {
            Array.Clear(v);
            return;
        }

        int previous = -1;
        for (int f = 0; f < v.Length; f++)
        {
            if (!double.IsFinite(v[f]))
            {
                continue;
            }

            if (previous < 0)
            {
                Array.Fill(v, v[f], 0, f);
            }
            else
            {
                for (int g = previous + 1; g < f; g++)
                {
                    v[g] = v[previous] + ((v[f] - v[previous]) * (g - previous) / (f - previous));
                }
            }

            previous = f;
        }

        Array.Fill(v, v[previous], previous + 1, v.Length - previous - 1);
    }

    // Centred running mean; near the ends the window shrinks symmetrically so the trace is not biased there.
    private static double[] RunningMean(double[] v, int window)
    {
        int half = window / 2;
        var prefix = new double[v.Length + 1];
        for (int f = 0; f < v.Length; f++)
        {
            prefix[f + 1] = prefix[f] + v[f];
        }

        var result = new double[v.Length];
        for (int f = 0; f < v.Length; f++)
        {
            int h = Math.Min(half, Math.Min(f, v.Length - 1 - f));
            result[f] = (prefix[f + h + 1] - prefix[f - h]) / ((2 * h) + 1);
        }

        return result;
    }

    private sealed class Track
    {
        public List<int> Frames { get; } = [];

        public List<float> X { get; } = [];

        public List<float> Y { get; } = [];

        public int LastFrame => Frames.Count > 0 ? Frames[^1] : -1;

        public void Append(int frame, in Localization loc)
        {
            Frames.Add(frame);
            X.Add(loc.XNm);
            Y.Add(loc.YNm);
        }
    }
}
