using System.Diagnostics;
using LiveSmlm.Core;
using LiveSmlm.Devices;

namespace LiveSmlm.Acquisition.Session;

/// <summary>
/// The camera stage: an <see cref="ICamera"/> in sequence acquisition as the pipeline's frame source.
/// The pipeline's reader calls <see cref="TryReadNext"/> with a pooled frame; the camera fills it. The
/// host arrival time of every frame is stamped for the localizer latency (<see cref="LatencyTracker"/>).
/// </summary>
/// <remarks>
/// Drops: this stage never drops. A reader that falls behind a paced camera by more than the camera's
/// buffer gets <see cref="CameraOverflowException"/> from the camera, which ends the run as an error
/// (counted, never silent). Blocks the reader's thread until the frame is due; the camera's
/// StopSequenceAcquisition (session stop or fault, any thread) ends a pending read with false.
/// </remarks>
public sealed class CameraFrameSource : IFrameSource
{
    private readonly ICamera _camera;
    private readonly CancellationToken _cancel;
    private readonly LatencyTracker? _latency;
    private Action? _beforeFirstRead;
    private long _read;
    private string? _stopReason;

    /// <param name="camera">The camera; its sequence is started by its session.</param>
    /// <param name="frameCount">The frames asked of the camera (null: until stopped).</param>
    /// <param name="latency">Where arrival times go; none when null.</param>
    /// <param name="cancel">Ends a pending read with <see cref="OperationCanceledException"/>.</param>
    /// <param name="beforeFirstRead">
    /// Runs once on the reader's thread before the first read: start the camera's sequence here, so
    /// that a paced camera starts when the data plane is up, not while it is still being set up.
    /// </param>
    public CameraFrameSource(ICamera camera, long? frameCount, LatencyTracker? latency, CancellationToken cancel, Action? beforeFirstRead = null)
    {
        ArgumentNullException.ThrowIfNull(camera);
        _camera = camera;
        _beforeFirstRead = beforeFirstRead;
        _cancel = cancel;
        _latency = latency;
        FrameCount = frameCount;
        Width = camera.Roi.Width;
        Height = camera.Roi.Height;
    }

    public int Width { get; }

    public int Height { get; }

    public double? PixelSizeNm => _camera.Info.PixelSizeNm;

    /// <summary>The frames asked of the camera (null: until stopped).</summary>
    public long? FrameCount { get; }

    /// <summary>Frames delivered to the pipeline so far (any thread).</summary>
    public long FramesRead => Interlocked.Read(ref _read);

    /// <summary>Why the acquisition was asked to end early (sample exhausted, resolution reached); null when it was not.</summary>
    public string? StopReason => Volatile.Read(ref _stopReason);

    /// <summary>
    /// Ends the sequence cleanly before its last frame (any thread): the next read returns false, as at the end of
    /// the sequence, so the pipeline drains and completes every output. The first reason is kept.
    /// </summary>
    public void RequestStop(string reason) => Interlocked.CompareExchange(ref _stopReason, reason, null);

    public bool TryReadNext(Frame destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (StopReason is not null)
        {
            return false;
        }

        if (_beforeFirstRead is { } start)
        {
            _beforeFirstRead = null;
            start();
        }

        ValueTask<bool> pending = _camera.TryReadFrameAsync(destination, _cancel);

        // The reader is a task of its own: blocking it on a paced camera is its job.
        bool more = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        if (more)
        {
            _latency?.Arrived(destination.Index, Stopwatch.GetTimestamp());
            Interlocked.Increment(ref _read);
        }

        return more;
    }

    /// <summary>The camera belongs to the session's owner; nothing to release here.</summary>
    public void Dispose()
    {
    }
}
