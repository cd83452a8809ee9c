using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveSmlm.Acquisition;

/// <summary>How every summary.json is written: indented, snake_case keys, dictionary keys as given, NaN allowed.</summary>
public static class SummaryJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
