using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// Estimates sample drift from localizations as they arrive. One thread calls <see cref="Add"/> and
/// <see cref="Estimate"/> (a live sink calls Add per batch and Estimate every so often); the trace it
/// returns is a new immutable object, safe to hand to other threads.
/// </summary>
public interface IDriftEstimator
{
    /// <summary>Localizations added so far.</summary>
    long LocalizationCount { get; }

    /// <summary>Takes a batch of localizations (uncorrected positions).</summary>
    void Add(ReadOnlySpan<Localization> batch);

    /// <summary>The drift trace from everything added so far, over frames 0 … the last frame seen.</summary>
    DriftTrace Estimate();
}
