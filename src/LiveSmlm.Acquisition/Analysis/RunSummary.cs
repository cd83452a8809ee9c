using System.Text.Json;

namespace LiveSmlm.Acquisition.Analysis;

/// <summary>What a run did, as written to summary.json (snake_case keys).</summary>
public sealed record RunSummary
{
    public required string Stack { get; init; }

    public required string Engine { get; init; }

    public required string Device { get; init; }

    public required string Machine { get; init; }

    public int WidthPx { get; init; }

    public int HeightPx { get; init; }

    public double PixelSizeNm { get; init; }

    public long Frames { get; init; }

    public long Localizations { get; init; }

    public long Detections { get; init; }

    public long FitsAttempted { get; init; }

    public long MultiEmitterFitsAttempted { get; init; }

    public long MultiEmitterFitsAccepted { get; init; }

    /// <summary>ROIs whose accepted model has n emitters, by n: single fits kept ("1") and groups ("2", "3", …).</summary>
    public IReadOnlyDictionary<string, long>? GroupsByEmitters { get; init; }

    /// <summary>Emitters of accepted groups placed at a residual peak (detection had missed them).</summary>
    public long EmittersFromResidual { get; init; }

    public required IReadOnlyDictionary<string, long> Rejections { get; init; }

    public double MedianUncertaintyNm { get; init; }

    public double Seconds { get; init; }

    public double FramesPerSecond { get; init; }

    public double FitsPerSecond { get; init; }

    public double LocalizationsPerSecond { get; init; }

    /// <summary>Process CPU time over wall time: how many cores the run kept busy.</summary>
    public double CoresUsed { get; init; }

    /// <summary>Thread seconds per stage (reading, engine stages, sink:NAME, channel waits).</summary>
    public required IReadOnlyDictionary<string, double> StageSeconds { get; init; }

    /// <summary>Each sink's channel (capacity, full-mode), batches written and dropped.</summary>
    public required IReadOnlyList<Pipeline.SinkStatistics> Sinks { get; init; }

    public long PeakWorkingSetBytes { get; init; }

    public required IReadOnlyList<string> Outputs { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, SummaryJson.Options);
}
