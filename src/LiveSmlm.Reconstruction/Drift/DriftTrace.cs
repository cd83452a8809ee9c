using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// Drift of the sample, nm, for every frame 0 … FrameCount − 1: where a point of the sample appears
/// relative to where it appeared in frame 0 (so the trace starts at 0, 0). Correcting a localization
/// subtracts its frame's drift. Immutable; an estimator hands out a new trace on each update.
/// </summary>
public sealed class DriftTrace
{
    private readonly double[] _xNm;
    private readonly double[] _yNm;

    public DriftTrace(double[] xNm, double[] yNm)
    {
        ArgumentNullException.ThrowIfNull(xNm);
        ArgumentNullException.ThrowIfNull(yNm);
        if (xNm.Length != yNm.Length)
        {
            throw new ArgumentException($"Drift trace has {xNm.Length} x values but {yNm.Length} y values; they must have one of each per frame.", nameof(yNm));
        }

        _xNm = xNm;
        _yNm = yNm;
    }

    /// <summary>A trace of zeros (no drift known yet) over the given frames.</summary>
    public static DriftTrace Zero(int frameCount) => new(new double[frameCount], new double[frameCount]);

    /// <summary>Frames the trace covers: 0 … FrameCount − 1.</summary>
    public int FrameCount => _xNm.Length;

    public IReadOnlyList<double> XNm => _xNm;

    public IReadOnlyList<double> YNm => _yNm;

    /// <summary>Drift at a frame; before frame 0 it is the first value, after the last frame the last value.</summary>
    public (double XNm, double YNm) At(long frame)
    {
        if (FrameCount == 0)
        {
            return (0, 0);
        }

        int f = (int)Math.Clamp(frame, 0, FrameCount - 1);
        return (_xNm[f], _yNm[f]);
    }

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/> with each position moved back by its
    /// frame's drift and <see cref="LocalizationFlags.DriftCorrected"/> set.
    /// </summary>
    public void Correct(ReadOnlySpan<Localization> source, Span<Localization> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} localizations; the source has {source.Length}.", nameof(destination));
        }

        for (int i = 0; i < source.Length; i++)
        {
            Localization loc = source[i];
            (double dx, double dy) = At(loc.Frame);
            loc.XNm = (float)(loc.XNm - dx);
            loc.YNm = (float)(loc.YNm - dy);
            loc.Flags |= LocalizationFlags.DriftCorrected;
            destination[i] = loc;
        }
    }

    /// <summary>The drift-corrected copy of a whole list.</summary>
    public Localization[] Correct(IReadOnlyList<Localization> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var copy = source.ToArray();
        Correct(copy, copy);
        return copy;
    }

    /// <summary>Root-mean-square of the 2D distance between this trace and another over their common frames, nm.</summary>
    public double RmsDifferenceNm(DriftTrace other, bool removeMeanOffset)
    {
        ArgumentNullException.ThrowIfNull(other);
        int n = Math.Min(FrameCount, other.FrameCount);
        if (n == 0)
        {
            return 0;
        }

        double mx = 0, my = 0;
        if (removeMeanOffset)
        {
            for (int f = 0; f < n; f++)
            {
                mx += _xNm[f] - other._xNm[f];
                my += _yNm[f] - other._yNm[f];
            }

            mx /= n;
            my /= n;
        }

        double sum = 0;
        for (int f = 0; f < n; f++)
        {
            double ex = _xNm[f] - other._xNm[f] - mx;
            double ey = _yNm[f] - other._yNm[f] - my;
            sum += (ex * ex) + (ey * ey);
        }

        return Math.Sqrt(sum / n);
    }
}
