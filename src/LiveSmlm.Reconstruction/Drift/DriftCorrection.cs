using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction;

/// <summary>How the drift was estimated.</summary>
public enum DriftMethod
{
    /// <summary>Fiducial beads when there are any, else RCC.</summary>
    Auto,

    /// <summary>Redundant cross-correlation of time windows.</summary>
    Rcc,

    /// <summary>Tracking of fiducial beads.</summary>
    Fiducials,
}

/// <summary>
/// The outcome of <see cref="DriftCorrection.Estimate"/>: the trace, what produced it, and whether it can be
/// trusted. An unreliable estimate carries a zero trace and must not be used to correct localizations.
/// </summary>
public sealed record DriftEstimate(DriftTrace Trace, DriftMethod Method, int Beads, int Windows, int RejectedPairs, DriftReliability Reliability)
{
    public bool Reliable => Reliability.Reliable;
}

/// <summary>
/// The one-shot API for a whole localization file: the same estimators a live sink feeds batch by
/// batch, run once over everything.
/// </summary>
public static class DriftCorrection
{
    /// <summary>
    /// Estimates the drift of <paramref name="localizations"/>. With <see cref="DriftMethod.Auto"/> beads are
    /// tried first and RCC is used when no track is persistent enough to be a bead.
    /// </summary>
    public static DriftEstimate Estimate(IReadOnlyList<Localization> localizations, DriftMethod method, RccOptions rcc, FiducialOptions fiducials)
    {
        ArgumentNullException.ThrowIfNull(localizations);
        return Estimate(() => localizations, method, rcc, fiducials);
    }

    /// <summary>
    /// As above, over localizations streamed by <paramref name="read"/> (called once per estimator, each call a fresh
    /// pass, e.g. a file reader): the estimators take them a chunk at a time and keep only what they need.
    /// </summary>
    public static DriftEstimate Estimate(Func<IEnumerable<Localization>> read, DriftMethod method, RccOptions rcc, FiducialOptions fiducials)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(rcc);
        ArgumentNullException.ThrowIfNull(fiducials);
        if (method is DriftMethod.Auto or DriftMethod.Fiducials)
        {
            var beads = new FiducialDriftEstimator(fiducials);
            Feed(read(), beads);
            DriftTrace trace = beads.Estimate();
            if (beads.LastBeadCount > 0)
            {
                return new DriftEstimate(trace, DriftMethod.Fiducials, beads.LastBeadCount, 0, 0, DriftReliability.FromBeads(beads.LastBeadCount));
            }

            if (method == DriftMethod.Fiducials)
            {
                throw new InvalidDataException(
                    $"No fiducial bead found: no track of localizations (≥ {fiducials.MinPhotons} photons, linked within {fiducials.LinkRadiusNm} nm) is present in {fiducials.MinPresence:P0} of the frames; use RCC instead.");
            }
        }

        var estimator = new RccDriftEstimator(rcc);
        Feed(read(), estimator);
        return estimator.EstimateWithReliability();
    }

    private static void Feed(IEnumerable<Localization> source, IDriftEstimator estimator)
    {
        if (source is Localization[] array)
        {
            estimator.Add(array);
            return;
        }

        // Chunks end between frames: fiducial linking takes a frame's localizations together.
        var chunk = new List<Localization>(65_536);
        foreach (Localization loc in source)
        {
            if (chunk.Count >= 65_536 && loc.Frame != chunk[^1].Frame)
            {
                estimator.Add(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chunk));
                chunk.Clear();
            }

            chunk.Add(loc);
        }

        estimator.Add(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chunk));
    }

    /// <summary>The field [0, max x] × [0, max y] (nm) that holds every finite localization, at least one bin.</summary>
    public static (double WidthNm, double HeightNm) FieldOf(IEnumerable<Localization> localizations)
    {
        ArgumentNullException.ThrowIfNull(localizations);
        double maxX = 1, maxY = 1;
        foreach (Localization loc in localizations)
        {
            if (float.IsFinite(loc.XNm) && float.IsFinite(loc.YNm))
            {
                maxX = Math.Max(maxX, loc.XNm);
                maxY = Math.Max(maxY, loc.YNm);
            }
        }

        // Half a micrometre of margin, so that drift out of the field does not cut points off.
        const double MarginNm = 500;
        return (maxX + MarginNm, maxY + MarginNm);
    }
}
