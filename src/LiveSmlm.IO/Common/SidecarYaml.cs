using System.Globalization;
using System.Text;

namespace LiveSmlm.IO;

/// <summary>
/// The small subset of YAML that Picasso sidecars use: several documents separated by "---", each a
/// flat list of "Key: value" lines. Nested values (lists, maps) are kept as their raw text.
/// </summary>
internal static class SidecarYaml
{
    public static IReadOnlyList<Dictionary<string, string>> Read(string path)
    {
        var documents = new List<Dictionary<string, string>>();
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string raw in File.ReadLines(path))
        {
            string line = raw.TrimEnd();
            if (line.StartsWith("---", StringComparison.Ordinal))
            {
                if (current.Count > 0)
                {
                    documents.Add(current);
                }

                current = new Dictionary<string, string>(StringComparer.Ordinal);
                continue;
            }

            // Indented lines and list items belong to a nested value we do not need.
            if (line.Length == 0 || line[0] == ' ' || line[0] == '-' || line[0] == '#')
            {
                continue;
            }

            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon < 0 && line.EndsWith(':'))
            {
                colon = line.Length - 1;
            }

            if (colon <= 0)
            {
                throw FileChecks.Corrupt(path, $"line '{line}' is not 'Key: value' YAML.");
            }

            string key = line[..colon].Trim();
            string value = colon + 1 < line.Length ? Unquote(line[(colon + 1)..].Trim()) : string.Empty;
            current[key] = value;
        }

        if (current.Count > 0)
        {
            documents.Add(current);
        }

        return documents;
    }

    /// <summary>The value of <paramref name="key"/> from the last document that has it, or null.</summary>
    public static string? Find(IReadOnlyList<Dictionary<string, string>> documents, string key)
    {
        for (int i = documents.Count - 1; i >= 0; i--)
        {
            if (documents[i].TryGetValue(key, out string? value))
            {
                return value;
            }
        }

        return null;
    }

    public static long RequireInteger(string path, IReadOnlyList<Dictionary<string, string>> documents, string key)
    {
        string? text = Find(documents, key);
        if (text is null || !long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value < 0)
        {
            throw FileChecks.Corrupt(path, $"'{key}' must be a non-negative integer; found '{text ?? "(missing)"}'.");
        }

        return value;
    }

    public static string Write(IEnumerable<IReadOnlyList<(string Key, string Value)>> documents)
    {
        var text = new StringBuilder();
        bool first = true;
        foreach (var document in documents)
        {
            if (!first)
            {
                text.Append("---\n");
            }

            first = false;
            foreach (var (key, value) in document)
            {
                text.Append(key).Append(": ").Append(value).Append('\n');
            }
        }

        return text.ToString();
    }

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '\'' || value[0] == '"') && value[^1] == value[0] ? value[1..^1] : value;
}
