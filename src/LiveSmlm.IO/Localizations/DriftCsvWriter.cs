using System.Globalization;
using System.Text;

namespace LiveSmlm.IO;

/// <summary>
/// Writes a drift trace as CSV, one row per frame: <c>frame,x [nm],y [nm]</c>, frames from 0 (our
/// convention; ground-truth.csv and ThunderSTORM count from 1). Used for the simulator's true drift
/// (ground-truth-drift.csv) and for estimated traces (drift.csv), so the two compare row by row.
/// Each call reaches the OS when it returns.
/// </summary>
public sealed class DriftCsvWriter : IDisposable
{
    public const string Header = "frame,x [nm],y [nm]";

    private readonly StreamWriter _writer;
    private bool _disposed;

    public DriftCsvWriter(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { NewLine = "\n" };
        _writer.WriteLine(Header);
        _writer.Flush();
    }

    public void Write(long frame, double xNm, double yNm)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{frame},{xNm:R},{yNm:R}"));
    }

    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writer.Flush();
    }

    /// <summary>A whole trace in one call: x[f], y[f] for f = 0 … x.Count − 1.</summary>
    public static void WriteAll(string path, IReadOnlyList<double> xNm, IReadOnlyList<double> yNm)
    {
        ArgumentNullException.ThrowIfNull(xNm);
        ArgumentNullException.ThrowIfNull(yNm);
        using var writer = new DriftCsvWriter(path);
        for (int f = 0; f < xNm.Count; f++)
        {
            writer.Write(f, xNm[f], yNm[f]);
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _writer.Dispose();
        }
    }
}
