using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Streams frames from a headerless, frame-major, row-major pixel file whose shape a sidecar gives
/// (.dax + .inf, Picasso .raw + .yaml); one frame in memory at a time.
/// </summary>
internal sealed class RawMovie : IDisposable
{
    private readonly FileStream _stream;
    private readonly SampleType _type;
    private readonly bool _bigEndian;
    private readonly byte[] _buffer;
    private long _next;

    public RawMovie(string path, string sidecarPath, int width, int height, long frames, SampleType type, bool bigEndian)
    {
        FileChecks.RequireExists(path, "Movie file");
        if (width <= 0 || height <= 0)
        {
            throw FileChecks.Corrupt(sidecarPath, $"frame size {width}×{height} must be positive.");
        }

        Path = path;
        Width = width;
        Height = height;
        Frames = frames;
        _type = type;
        _bigEndian = bigEndian;
        _buffer = new byte[checked(width * height * SampleConverter.BytesPerSample(type))];
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
        long expected = frames * _buffer.Length;
        if (_stream.Length != expected)
        {
            long length = _stream.Length;
            _stream.Dispose();
            throw new InvalidDataException(
                $"'{path}' holds {length} bytes but '{sidecarPath}' describes {frames} frames of {width}×{height} {type} = {expected} bytes.");
        }
    }

    public string Path { get; }

    public int Width { get; }

    public int Height { get; }

    public long Frames { get; }

    public long ClippedPixels { get; private set; }

    public bool TryReadNext(Frame destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Width != Width || destination.Height != Height)
        {
            throw new ArgumentException(
                $"Destination frame is {destination.Width}×{destination.Height}; '{Path}' holds {Width}×{Height}.", nameof(destination));
        }

        if (_next >= Frames)
        {
            return false;
        }

        try
        {
            _stream.ReadExactly(_buffer);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"'{Path}' ended inside frame {_next}: the file is truncated.", ex);
        }

        ClippedPixels += SampleConverter.ToUInt16(_buffer, _type, _bigEndian, destination.Span);
        destination.Index = _next;
        destination.TimestampSeconds = 0;
        _next++;
        return true;
    }

    /// <summary>Starts again at the first frame: the stream goes back to its start.</summary>
    public void Rewind()
    {
        _stream.Seek(0, SeekOrigin.Begin);
        _next = 0;
    }

    public void Dispose() => _stream.Dispose();
}
