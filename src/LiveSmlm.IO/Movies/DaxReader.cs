using System.Globalization;
using System.Text.RegularExpressions;
using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Streams a storm-analysis movie: headerless uint16 pixels (big-endian unless the .inf says
/// little), frame-major, with the shape in the .inf sidecar of the same base name.
/// </summary>
public sealed partial class DaxReader : IFrameSource
{
    private readonly RawMovie _movie;
    private bool _disposed;

    public DaxReader(string path)
    {
        FileChecks.RequireExists(path, "DAX movie");
        string infPath = System.IO.Path.ChangeExtension(path, ".inf");
        FileChecks.RequireExists(infPath, "DAX sidecar (.inf) for '" + path + "'");
        int width = 0, height = 0;
        long frames = -1;
        // storm-analysis's default when no 'data type' line is present: big-endian 16-bit.
        bool bigEndian = true;
        foreach (string line in File.ReadLines(infPath))
        {
            var size = FrameDimensions().Match(line);
            if (size.Success)
            {
                // storm-analysis writes "frame dimensions = <width> x <height>".
                width = int.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture);
                height = int.Parse(size.Groups[2].Value, CultureInfo.InvariantCulture);
            }

            var count = NumberOfFrames().Match(line);
            if (count.Success)
            {
                frames = long.Parse(count.Groups[1].Value, CultureInfo.InvariantCulture);
            }

            if (line.TrimStart().StartsWith("data type", StringComparison.OrdinalIgnoreCase))
            {
                if (!line.Contains("16 bit", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException($"'{infPath}': '{line.Trim()}' is not supported; a .dax holds '16 bit integers'.");
                }

                bigEndian = !line.Contains("little endian", StringComparison.OrdinalIgnoreCase);
            }
        }

        if (width <= 0 || height <= 0 || frames < 0)
        {
            throw new InvalidDataException(
                $"'{infPath}' must give 'frame dimensions = W x H' and 'number of frames = N'; found {width}×{height}, {frames} frames.");
        }

        _movie = new RawMovie(path, infPath, width, height, frames, SampleType.UInt16, bigEndian);
    }

    public int Width => _movie.Width;

    public int Height => _movie.Height;

    public long? FrameCount => _movie.Frames;

    public bool TryReadNext(Frame destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _movie.TryReadNext(destination);
    }

    /// <summary>Starts again at the first frame, with the same file handle and buffer.</summary>
    public bool TryRewind()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _movie.Rewind();
        return true;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _movie.Dispose();
        }
    }

    [GeneratedRegex(@"frame dimensions\s*=\s*(\d+)\s*x\s*(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex FrameDimensions();

    [GeneratedRegex(@"number of frames\s*=\s*(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex NumberOfFrames();
}
