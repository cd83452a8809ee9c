using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// The drift estimate kept up to date while localizations arrive: batches go into RCC (and into fiducial
/// tracking when the sample has beads), and every <see cref="UpdateFrames"/> frames the trace is estimated
/// again and handed out as an immutable <see cref="DriftEstimate"/>. Beads win when tracking finds any;
/// otherwise RCC. One thread calls <see cref="Add"/> and <see cref="Finish"/>; <see cref="Latest"/> is safe from any thread.
/// </summary>
/// <remarks>
/// RCC only recomputes the correlations of windows that changed (the last one, as it fills), so an update costs
/// the new window's spectrum and its pairs with every earlier window; fiducial tracking costs a pass over the tracks.
/// </remarks>
public sealed class LiveDriftMonitor
{
    private readonly RccDriftEstimator _rcc;
    private readonly FiducialDriftEstimator? _beads;
    private long _lastFrame = -1;
    private long _nextUpdate;
    private DriftEstimate? _latest;

    /// <param name="rcc">RCC settings (the field, bin, window).</param>
    /// <param name="fiducials">Bead tracking settings, when the sample has beads; null for RCC alone.</param>
    /// <param name="updateFrames">Frames between two estimates.</param>
    public LiveDriftMonitor(RccOptions rcc, FiducialOptions? fiducials, int updateFrames)
    {
        ArgumentNullException.ThrowIfNull(rcc);
        ArgumentOutOfRangeException.ThrowIfLessThan(updateFrames, 1);
        _rcc = new RccDriftEstimator(rcc);
        _beads = fiducials is null ? null : new FiducialDriftEstimator(fiducials);
        UpdateFrames = updateFrames;
        _nextUpdate = updateFrames;
    }

    public int UpdateFrames { get; }

    /// <summary>True when beads are tracked besides RCC.</summary>
    public bool TracksBeads => _beads is not null;

    /// <summary>The last estimate; null before the first.</summary>
    public DriftEstimate? Latest => Volatile.Read(ref _latest);

    /// <summary>The last frame seen (through the frames covered by the batches, even empty ones).</summary>
    public long LastFrame => _lastFrame;

    /// <summary>
    /// Takes the localizations of frames up to <paramref name="lastFrame"/>; returns a new estimate when one is due
    /// (every <see cref="UpdateFrames"/> frames), else null.
    /// </summary>
    public DriftEstimate? Add(ReadOnlySpan<Localization> batch, long lastFrame)
    {
        _rcc.Add(batch);
        _beads?.Add(batch);
        _lastFrame = Math.Max(_lastFrame, lastFrame);
        if (_lastFrame + 1 < _nextUpdate)
        {
            return null;
        }

        _nextUpdate = ((_lastFrame + 1) / UpdateFrames * UpdateFrames) + UpdateFrames;
        return Update();
    }

    /// <summary>The final estimate over everything added.</summary>
    public DriftEstimate Finish() => Update();

    private DriftEstimate Update()
    {
        DriftEstimate estimate;
        DriftTrace? beadTrace = _beads?.Estimate();
        if (_beads is not null && _beads.LastBeadCount > 0)
        {
            estimate = new DriftEstimate(Extend(beadTrace!), DriftMethod.Fiducials, _beads.LastBeadCount, 0, 0, DriftReliability.FromBeads(_beads.LastBeadCount));
        }
        else
        {
            DriftEstimate rcc = _rcc.EstimateWithReliability();
            estimate = rcc with { Trace = Extend(rcc.Trace) };
        }

        Volatile.Write(ref _latest, estimate);
        return estimate;
    }

    // The estimators cover frames up to the last localization; the trace covers every frame seen (the last value held).
    private DriftTrace Extend(DriftTrace trace)
    {
        long frames = _lastFrame + 1;
        if (trace.FrameCount >= frames || frames > int.MaxValue)
        {
            return trace;
        }

        var x = new double[frames];
        var y = new double[frames];
        for (int f = 0; f < frames; f++)
        {
            (x[f], y[f]) = trace.At(f);
        }

        return new DriftTrace(x, y);
    }
}
