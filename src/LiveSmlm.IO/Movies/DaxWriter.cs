using System.Globalization;
using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Writes a storm-analysis movie: big-endian uint16 .dax plus the .inf sidecar, which is rewritten
/// after every frame so that a crashed recording still describes exactly the frames on disk.
/// </summary>
public sealed class DaxWriter : IFrameWriter
{
    private readonly RawMovieWriter _raw;
    private readonly string _infPath;
    private bool _disposed;

    public DaxWriter(string path, int width, int height)
    {
        _raw = new RawMovieWriter(path, width, height, bigEndian: true);
        _infPath = System.IO.Path.ChangeExtension(path, ".inf");
        WriteInf();
    }

    public long FramesWritten => _raw.FramesWritten;

    public static DaxWriter Create(string path, int width, int height) => new(path, width, height);

    public void Write(Frame frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _raw.Write(frame);
        WriteInf();
    }

    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _raw.FlushToDisk();
        WriteInf();
        Dispose();
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _raw.Dispose();
        }
    }

    private void WriteInf()
    {
        var c = CultureInfo.InvariantCulture;
        string text =
            "binning = 1 x 1\n"
            + "data type = 16 bit integers (binary, big endian)\n"
            + string.Create(c, $"frame dimensions = {_raw.Width} x {_raw.Height}\n")
            + string.Create(c, $"number of frames = {_raw.FramesWritten}\n")
            + "Lock Target = 0.0\n"
            + string.Create(c, $"x_start = 1\nx_end = {_raw.Width}\ny_start = 1\ny_end = {_raw.Height}\n");
        File.WriteAllText(_infPath, text);
    }
}
