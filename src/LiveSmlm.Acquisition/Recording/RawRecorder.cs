using LiveSmlm.Core;
using LiveSmlm.IO;

namespace LiveSmlm.Acquisition.Recording;

/// <summary>
/// Writes raw frames as a BigTIFF OME-TIFF, each frame on disk before anything downstream may fail.
/// The writer patches the file after every page, so a crash leaves every completed frame readable.
/// Called from one thread.
/// </summary>
public sealed class RawRecorder : IDisposable
{
    private readonly OmeTiffWriter _writer;

    public RawRecorder(string path, int width, int height, double pixelSizeNm)
    {
        Path = path;
        _writer = OmeTiffWriter.Create(path, width, height, pixelSizeNm);
    }

    public string Path { get; }

    public long FramesRecorded => _writer.FramesWritten;

    public void Record(Frame frame) => _writer.Write(frame);

    /// <summary>Finishes the file (the OME-XML frame count); frames stay readable without it.</summary>
    public void Complete() => _writer.Complete();

    public void Dispose() => _writer.Dispose();
}
