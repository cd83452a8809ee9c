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

/// <summary>The outcome of <see cref="DriftCorrection.Estimate"/>: the trace and what produced it.</summary>
public sealed record DriftEstimate(DriftTrace Trace, DriftMethod Method, int Beads, int Windows, int RejectedPairs);

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
        ArgumentNullException.ThrowIfNull(rcc);
        ArgumentNullException.ThrowIfNull(fiducials);
        Localization[] all = [.. localizations];
        if (method is DriftMethod.Auto or DriftMethod.Fiducials)
        {
            var beads = new FiducialDriftEstimator(fiducials);
            beads.Add(all);
            DriftTrace trace = beads.Estimate();
            if (beads.LastBeadCount > 0)
            {
                return new DriftEstimate(trace, DriftMethod.Fiducials, beads.LastBeadCount, 0, 0);
            }

            if (method == DriftMethod.Fiducials)
            {
                throw new InvalidDataException(
                    $"No fiducial bead found: no track of localizations (≥ {fiducials.MinPhotons} photons, linked within {fiducials.LinkRadiusNm} nm) is present in {fiducials.MinPresence:P0} of the frames; use RCC instead.");
            }
        }

        var estimator = new RccDriftEstimator(rcc);
        estimator.Add(all);
        DriftTrace rccTrace = estimator.Estimate();
        return new DriftEstimate(rccTrace, DriftMethod.Rcc, 0, estimator.LastWindows.Count, estimator.LastRejectedPairs);
    }

    /// <summary>The field [0, max x] × [0, max y] (nm) that holds every finite localization, at least one bin.</summary>
    public static (double WidthNm, double HeightNm) FieldOf(IReadOnlyList<Localization> localizations)
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
