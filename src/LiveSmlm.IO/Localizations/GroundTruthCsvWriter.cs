using System.Globalization;
using System.Text;
using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Writes the simulator's ground truth as ThunderSTORM-style CSV (so ThunderSTORM's own ground-truth
/// comparison reads it): nm, pixel-corner origin, frames from 1. Each batch reaches the OS on Write.
/// </summary>
public sealed class GroundTruthCsvWriter : IDisposable
{
    public const string Header = "\"id\",\"frame\",\"x [nm]\",\"y [nm]\",\"z [nm]\",\"intensity [photon]\"";

    private readonly StreamWriter _writer;
    // Six numbers of at most 32 characters each, five commas and the newline.
    private readonly char[] _line = new char[256];
    private bool _disposed;

    public GroundTruthCsvWriter(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16)
        {
            NewLine = "\n",
        };
        _writer.WriteLine(Header);
        _writer.Flush();
    }

    public string Path { get; }

    public long RowsWritten { get; private set; }

    public void Write(ReadOnlySpan<GroundTruthEmitter> emitters)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Formatted into one reused buffer: nothing is allocated per row.
        Span<char> line = _line;
        foreach (ref readonly var e in emitters)
        {
            int n = 0;
            n += Format(e.Id, line[n..]);
            line[n++] = ',';
            n += Format(e.Frame + 1, line[n..]);
            line[n++] = ',';
            n += Format(e.XNm, line[n..]);
            line[n++] = ',';
            n += Format(e.YNm, line[n..]);
            line[n++] = ',';
            n += Format(e.ZNm, line[n..]);
            line[n++] = ',';
            n += Format(e.Photons, line[n..]);
            line[n++] = '\n';
            _writer.Write(line[..n]);
            RowsWritten++;
        }

        _writer.Flush();
    }

    private static int Format(long value, Span<char> destination) =>
        value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture)
            ? written
            : throw new InvalidOperationException($"Ground-truth value {value} does not fit the row buffer.");

    // "R": the shortest text that reads back as the same double (what ToString("R") wrote before).
    private static int Format(double value, Span<char> destination) =>
        value.TryFormat(destination, out int written, "R", CultureInfo.InvariantCulture)
            ? written
            : throw new InvalidOperationException($"Ground-truth value {value} does not fit the row buffer.");

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _writer.Dispose();
        }
    }
}
