using System.Threading.Channels;
using LiveSmlm.Core;

namespace LiveSmlm.Acquisition.Pipeline;

/// <summary>How the data plane is sized. Every channel is bounded; its full-mode is written here.</summary>
public sealed record PipelineOptions
{
    /// <summary>Frames per localizer call.</summary>
    public int BatchFrames { get; init; } = 32;

    /// <summary>
    /// Frame batches queued between the source and the localizer. Full-mode Wait: a source that is a
    /// file, or a camera with its own buffer, simply waits for the localizer; no frame is dropped.
    /// </summary>
    public int FrameBatchesInFlight { get; init; } = 2;

    /// <summary>Called once with the first frame read (e.g. to check the camera baseline against it); may throw.</summary>
    public Action<Frame>? InspectFirstFrame { get; init; }

    /// <summary>
    /// Called on the reader's thread with every frame right after it is read, before it goes to the
    /// localizer (the raw recorder: raw first). Its time is the stage "recording". It must not drop a
    /// frame: it blocks instead (full-mode Wait). An exception faults the run.
    /// </summary>
    public Action<Frame>? RecordFrame { get; init; }

    /// <summary>
    /// Called once, on the failing stage's thread, with the first failure of the run, before the other
    /// stages are cancelled (e.g. to stop the camera and switch the lasers off at once). Must not throw.
    /// </summary>
    public Action<Exception>? OnFault { get; init; }

    public void Validate()
    {
        SettingValidation.Require(BatchFrames is >= 1 and <= 4096, "pipeline.batchFrames", BatchFrames, "[1, 4096] frames");
        SettingValidation.Require(FrameBatchesInFlight is >= 1 and <= 64, "pipeline.frameBatchesInFlight", FrameBatchesInFlight, "[1, 64] batches");
    }
}

/// <summary>
/// A sink and its own bounded channel of localization batches. <see cref="BoundedChannelFullMode.Wait"/>
/// for anything that must not lose data (files); DropOldest only for previews (the live view), whose
/// drops are counted.
/// </summary>
public sealed record SinkChannel(ILocalizationSink Sink, int Capacity = 4, BoundedChannelFullMode FullMode = BoundedChannelFullMode.Wait);
