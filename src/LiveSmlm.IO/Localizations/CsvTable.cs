using System.Globalization;

namespace LiveSmlm.IO;

/// <summary>
/// Streams a ThunderSTORM-style CSV: a quoted header of 'label [unit]' columns, then numeric rows.
/// Column labels are matched case-insensitively without their unit; values come back in the
/// unit the caller asks for (nm for lengths).
/// </summary>
internal sealed class CsvTable : IDisposable
{
    private readonly StreamReader _reader;
    private readonly Dictionary<string, (int Index, string Unit)> _columns = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _fields = [];

    public CsvTable(string path, string what)
    {
        FileChecks.RequireExists(path, what);
        Path = path;
        _reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        string? header = _reader.ReadLine();
        LineNumber = 1;
        if (header is null)
        {
            _reader.Dispose();
            throw FileChecks.Corrupt(path, "the file is empty; line 1 must be a header such as \"id\",\"frame\",\"x [nm]\",\"y [nm]\".");
        }

        Split(header, _fields);
        Values = new double[_fields.Count];
        for (int i = 0; i < _fields.Count; i++)
        {
            string label = _fields[i].Trim();
            string unit = string.Empty;
            int bracket = label.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0)
            {
                int close = label.IndexOf(']', bracket);
                unit = label[(bracket + 1)..(close > bracket ? close : label.Length)].Trim();
                label = label[..bracket].Trim();
            }

            _columns.TryAdd(label, (i, unit));
        }
    }

    public string Path { get; }

    /// <summary>1-based number of the line last read (the header is line 1).</summary>
    public long LineNumber { get; private set; }

    /// <summary>The fields of the current row, NaN where a field is empty.</summary>
    public double[] Values { get; }

    public bool Has(string label) => _columns.ContainsKey(label);

    /// <summary>Index of the first of <paramref name="labels"/> present, or -1.</summary>
    public int Column(params string[] labels)
    {
        foreach (string label in labels)
        {
            if (_columns.TryGetValue(label, out var column))
            {
                return column.Index;
            }
        }

        return -1;
    }

    public int RequireColumn(string label)
    {
        int index = Column(label);
        if (index < 0)
        {
            throw FileChecks.Corrupt(Path, $"the header has no '{label}' column; required are frame, x [nm] and y [nm] (found: {string.Join(", ", _columns.Keys)}).");
        }

        return index;
    }

    /// <summary>Factor that turns a length column's unit into nm (nm when the header gives no unit).</summary>
    public double LengthScaleToNm(int index)
    {
        if (index < 0)
        {
            return 1;
        }

        string unit = _columns.Values.First(c => c.Index == index).Unit;
        if (unit.Length == 0)
        {
            return 1;
        }

        return LengthUnits.ToNm(1, unit)
            ?? throw FileChecks.Corrupt(Path, $"column {index + 1} is in '{unit}'; lengths must be in nm or µm.");
    }

    /// <summary>Reads the next non-empty row into <see cref="Values"/>; false at the end.</summary>
    public bool ReadRow()
    {
        while (true)
        {
            string? line = _reader.ReadLine();
            if (line is null)
            {
                return false;
            }

            LineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Split(line, _fields);
            if (_fields.Count != Values.Length)
            {
                throw FileChecks.Corrupt(Path, $"line {LineNumber} has {_fields.Count} fields; the header has {Values.Length}.");
            }

            for (int i = 0; i < _fields.Count; i++)
            {
                string text = _fields[i].Trim();
                if (text.Length == 0)
                {
                    Values[i] = double.NaN;
                }
                else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out Values[i]))
                {
                    throw FileChecks.Corrupt(Path, $"line {LineNumber}, column {i + 1}: '{text}' is not a number.");
                }
            }

            return true;
        }
    }

    public double Get(int index) => index < 0 ? double.NaN : Values[index];

    /// <summary>Integer field (frame, id): ThunderSTORM writes them as "1.0".</summary>
    public long RequireInteger(int index, string label)
    {
        double value = Values[index];
        if (!double.IsFinite(value) || value != Math.Floor(value))
        {
            throw FileChecks.Corrupt(Path, $"line {LineNumber}: {label} '{value.ToString(CultureInfo.InvariantCulture)}' must be a whole number.");
        }

        return (long)value;
    }

    public void Dispose() => _reader.Dispose();

    /// <summary>Splits one CSV line on commas outside double quotes, removing the quotes.</summary>
    private static void Split(string line, List<string> fields)
    {
        fields.Clear();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"')
            {
                if (quoted && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    quoted = !quoted;
                }
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
    }
}
