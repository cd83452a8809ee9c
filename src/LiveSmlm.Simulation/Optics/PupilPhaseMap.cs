namespace LiveSmlm.Simulation.Optics;

/// <summary>
/// A phase image over the pupil, e.g. an SLM in a plane conjugate to the objective's back focal plane:
/// row-major radians, the pupil being the largest circle inscribed in the image's centre; image pixel
/// (x, y) lies at pupil coordinate ((x + ½ − W/2)/r, (y + ½ − H/2)/r), r = min(W, H)/2, unflipped.
/// Immutable; safe to share between threads.
/// </summary>
public sealed class PupilPhaseMap
{
    private readonly double[] _phaseRad;
    private readonly byte[]? _gray;

    private PupilPhaseMap(int widthPx, int heightPx, double[] phaseRad, byte[]? gray, int grayFor2Pi)
    {
        WidthPx = widthPx;
        HeightPx = heightPx;
        _phaseRad = phaseRad;
        _gray = gray;
        GrayFor2Pi = grayFor2Pi;
        IsFlat = phaseRad.AsSpan().IndexOfAnyExcept(phaseRad[0]) < 0;
    }

    public int WidthPx { get; }

    public int HeightPx { get; }

    /// <summary>The grey level of a 2π delay the image was mapped with (0 when made from radians).</summary>
    public int GrayFor2Pi { get; }

    /// <summary>True when every pixel has the same phase (a piston, which does not change the PSF).</summary>
    public bool IsFlat { get; }

    public ReadOnlySpan<double> PhaseRad => _phaseRad;

    /// <summary>
    /// An 8-bit SLM image mapped back to phase with its calibration: grey g delays by 2π·g/<paramref name="grayFor2Pi"/>.
    /// </summary>
    public static PupilPhaseMap FromGray(ReadOnlySpan<byte> gray, int widthPx, int heightPx, int grayFor2Pi)
    {
        CheckSize(gray.Length, widthPx, heightPx);
        if (grayFor2Pi is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(grayFor2Pi), grayFor2Pi, "The grey level of a 2π delay must be in [1, 255].");
        }

        var phase = new double[gray.Length];
        double radPerGray = 2 * Math.PI / grayFor2Pi;
        for (int i = 0; i < gray.Length; i++)
        {
            phase[i] = gray[i] * radPerGray;
        }

        return new PupilPhaseMap(widthPx, heightPx, phase, gray.ToArray(), grayFor2Pi);
    }

    /// <summary>A phase image in radians (copied).</summary>
    public static PupilPhaseMap FromRadians(ReadOnlySpan<double> phaseRad, int widthPx, int heightPx)
    {
        CheckSize(phaseRad.Length, widthPx, heightPx);
        return new PupilPhaseMap(widthPx, heightPx, phaseRad.ToArray(), null, 0);
    }

    /// <summary>True when <paramref name="other"/> holds the same phases on the same grid (so the same PSF).</summary>
    public bool SameAs(PupilPhaseMap? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (other.WidthPx == WidthPx && other.HeightPx == HeightPx &&
             (_gray is not null && other._gray is not null && other.GrayFor2Pi == GrayFor2Pi
                ? _gray.AsSpan().SequenceEqual(other._gray)
                : _phaseRad.AsSpan().SequenceEqual(other._phaseRad))));

    private static void CheckSize(int length, int widthPx, int heightPx)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(widthPx, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heightPx, 1);
        if (length != widthPx * heightPx)
        {
            throw new ArgumentException($"The phase image has {length} pixels, not {widthPx}×{heightPx} = {widthPx * heightPx}.");
        }
    }
}
