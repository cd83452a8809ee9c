using LiveSmlm.Core;

namespace LiveSmlm.Localization;

// The namespace shares the record's name; the alias keeps signatures readable.
using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// Turns frames into localizations (background → detection → fit). One instance per stream: a
/// temporal background keeps history between calls. Localize is called from one thread at a time;
/// counters may be read from any thread.
/// </summary>
public interface ILocalizer
{
    /// <summary>
    /// Localizes a batch of frames and appends the results to <paramref name="output"/> in frame order
    /// (within a frame, sorted by x). Frames are only read, never kept.
    /// </summary>
    void Localize(IReadOnlyList<Frame> frames, List<Localization> output);

    /// <summary>Fits rejected so far, by reason.</summary>
    RejectionCounts Rejections { get; }

    /// <summary>Candidate spots detected so far.</summary>
    long Detections { get; }

    /// <summary>Single-emitter fits attempted so far.</summary>
    long FitsAttempted { get; }
}
