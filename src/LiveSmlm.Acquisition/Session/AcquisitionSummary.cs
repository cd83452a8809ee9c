using System.Text.Json;

namespace LiveSmlm.Acquisition.Session;

/// <summary>What an acquisition did, as written to summary.json (snake_case keys).</summary>
public sealed record AcquisitionSummary
{
    /// <summary>"simulated rig 'NAME'" or "replay of PATH".</summary>
    public required string Source { get; init; }

    public required string Profile { get; init; }

    public required string Pacing { get; init; }

    /// <summary>The camera's frame rate (paced runs), frames/s.</summary>
    public double FrameRateHz { get; init; }

    public required string Engine { get; init; }

    public required string Device { get; init; }

    public required string Machine { get; init; }

    public int WidthPx { get; init; }

    public int HeightPx { get; init; }

    public double PixelSizeNm { get; init; }

    public long FramesRequested { get; init; }

    /// <summary>Frames the camera delivered to the pipeline.</summary>
    public long FramesAcquired { get; init; }

    /// <summary>Pages in raw.ome.tif.</summary>
    public long FramesRecorded { get; init; }

    /// <summary>Frames lost anywhere: at the camera (buffer overflow) or acquired but not recorded.</summary>
    public long FramesDropped { get; init; }

    /// <summary>Frames dropped per stage: camera, recording, localizer (the sinks' dropped batches are in <see cref="Sinks"/>).</summary>
    public required IReadOnlyDictionary<string, long> DroppedByStage { get; init; }

    public long FramesLocalized { get; init; }

    public long Localizations { get; init; }

    /// <summary>Frames acquired over the acquisition's wall time.</summary>
    public double MeanFps { get; init; }

    public double Seconds { get; init; }

    /// <summary>Host arrival from the camera → end of the localizer call, per frame: p50, p99, max (ms).</summary>
    public required IReadOnlyDictionary<string, double> LocalizerLatencyMs { get; init; }

    public double MedianUncertaintyNm { get; init; }

    /// <summary>Thread seconds per stage (reading, recording, engine stages, sink:NAME, channel waits).</summary>
    public required IReadOnlyDictionary<string, double> StageSeconds { get; init; }

    public required IReadOnlyList<Pipeline.SinkStatistics> Sinks { get; init; }

    public int WindowFrames { get; init; }

    /// <summary>Localizations and laser powers per window of <see cref="WindowFrames"/> frames.</summary>
    public required IReadOnlyList<AcquisitionWindow> Windows { get; init; }

    public long PeakWorkingSetBytes { get; init; }

    /// <summary>Null for a run that completed; the one-line reason otherwise.</summary>
    public string? Error { get; init; }

    public required IReadOnlyList<string> Outputs { get; init; }

    /// <summary>Why the run ended before the frames asked for (sample exhausted, resolution reached); null otherwise.</summary>
    public string? StoppedEarly { get; init; }

    /// <summary>The activation controller's settings and state at the end; null without feedback.</summary>
    public FeedbackSummary? Feedback { get; init; }

    /// <summary>One entry per window: frame, localizations per frame (and per µm²), setpoint, 405 nm power; null without an activation laser.</summary>
    public IReadOnlyList<Feedback.DensityLogEntry>? DensityLog { get; init; }

    /// <summary>The live drift estimate at the end (drift.csv, drift.png); null without monitoring.</summary>
    public DriftSummary? Drift { get; init; }

    /// <summary>The live FRC resolution: the last value and every update; null without monitoring.</summary>
    public ResolutionSummary? Resolution { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, SummaryJson.Options);
}

/// <summary>One reading of a running acquisition, for the live status line.</summary>
/// <param name="Seconds">Since the camera started.</param>
/// <param name="FramesAcquired">Delivered by the camera.</param>
/// <param name="FramesRecorded">Pages on disk.</param>
/// <param name="FramesLocalized">Through the localizer.</param>
/// <param name="Localizations">So far.</param>
/// <param name="FrameQueue">Frames read but not yet localized (the frame pool and channel).</param>
/// <param name="SinkQueue">Frames localized but not yet written by the slowest sink.</param>
/// <param name="Dropped">Frames dropped so far (0 unless a stage failed).</param>
/// <param name="LaserPowersMw">Emitted power per laser at the watchdog's last reading.</param>
public sealed record AcquisitionStatus(
    double Seconds, long FramesAcquired, long FramesRecorded, long FramesLocalized, long Localizations, long FrameQueue, long SinkQueue, long Dropped, IReadOnlyDictionary<string, double> LaserPowersMw)
{
    public double FramesPerSecond => FramesAcquired / Math.Max(Seconds, 1e-9);

    public double LocalizationsPerFrame => FramesLocalized == 0 ? 0 : Localizations / (double)FramesLocalized;
}

/// <summary>
/// An acquisition that ended early: the one-line reason (what failed, that the lasers are off, what was
/// kept), the cause, and the summary of what was done up to then.
/// </summary>
public sealed class AcquisitionFailedException : Exception
{
    public AcquisitionFailedException()
    {
    }

    public AcquisitionFailedException(string message)
        : base(message)
    {
    }

    public AcquisitionFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AcquisitionFailedException(string message, Exception innerException, AcquisitionSummary? summary)
        : base(message, innerException)
    {
        Summary = summary;
    }

    public AcquisitionSummary? Summary { get; }
}
