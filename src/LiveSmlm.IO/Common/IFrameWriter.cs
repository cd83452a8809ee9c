using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Writes a movie frame by frame (streaming). Called from one thread. Complete finishes the file;
/// Dispose without Complete leaves every frame whose Write returned readable (crash semantics).
/// </summary>
public interface IFrameWriter : IDisposable
{
    long FramesWritten { get; }

    /// <summary>Appends one frame; the frame's pixels are handed to the operating system before it returns.</summary>
    void Write(Frame frame);

    void Complete();
}
