using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Writes a `.smlm` file (imodpasteur smlm-file-format, spec 0.2): a ZIP of `manifest.json` and one
/// binary table `table.bin` of packed little-endian rows — x, y (and z) in nm as float32, frame as
/// uint32, then the other fields as float32 with their units. Rows stream into the ZIP entry.
/// </summary>
/// <remarks>
/// The manifest needs the row count, so it is written at Complete, after the table. A ZIP is only
/// readable once its central directory is written: a crashed writer leaves nothing usable.
/// </remarks>
public sealed class SmlmWriter : ILocalizationWriter
{
    public const string FormatName = "smlm-table(binary)";
    public const string TableName = "table.bin";

    private readonly FileStream _file;
    private readonly ZipArchive _zip;
    private readonly Stream _table;
    private readonly LocalizationSetInfo _info;
    private readonly Column[] _columns;
    private readonly double[] _min;
    private readonly double[] _max;
    private byte[] _buffer = [];
    private bool _tableClosed;
    private bool _disposed;

    public SmlmWriter(string path, LocalizationSetInfo info)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(info);
        Path = path;
        _info = info;
        _columns = ColumnsFor(info.Is3D);
        _min = Enumerable.Repeat(double.PositiveInfinity, _columns.Length).ToArray();
        _max = Enumerable.Repeat(double.NegativeInfinity, _columns.Length).ToArray();
        _file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        _zip = new ZipArchive(_file, ZipArchiveMode.Create, leaveOpen: false);
        _table = _zip.CreateEntry(TableName, CompressionLevel.Fastest).Open();
    }

    public string Path { get; }

    public long RowsWritten { get; private set; }

    /// <summary>Column headers in row order.</summary>
    public static IReadOnlyList<string> Headers(bool is3D) => ColumnsFor(is3D).Select(c => c.Header).ToArray();

    public void Write(ReadOnlySpan<Localization> batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int rowBytes = _columns.Length * 4;
        int bytes = batch.Length * rowBytes;
        if (_buffer.Length < bytes)
        {
            _buffer = new byte[bytes];
        }

        for (int r = 0; r < batch.Length; r++)
        {
            var row = _buffer.AsSpan(r * rowBytes, rowBytes);
            for (int c = 0; c < _columns.Length; c++)
            {
                double value = _columns[c].Value(batch[r]);
                if (_columns[c].IsFrame)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(row[(c * 4)..], (uint)value);
                }
                else
                {
                    BinaryPrimitives.WriteSingleLittleEndian(row[(c * 4)..], (float)value);
                }

                if (!double.IsNaN(value))
                {
                    _min[c] = Math.Min(_min[c], value);
                    _max[c] = Math.Max(_max[c], value);
                }
            }
        }

        _table.Write(_buffer, 0, bytes);
        RowsWritten += batch.Length;
    }

    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _table.Dispose();
        _tableClosed = true;
        var manifest = _zip.CreateEntry("manifest.json", CompressionLevel.Optimal);
        using (var stream = manifest.Open())
        {
            WriteManifest(stream);
        }

        _zip.Dispose();
        _file.Dispose();
        _disposed = true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_tableClosed)
        {
            _table.Dispose();
        }

        _zip.Dispose();
        _file.Dispose();
    }

    private void WriteManifest(Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("format_version", "0.2");
        json.WriteString("name", System.IO.Path.GetFileNameWithoutExtension(Path));
        json.WriteString("description", $"Localizations from {_info.GeneratedBy}; x, y, z in nm with the origin at the top-left corner of the top-left pixel; frames from 0.");
        json.WriteStartArray("tags");
        json.WriteEndArray();
        json.WriteNull("thumbnail");
        json.WriteString("sample", string.Empty);
        json.WriteString("labeling", string.Empty);
        json.WriteString("date", string.Empty);
        json.WriteString("author", string.Empty);
        json.WriteString("citation", string.Empty);
        json.WriteString("email", string.Empty);

        json.WriteStartObject("formats");
        json.WriteStartObject(FormatName);
        json.WriteString("type", "table");
        json.WriteString("mode", "binary");
        json.WriteString("extension", ".bin");
        json.WriteNumber("columns", _columns.Length);
        WriteStrings(json, "headers", _columns.Select(c => c.Header));
        WriteStrings(json, "dtype", _columns.Select(c => c.IsFrame ? "uint32" : "float32"));
        json.WriteStartArray("shape");
        foreach (var unused in _columns)
        {
            json.WriteNumberValue(1);
        }

        json.WriteEndArray();
        WriteStrings(json, "units", _columns.Select(c => c.Unit));
        json.WriteString("description", "localization table, one packed little-endian row per localization");
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartArray("files");
        json.WriteStartObject();
        json.WriteString("name", TableName);
        json.WriteString("type", "table");
        json.WriteString("format", FormatName);
        json.WriteString("channel", "default");
        json.WriteNumber("rows", RowsWritten);
        json.WriteStartObject("offset");
        json.WriteNumber("x", 0);
        json.WriteNumber("y", 0);
        json.WriteEndObject();
        json.WriteNumber("pixel_size_nm", _info.PixelSizeNm);
        WriteExtremes(json, "min", _min);
        WriteExtremes(json, "max", _max);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteExtremes(Utf8JsonWriter json, string name, double[] values)
    {
        json.WriteStartObject(name);
        for (int c = 0; c < _columns.Length; c++)
        {
            if (double.IsFinite(values[c]))
            {
                json.WriteNumber(_columns[c].Header, values[c]);
            }
        }

        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static Column[] ColumnsFor(bool is3D)
    {
        var columns = new List<Column>
        {
            new("x", "nm", l => l.XNm),
            new("y", "nm", l => l.YNm),
        };
        if (is3D)
        {
            columns.Add(new("z", "nm", l => l.ZNm));
        }

        columns.Add(new("frame", "frame", l => l.Frame, IsFrame: true));
        columns.Add(new("intensity", "photon", l => l.Photons));
        columns.Add(new("background", "photon", l => l.BackgroundPhotons));
        columns.Add(new("sigma_x", "nm", l => l.SigmaXNm));
        columns.Add(new("sigma_y", "nm", l => l.SigmaYNm));
        columns.Add(new("uncertainty_x", "nm", l => l.UncertaintyXNm));
        columns.Add(new("uncertainty_y", "nm", l => l.UncertaintyYNm));
        if (is3D)
        {
            columns.Add(new("uncertainty_z", "nm", l => l.UncertaintyZNm));
        }

        columns.Add(new("log_likelihood_ratio", string.Empty, l => l.LogLikelihoodRatio));
        return columns.ToArray();
    }

    private sealed record Column(string Header, string Unit, Func<Localization, double> Value, bool IsFrame = false);
}
