using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using LiveSmlm.Core;

namespace LiveSmlm.Devices.Drivers.MicroManager;

/// <summary>Where Micro-Manager runs and what its camera is (for the photon conversion).</summary>
public sealed record MicroManagerCameraOptions
{
    /// <summary>The ZMQ server, "tcp://127.0.0.1:4827" by default.</summary>
    public string Address { get; init; } = $"tcp://127.0.0.1:{MicroManagerBridge.DefaultPort}";

    /// <summary>"sCMOS", "EMCCD" or "CCD" (Micro-Manager does not say).</summary>
    public required string SensorType { get; init; }

    /// <summary>ADU → photons for this camera (from the hardware profile).</summary>
    public required CameraModel PhotonModel { get; init; }

    /// <summary>The frame rate to ask for (the sequence interval is 1000 / rate ms).</summary>
    public required double FrameRateHz { get; init; }

    /// <summary>How long one bridge reply may take.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a waiting read asks Micro-Manager whether a new image is in its buffer.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(1);
}

/// <summary>
/// A camera attached through a running Micro-Manager: its core (mmcorej.CMMCore) over the ZMQ bridge.
/// Connect gets the core and the loaded camera, settings are read back after they are set, a sequence is
/// a continuous sequence acquisition in Micro-Manager's circular buffer, and each read pops the next
/// tagged image (pixels + metadata) into the caller's frame.
/// </summary>
/// <remarks>
/// Threads as <see cref="ICamera"/>: the control thread and one reader; <see cref="StopSequenceAcquisition"/>
/// from any thread. Every bridge call takes one lock (the REQ socket allows one request at a time).
/// Faults: Micro-Manager's buffer overflow is a <see cref="CameraOverflowException"/>; no new image within
/// the read timeout a <see cref="CameraTimeoutException"/>; a bridge failure or a Java exception a
/// <see cref="DeviceFaultException"/> naming the call.
/// Core methods used (CMMCore's Java API): getCameraDevice, clearROI, setROI, getImageWidth/Height,
/// getBytesPerPixel, setExposure/getExposure, startContinuousSequenceAcquisition, getRemainingImageCount,
/// popNextTaggedImage, isBufferOverflowed, stopSequenceAcquisition.
/// </remarks>
public sealed class MicroManagerCamera : ICamera
{
    private static readonly string[] RequiredMethods =
    [
        "getCameraDevice", "clearROI", "setROI", "getImageWidth", "getImageHeight", "getBytesPerPixel", "setExposure", "getExposure",
        "startContinuousSequenceAcquisition", "getRemainingImageCount", "popNextTaggedImage", "isBufferOverflowed", "stopSequenceAcquisition",
    ];

    private readonly Lock _bridgeLock = new();
    private readonly MicroManagerCameraOptions _options;
    private MicroManagerBridge? _bridge;
    private JavaObject? _core;
    private CameraInfo? _info;
    private CameraRoi _roi;
    private double _exposureMs;
    private double _frameRateHz;
    private int _bytesPerPixel;
    private SequenceOptions? _sequence;
    private volatile bool _acquiring;
    private long _delivered;
    private double? _firstElapsedMs;
    private readonly Stopwatch _sinceLastFrame = new();

    public MicroManagerCamera(string name, MicroManagerCameraOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = options;
        _frameRateHz = options.FrameRateHz;
    }

    public string Name { get; }

    public DeviceKind Kind => DeviceKind.Camera;

    public DeviceCapabilities Capabilities => DeviceCapabilities.SetExposure | DeviceCapabilities.SetFrameRate | DeviceCapabilities.SetRoi;

    public bool IsConnected => Volatile.Read(ref _core) is not null;

    public CameraInfo Info => _info ?? throw NotConnected(nameof(Info));

    public CameraRoi Roi => _roi;

    public double ExposureMs => _exposureMs;

    public double FrameRateHz => _frameRateHz;

    public bool IsAcquiring => _acquiring;

    public long FramesDelivered => Interlocked.Read(ref _delivered);

    /// <summary>The Micro-Manager camera device's label (e.g. "Camera", "HamamatsuHam_DCAM").</summary>
    public string? DeviceLabel { get; private set; }

    public void Connect()
    {
        if (IsConnected)
        {
            return;
        }

        var bridge = new MicroManagerBridge(_options.Address, _options.ReplyTimeout);
        try
        {
            bridge.Connect();
            JavaObject core = bridge.Construct("mmcorej.CMMCore");
            string[] missing = [.. RequiredMethods.Where(m => !core.Methods.Contains(m))];
            if (missing.Length > 0)
            {
                throw new MicroManagerException($"the object the server at {_options.Address} calls mmcorej.CMMCore lacks {string.Join(", ", missing)}; this is not a Micro-Manager core");
            }

            _bridge = bridge;
            string label = Call(core, "getCameraDevice").Value?.GetValue<string>() ?? string.Empty;
            if (label.Length == 0)
            {
                throw new MicroManagerException("Micro-Manager has no camera loaded (getCameraDevice is empty); load a configuration with a camera");
            }

            DeviceLabel = label;
            Call(core, "clearROI");
            int width = Int(Call(core, "getImageWidth"), "getImageWidth");
            int height = Int(Call(core, "getImageHeight"), "getImageHeight");
            _bytesPerPixel = Int(Call(core, "getBytesPerPixel"), "getBytesPerPixel");
            if (_bytesPerPixel is not (1 or 2))
            {
                throw new MicroManagerException($"camera '{label}' gives {_bytesPerPixel} bytes per pixel; only 8- and 16-bit grey images (1 or 2) can be localized");
            }

            _exposureMs = Call(core, "getExposure").Value?.GetValue<double>() ?? 0;
            _roi = CameraRoi.Full(width, height);
            _info = new CameraInfo($"Micro-Manager camera '{label}'", _options.SensorType, width, height, _options.PhotonModel);
            Volatile.Write(ref _core, core);
        }
        catch (Exception e) when (e is MicroManagerException or InvalidOperationException or FormatException)
        {
            _bridge = null;
            bridge.Dispose();
            throw new DeviceFaultException(Name, nameof(Connect), $"Micro-Manager at {_options.Address}: {e.Message}", e);
        }
    }

    public void Disconnect()
    {
        StopSequenceAcquisition();
        lock (_bridgeLock)
        {
            Volatile.Write(ref _core, null);
            _bridge?.Dispose();
            _bridge = null;
        }
    }

    public void SetExposure(double exposureMs)
    {
        JavaObject core = RequireIdle(nameof(SetExposure));
        if (!double.IsFinite(exposureMs) || exposureMs <= 0 || exposureMs > 1000 / _frameRateHz)
        {
            throw new ArgumentOutOfRangeException(nameof(exposureMs), exposureMs, $"Camera '{Name}': exposure must be in (0, {1000 / _frameRateHz:G4}] ms (one frame period at {_frameRateHz:G4} frames/s).");
        }

        Guard(nameof(SetExposure), () =>
        {
            Call(core, "setExposure", ("double", JsonValue.Create(exposureMs)));
            double readBack = Call(core, "getExposure").Value?.GetValue<double>() ?? double.NaN;
            if (Math.Abs(readBack - exposureMs) > 1e-3 * Math.Max(1, exposureMs))
            {
                throw new MicroManagerException(string.Create(CultureInfo.InvariantCulture, $"setExposure({exposureMs}) read back {readBack} ms"));
            }

            _exposureMs = readBack;
        });
    }

    public void SetFrameRate(double frameRateHz)
    {
        RequireIdle(nameof(SetFrameRate));
        if (!double.IsFinite(frameRateHz) || frameRateHz <= 0 || _exposureMs > 1000 / frameRateHz)
        {
            throw new ArgumentOutOfRangeException(nameof(frameRateHz), frameRateHz, $"Camera '{Name}': the frame rate must be > 0 and leave room for the {_exposureMs:G4} ms exposure (≤ {1000 / _exposureMs:G4} frames/s).");
        }

        _frameRateHz = frameRateHz;
    }

    public void SetRoi(CameraRoi roi)
    {
        JavaObject core = RequireIdle(nameof(SetRoi));
        CameraInfo info = Info;
        roi.Validate(Name, info.SensorWidthPx, info.SensorHeightPx);
        Guard(nameof(SetRoi), () =>
        {
            Call(core, "setROI", ("int", JsonValue.Create(roi.X)), ("int", JsonValue.Create(roi.Y)), ("int", JsonValue.Create(roi.Width)), ("int", JsonValue.Create(roi.Height)));
            int width = Int(Call(core, "getImageWidth"), "getImageWidth");
            int height = Int(Call(core, "getImageHeight"), "getImageHeight");
            if (width != roi.Width || height != roi.Height)
            {
                throw new MicroManagerException($"setROI({roi.X}, {roi.Y}, {roi.Width}, {roi.Height}) gives {width}×{height} images (the camera may round ROIs; choose one it supports)");
            }

            _roi = roi;
        });
    }

    public void StartSequenceAcquisition(SequenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        JavaObject core = RequireIdle(nameof(StartSequenceAcquisition));
        if (options.Pacing == FramePacing.AsFastAsPossible)
        {
            throw new NotSupportedException($"Camera '{Name}' is a real camera (Micro-Manager); it delivers at its own rate, not as fast as possible. Use real-time pacing.");
        }

        Guard(nameof(StartSequenceAcquisition), () => Call(core, "startContinuousSequenceAcquisition", ("double", JsonValue.Create(1000 / _frameRateHz))));
        _sequence = options;
        Interlocked.Exchange(ref _delivered, 0);
        _firstElapsedMs = null;
        _sinceLastFrame.Restart();
        _acquiring = true;
    }

    public void StopSequenceAcquisition()
    {
        if (!_acquiring)
        {
            return;
        }

        _acquiring = false;
        JavaObject? core = Volatile.Read(ref _core);
        if (core is not null)
        {
            try
            {
                Call(core, "stopSequenceAcquisition");
            }
#pragma warning disable CA1031 // Stop is idempotent and never throws (contract); a dead bridge has stopped anyway.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    public async ValueTask<bool> TryReadFrameAsync(Frame destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        SequenceOptions sequence = _sequence ?? throw new InvalidOperationException($"Camera '{Name}': no sequence was started; call StartSequenceAcquisition first.");
        JavaObject core = Volatile.Read(ref _core) ?? throw NotConnected(nameof(TryReadFrameAsync));
        if (destination.Width != _roi.Width || destination.Height != _roi.Height)
        {
            throw new ArgumentException($"Camera '{Name}' reads {_roi.Width}×{_roi.Height} frames; the destination is {destination.Width}×{destination.Height}.", nameof(destination));
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_acquiring)
            {
                return false;
            }

            if (sequence.FrameCount is { } count && FramesDelivered >= count)
            {
                StopSequenceAcquisition();
                return false;
            }

            int remaining = 0;
            bool overflowed = false;
            Guard(nameof(TryReadFrameAsync), () =>
            {
                remaining = Int(Call(core, "getRemainingImageCount"), "getRemainingImageCount");
                overflowed = remaining == 0 && Call(core, "isBufferOverflowed").Value?.GetValue<bool>() == true;
            });
            if (remaining > 0)
            {
                Guard(nameof(TryReadFrameAsync), () => PopInto(core, destination));
                destination.Index = Interlocked.Increment(ref _delivered) - 1;
                _sinceLastFrame.Restart();
                return true;
            }

            if (overflowed)
            {
                _acquiring = false;
                throw new CameraOverflowException($"Camera '{Name}': Micro-Manager's circular buffer overflowed after frame {FramesDelivered}; frames were lost. Read faster, or give Micro-Manager a larger sequence buffer (Tools > Options).");
            }

            TimeSpan allowed = (sequence.ReadTimeout ?? TimeSpan.MaxValue / 2) + TimeSpan.FromSeconds(1 / _frameRateHz);
            if (_sinceLastFrame.Elapsed > allowed)
            {
                _acquiring = false;
                throw new CameraTimeoutException(Name, FramesDelivered, sequence.ReadTimeout!.Value);
            }

            await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => Disconnect();

    private void PopInto(JavaObject core, Frame destination)
    {
        BridgeReply reply = Call(core, "popNextTaggedImage");
        if (reply.Value is not JsonObject tagged || tagged["tags"] is not JsonObject tags)
        {
            throw new MicroManagerException($"popNextTaggedImage gave '{reply.Json.ToJsonString()}', not a TaggedImage with tags and pix");
        }

        int width = tags["Width"]?.GetValue<int>() ?? _roi.Width;
        int height = tags["Height"]?.GetValue<int>() ?? _roi.Height;
        if (width != _roi.Width || height != _roi.Height)
        {
            throw new MicroManagerException($"popNextTaggedImage gave a {width}×{height} image; the ROI is {_roi.Width}×{_roi.Height}");
        }

        byte[] pix = reply.ArrayFor(tagged["pix"], "popNextTaggedImage");
        int pixels = width * height;
        if (pix.Length != pixels * _bytesPerPixel)
        {
            throw new MicroManagerException($"popNextTaggedImage gave {pix.Length} bytes for {width}×{height} pixels of {_bytesPerPixel} bytes");
        }

        Span<ushort> target = destination.Span;
        if (_bytesPerPixel == 2)
        {
            for (int i = 0; i < pixels; i++)
            {
                target[i] = (ushort)(pix[2 * i] | (pix[(2 * i) + 1] << 8));
            }
        }
        else
        {
            for (int i = 0; i < pixels; i++)
            {
                target[i] = pix[i];
            }
        }

        double? elapsedMs = tags["ElapsedTime-ms"] is JsonNode e ? ParseDouble(e) : null;
        _firstElapsedMs ??= elapsedMs;
        destination.TimestampSeconds = elapsedMs is { } ms && _firstElapsedMs is { } first ? (ms - first) / 1000 : FramesDelivered / _frameRateHz;
    }

    private static double? ParseDouble(JsonNode node) =>
        node.GetValueKind() == System.Text.Json.JsonValueKind.Number ? node.GetValue<double>()
        : double.TryParse(node.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;

    private BridgeReply Call(JavaObject core, string method, params (string JavaType, JsonNode? Value)[] arguments)
    {
        lock (_bridgeLock)
        {
            MicroManagerBridge bridge = _bridge ?? throw NotConnected(method);
            return bridge.RunMethod(core, method, arguments);
        }
    }

    private void Guard(string operation, Action call)
    {
        try
        {
            call();
        }
        catch (Exception e) when (e is MicroManagerException or InvalidOperationException or FormatException)
        {
            _acquiring = false;
            throw new DeviceFaultException(Name, operation, $"Micro-Manager at {_options.Address}: {e.Message}", e);
        }
    }

    private static int Int(BridgeReply reply, string what) =>
        reply.Value?.GetValue<int>() ?? throw new MicroManagerException($"{what} returned no number");

    private JavaObject RequireIdle(string operation)
    {
        JavaObject core = Volatile.Read(ref _core) ?? throw NotConnected(operation);
        if (_acquiring)
        {
            throw new InvalidOperationException($"Camera '{Name}' is acquiring; stop the sequence before {operation}.");
        }

        return core;
    }

    private InvalidOperationException NotConnected(string operation) => new($"Camera '{Name}' is not connected; call Connect before {operation}.");
}
