namespace LiveSmlm.Localization;

/// <summary>
/// Running counts of rejected fits by reason, for the acquisition summary. Thread-safe: workers add
/// their per-batch tallies with Interlocked; readers see a consistent-enough snapshot per counter.
/// </summary>
public sealed class RejectionCounts
{
    private long _outsideRoi;
    private long _sigmaOutOfRange;
    private long _tooFewPhotons;
    private long _notConverged;
    private long _nonFinite;
    private long _zOutOfRange;

    public long OutsideRoi => Interlocked.Read(ref _outsideRoi);

    public long SigmaOutOfRange => Interlocked.Read(ref _sigmaOutOfRange);

    public long TooFewPhotons => Interlocked.Read(ref _tooFewPhotons);

    public long NotConverged => Interlocked.Read(ref _notConverged);

    /// <summary>NaN/infinite parameters, a singular Fisher matrix, or an ROI the fit cannot take.</summary>
    public long NonFinite => Interlocked.Read(ref _nonFinite);

    /// <summary>3D fits whose z lies at an end of the calibrated range.</summary>
    public long ZOutOfRange => Interlocked.Read(ref _zOutOfRange);

    public long Total => OutsideRoi + SigmaOutOfRange + TooFewPhotons + NotConverged + NonFinite + ZOutOfRange;

    /// <summary>Counts one rejection of the given status; <see cref="FitStatus.Ok"/> counts nothing.</summary>
    public void Add(FitStatus status, long count = 1)
    {
        switch (status)
        {
            case FitStatus.Ok:
                break;
            case FitStatus.OutsideRoi:
                Interlocked.Add(ref _outsideRoi, count);
                break;
            case FitStatus.SigmaOutOfRange:
                Interlocked.Add(ref _sigmaOutOfRange, count);
                break;
            case FitStatus.TooFewPhotons:
                Interlocked.Add(ref _tooFewPhotons, count);
                break;
            case FitStatus.NotConverged:
                Interlocked.Add(ref _notConverged, count);
                break;
            case FitStatus.ZOutOfRange:
                Interlocked.Add(ref _zOutOfRange, count);
                break;
            default:
                Interlocked.Add(ref _nonFinite, count);
                break;
        }
    }

    /// <summary>Adds every counter of <paramref name="other"/> (a worker's tally) to this one.</summary>
    public void Add(RejectionCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Add(FitStatus.OutsideRoi, other.OutsideRoi);
        Add(FitStatus.SigmaOutOfRange, other.SigmaOutOfRange);
        Add(FitStatus.TooFewPhotons, other.TooFewPhotons);
        Add(FitStatus.NotConverged, other.NotConverged);
        Add(FitStatus.NonFinite, other.NonFinite);
        Add(FitStatus.ZOutOfRange, other.ZOutOfRange);
    }

    /// <summary>Sets every counter to zero (a worker's tally is reused between batches).</summary>
    public void Clear()
    {
        Interlocked.Exchange(ref _outsideRoi, 0);
        Interlocked.Exchange(ref _sigmaOutOfRange, 0);
        Interlocked.Exchange(ref _tooFewPhotons, 0);
        Interlocked.Exchange(ref _notConverged, 0);
        Interlocked.Exchange(ref _nonFinite, 0);
        Interlocked.Exchange(ref _zOutOfRange, 0);
    }

    /// <summary>The counters by name (camelCase, as summary.json writes them).</summary>
    public IReadOnlyDictionary<string, long> ToDictionary() => new Dictionary<string, long>
    {
        ["outsideRoi"] = OutsideRoi,
        ["sigmaOutOfRange"] = SigmaOutOfRange,
        ["tooFewPhotons"] = TooFewPhotons,
        ["notConverged"] = NotConverged,
        ["nonFinite"] = NonFinite,
        ["zOutOfRange"] = ZOutOfRange,
    };
}
