using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Streams a Picasso raw movie: headerless pixels described by the .yaml of the same base name
/// (Width, Height, Frames, Data Type, Byte Order "&lt;" little or "&gt;" big).
/// </summary>
public sealed class PicassoRawReader : IFrameSource
{
    private readonly RawMovie _movie;
    private bool _disposed;

    public PicassoRawReader(string path)
    {
        FileChecks.RequireExists(path, "Picasso raw movie");
        string yamlPath = System.IO.Path.ChangeExtension(path, ".yaml");
        FileChecks.RequireExists(yamlPath, "Picasso sidecar (.yaml) for '" + path + "'");
        var documents = SidecarYaml.Read(yamlPath);
        long width = SidecarYaml.RequireInteger(yamlPath, documents, "Width");
        long height = SidecarYaml.RequireInteger(yamlPath, documents, "Height");
        long frames = SidecarYaml.RequireInteger(yamlPath, documents, "Frames");
        string dataType = SidecarYaml.Find(documents, "Data Type") ?? "uint16";
        var type = dataType.Trim().ToUpperInvariant() switch
        {
            "UINT8" => SampleType.UInt8,
            "UINT16" or "<U2" or ">U2" => SampleType.UInt16,
            "UINT32" => SampleType.UInt32,
            "FLOAT32" => SampleType.Float32,
            _ => throw new InvalidDataException($"'{yamlPath}': Data Type '{dataType}' is not supported; use uint8, uint16, uint32 or float32."),
        };
        string byteOrder = (SidecarYaml.Find(documents, "Byte Order") ?? "<").Trim();
        bool bigEndian = byteOrder switch
        {
            "<" or "little" or "=" or "|" => false,
            ">" or "big" => true,
            _ => throw new InvalidDataException($"'{yamlPath}': Byte Order '{byteOrder}' must be '<' (little-endian) or '>' (big-endian)."),
        };
        if (width > int.MaxValue || height > int.MaxValue)
        {
            throw new InvalidDataException($"'{yamlPath}': frame size {width}×{height} is too large.");
        }

        _movie = new RawMovie(path, yamlPath, (int)width, (int)height, frames, type, bigEndian);
    }

    public int Width => _movie.Width;

    public int Height => _movie.Height;

    public long? FrameCount => _movie.Frames;

    /// <summary>Pixels clamped into [0, 65535] so far (uint32 and float32 movies only).</summary>
    public long ClippedPixels => _movie.ClippedPixels;

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
}
