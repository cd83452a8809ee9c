namespace LiveSmlm.Core;

/// <summary>
/// A stream of frames of one size: a file reader, the simulated camera, later a real camera.
/// Streaming by contract: a source never needs the whole stack in memory.
/// Called from one thread at a time. Dispose may be called several times.
/// </summary>
public interface IFrameSource : IDisposable
{
    int Width { get; }

    int Height { get; }

    /// <summary>Camera pixel size (nm) when the source records it (OME-XML, ImageJ metadata); null otherwise.</summary>
    double? PixelSizeNm => null;

    /// <summary>Number of frames when known in advance (files); null for a live source.</summary>
    long? FrameCount { get; }

    /// <summary>
    /// Fills <paramref name="destination"/> (same size as the source) with the next frame, its
    /// index and timestamp. Returns false at the end of the stream. Throws
    /// <see cref="InvalidDataException"/> naming the source when the data are corrupt.
    /// </summary>
    bool TryReadNext(Frame destination);

    /// <summary>
    /// Starts the stream again at its first frame, keeping what the source already holds (the open
    /// file, its page table, its buffers), so that a replay in a loop allocates nothing per loop.
    /// Returns false when the source cannot start again (a camera, the simulator): reopen it instead.
    /// </summary>
    bool TryRewind() => false;
}
