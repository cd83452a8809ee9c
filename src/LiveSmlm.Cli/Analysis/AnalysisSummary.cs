using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveSmlm.Cli.Analysis;

/// <summary>What `analyze` did, as written to summary.json (snake_case keys).</summary>
public sealed record AnalysisSummary
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

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

    public required IReadOnlyDictionary<string, long> Rejections { get; init; }

    public double MedianUncertaintyNm { get; init; }

    public double Seconds { get; init; }

    public double FramesPerSecond { get; init; }

    public double FitsPerSecond { get; init; }

    public long PeakWorkingSetBytes { get; init; }

    public required IReadOnlyList<string> Outputs { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
