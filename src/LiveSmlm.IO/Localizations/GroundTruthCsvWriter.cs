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
    private readonly StringBuilder _line = new(128);
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
        var c = CultureInfo.InvariantCulture;
        foreach (ref readonly var e in emitters)
        {
            _line.Clear();
            _line.Append(e.Id.ToString(c)).Append(',')
                .Append((e.Frame + 1).ToString(c)).Append(',')
                .Append(e.XNm.ToString("R", c)).Append(',')
                .Append(e.YNm.ToString("R", c)).Append(',')
                .Append(e.ZNm.ToString("R", c)).Append(',')
                .Append(e.Photons.ToString("R", c));
            _writer.WriteLine(_line);
            RowsWritten++;
        }

        _writer.Flush();
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
