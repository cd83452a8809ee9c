using System.Globalization;
using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Writes a Picasso raw movie: little-endian uint16 .raw plus its .yaml (Width, Height, Frames,
/// Data Type, Byte Order), the yaml rewritten after every frame so that a crash leaves it true.
/// </summary>
public sealed class PicassoRawWriter : IFrameWriter
{
    private readonly RawMovieWriter _raw;
    private readonly string _yamlPath;
    private bool _disposed;

    public PicassoRawWriter(string path, int width, int height)
    {
        _raw = new RawMovieWriter(path, width, height, bigEndian: false);
        _yamlPath = System.IO.Path.ChangeExtension(path, ".yaml");
        WriteYaml();
    }

    public long FramesWritten => _raw.FramesWritten;

    public static PicassoRawWriter Create(string path, int width, int height) => new(path, width, height);

    public void Write(Frame frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _raw.Write(frame);
        WriteYaml();
    }

    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _raw.FlushToDisk();
        WriteYaml();
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

    private void WriteYaml()
    {
        var c = CultureInfo.InvariantCulture;
        File.WriteAllText(_yamlPath, SidecarYaml.Write(
        [
            [
                ("Byte Order", "<"),
                ("Data Type", "uint16"),
                ("Frames", _raw.FramesWritten.ToString(c)),
                ("Height", _raw.Height.ToString(c)),
                ("Width", _raw.Width.ToString(c)),
            ],
        ]));
    }
}
