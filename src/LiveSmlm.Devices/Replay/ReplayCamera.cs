using System.Diagnostics.CodeAnalysis;
using LiveSmlm.Core;
using LiveSmlm.Devices.Pacing;
using LiveSmlm.IO;

namespace LiveSmlm.Devices.Replay;

/// <summary>How a recorded stack is replayed.</summary>
public sealed record ReplayOptions
{
    /// <summary>Frames per second of a paced replay (RealTime pacing); as fast as possible ignores it.</summary>
    public double FrameRateHz { get; init; } = 100;

    /// <summary>Start again at the first frame after the last one, for an endless camera.</summary>
    public bool Loop { get; init; }

    /// <summary>How the stack's ADU become photons; the defaults of <see cref="CameraModel"/> when null (give the rig profile's).</summary>
    public CameraModel? PhotonModel { get; init; }
}

/// <summary>
/// A camera that delivers a recorded stack (any file <c>analyze</c> reads: TIFF/OME-TIFF, .dax, Picasso
/// .raw) at a chosen rate or as fast as possible, once or in a loop. Tests a pipeline on real data and
/// measures the data plane without the simulator's cost.
/// </summary>
/// <remarks>
/// The file is streamed (never held whole); each sequence starts again at its first frame. Frame
/// indices and timestamps are those of the sequence (index / rate), counting on across loops. The
/// exposure of a recorded stack is not known: it is reported as the frame period and cannot be set.
/// A stack that cannot be read faults the read with <see cref="DeviceFaultException"/> naming the file.
/// </remarks>
public sealed class ReplayCamera : PacedCamera
{
    private const DeviceCapabilities ReplayCapabilities =
        DeviceCapabilities.SetFrameRate | DeviceCapabilities.SetRoi | DeviceCapabilities.UnpacedAcquisition;

    private readonly Func<IFrameSource> _open;
    private readonly string _description;
    private readonly bool _loop;
    private IFrameSource? _source;       // reader thread while acquiring; control thread otherwise
    private bool _sourceFresh;           // _source has not delivered a frame since it was opened

    private ReplayCamera(Func<IFrameSource> open, IFrameSource first, string description, ReplayOptions options, TimeProvider? clock)
        : base(
            "replay",
            new CameraInfo($"Replay of {description}", "replay", first.Width, first.Height, options.PhotonModel ?? new CameraModel()),
            1000 / options.FrameRateHz,
            options.FrameRateHz,
            ReplayCapabilities,
            clock)
    {
        _open = open;
        _description = description;
        _loop = options.Loop;
        _source = first;
        _sourceFresh = true;
    }

    /// <summary>The stack's frame count when the reader knows it.</summary>
    public long? StackFrameCount { get; private set; }

    /// <summary>How many times the stack has started again from its first frame in this sequence.</summary>
    public int Loops { get; private set; }

    /// <summary>Opens <paramref name="path"/> with <see cref="FrameSources.Open"/>; its errors name the file.</summary>
    public static ReplayCamera Open(string path, ReplayOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return FromSource(() => FrameSources.Open(path), path, options, clock);
    }

    /// <summary>Replays what <paramref name="open"/> returns; it is called again for each sequence and each loop.</summary>
    public static ReplayCamera FromSource(Func<IFrameSource> open, string description, ReplayOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(options);
        if (!double.IsFinite(options.FrameRateHz) || options.FrameRateHz <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FrameRateHz, $"Replay of {description}: the frame rate must be > 0 frames/s.");
        }

        IFrameSource first = open();
        try
        {
            var camera = new ReplayCamera(open, first, description, options, clock);
            camera.StackFrameCount = first.FrameCount;
            return camera;
        }
        catch
        {
            first.Dispose();
            throw;
        }
    }

    protected override bool ExposureFollowsFrameRate => true;

    protected override void OnSequenceStarting()
    {
        Loops = 0;
        if (!_sourceFresh)
        {
            Reopen();
        }
    }

    protected override bool ReadSensorFrame(Frame sensorFrame, long index)
    {
        _source ??= OpenChecked();
        if (_source.TryReadNext(sensorFrame))
        {
            _sourceFresh = false;
            return true;
        }

        if (!_loop)
        {
            return false;
        }

        if (_sourceFresh)
        {
            throw new DeviceFaultException(Name, "TryReadFrameAsync", $"{_description} holds no frames, so it cannot be replayed in a loop.");
        }

        Reopen();
        Loops++;
        if (!_source.TryReadNext(sensorFrame))
        {
            throw new DeviceFaultException(Name, "TryReadFrameAsync", $"{_description} delivered no frame after it was opened again for loop {Loops}.");
        }

        _sourceFresh = false;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _source?.Dispose();
            _source = null;
        }
    }

    // Starts the stack again at its first frame: rewinds the open source when it can (files: no
    // allocation per loop, so a long looped replay keeps a flat memory), else opens it again.
    [MemberNotNull(nameof(_source))]
    private void Reopen()
    {
        if (_source is not null && _source.TryRewind())
        {
            _sourceFresh = true;
            return;
        }

        _source?.Dispose();
        _source = null;
        _source = OpenChecked();
        _sourceFresh = true;
    }

    private IFrameSource OpenChecked()
    {
        IFrameSource source = _open();
        if (source.Width != Info.SensorWidthPx || source.Height != Info.SensorHeightPx)
        {
            source.Dispose();
            throw new DeviceFaultException(
                Name, "open", $"{_description} is now {source.Width}×{source.Height}; it was {Info.SensorWidthPx}×{Info.SensorHeightPx} when the camera was made.");
        }

        return source;
    }
}
