namespace LiveSmlm.Acquisition.Pipeline;

/// <summary>
/// One consumer of the localization fan-out: a file writer, the renderer, a monitor, the live view.
/// Each sink runs on its own task behind its own bounded channel, so a slow sink holds back only
/// what its channel's full-mode allows. Write is called from that one task, in frame order; Complete
/// once after the last batch (not after a failure). A sink never keeps the batch: it copies what it needs.
/// </summary>
public interface ILocalizationSink : IDisposable
{
    /// <summary>Short name for the stage timers and the summary (e.g. csv, hdf5, render).</summary>
    string Name { get; }

    void Write(LocalizationBatch batch);

    /// <summary>Finishes the output (flushes, writes the file that needs the total count).</summary>
    void Complete();
}
