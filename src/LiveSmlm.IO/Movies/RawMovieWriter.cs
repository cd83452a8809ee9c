using System.Buffers.Binary;
using System.Runtime.InteropServices;
using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Appends uint16 frames, frame-major and row-major, to a headerless file in one byte order; the
/// formats that wrap it (.dax, Picasso .raw) add their sidecar. Each frame reaches the OS on Write.
/// </summary>
internal sealed class RawMovieWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly bool _bigEndian;
    private byte[] _buffer = [];

    public RawMovieWriter(string path, int width, int height, bool bigEndian)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException($"Frame size must be positive; got {width}×{height} pixels.", nameof(width));
        }

        Path = path;
        Width = width;
        Height = height;
        _bigEndian = bigEndian;
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
    }

    public string Path { get; }

    public int Width { get; }

    public int Height { get; }

    public long FramesWritten { get; private set; }

    public void Write(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width != Width || frame.Height != Height)
        {
            throw new ArgumentException($"Frame is {frame.Width}×{frame.Height} but '{Path}' records {Width}×{Height}.", nameof(frame));
        }

        int bytes = frame.PixelCount * sizeof(ushort);
        if (_buffer.Length < bytes)
        {
            _buffer = new byte[bytes];
        }

        var target = _buffer.AsSpan(0, bytes);
        MemoryMarshal.AsBytes(frame.Span).CopyTo(target);
        if (_bigEndian == BitConverter.IsLittleEndian)
        {
            var words = MemoryMarshal.Cast<byte, ushort>(target);
            BinaryPrimitives.ReverseEndianness(words, words);
        }

        _stream.Write(target);
        _stream.Flush();
        FramesWritten++;
    }

    public void FlushToDisk() => _stream.Flush(flushToDisk: true);

    public void Dispose() => _stream.Dispose();
}
