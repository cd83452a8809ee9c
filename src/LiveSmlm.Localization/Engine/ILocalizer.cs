using LiveSmlm.Core;

namespace LiveSmlm.Localization;

// The namespace shares the record's name; the alias keeps signatures readable.
using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// Turns frames into localizations (background → detection → fit). One instance per stream: a
/// temporal background keeps history between calls. Localize is called from one thread at a time;
/// <see cref="GetStatistics"/> may be called from any thread. Dispose releases a device, if any.
/// </summary>
public interface ILocalizer : IDisposable
{
    /// <summary>The engine's name, device and capabilities.</summary>
    EngineInfo Info { get; }

    /// <summary>
    /// Localizes a batch of frames and appends the results to <paramref name="output"/> in frame order
    /// (within a frame, sorted by x). Frames are only read, never kept.
    /// </summary>
    void Localize(IReadOnlyList<Frame> frames, List<Localization> output);

    /// <summary>The counters and stage times so far, as a snapshot.</summary>
    LocalizerStatistics GetStatistics();
}
