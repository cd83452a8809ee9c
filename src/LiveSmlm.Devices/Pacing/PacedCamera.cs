using LiveSmlm.Core;
using LiveSmlm.Devices.Simulated;

namespace LiveSmlm.Devices.Pacing;

/// <summary>
/// The <see cref="ICamera"/> behaviour shared by cameras that make their frames in software (the
/// simulated camera, the replay camera): state checks, ROI crop, real-time pacing with overflow
/// detection, stop from any thread, and injected faults and stalls.
/// </summary>
/// <remarks>
/// A derived class supplies full-sensor frames in <see cref="ReadSensorFrame"/>, which runs on the
/// reader's thread inside <see cref="TryReadFrameAsync"/> once the frame is due.
/// </remarks>
public abstract class PacedCamera : ICamera, IFaultInjectable
{
    private readonly FaultInjector _faults;
    private readonly TimeProvider _clock;
    private Frame? _sensorScratch;          // full-sensor frame for ROI crops; reader thread only
    private CancellationTokenSource? _sequenceStop;  // cancelled by Stop; replaced by each Start
    private SequenceOptions _options = new();
    private FramePacer? _pacer;
    private volatile bool _acquiring;
    private volatile bool _stalled;
    private volatile bool _connected;
    private long _delivered;               // written by the reader, read by anyone (Interlocked)
    private bool _disposed;

    protected PacedCamera(string name, CameraInfo info, double exposureMs, double frameRateHz, DeviceCapabilities capabilities, TimeProvider? clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(info);
        Name = name;
        Info = info;
        Capabilities = capabilities;
        _clock = clock ?? TimeProvider.System;
        _faults = new FaultInjector(name);
        Roi = CameraRoi.Full(info.SensorWidthPx, info.SensorHeightPx);
        CheckTiming(exposureMs, frameRateHz);
        ExposureMs = exposureMs;
        FrameRateHz = frameRateHz;
    }

    public string Name { get; }

    public DeviceKind Kind => DeviceKind.Camera;

    public DeviceCapabilities Capabilities { get; }

    public bool IsConnected => _connected;

    public CameraInfo Info { get; }

    public CameraRoi Roi { get; private set; }

    public double ExposureMs { get; private set; }

    public double FrameRateHz { get; private set; }

    public bool IsAcquiring => _acquiring;

    public long FramesDelivered => Interlocked.Read(ref _delivered);

    public void Connect()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connected)
        {
            return;
        }

        _faults.ThrowIfFaulted(nameof(Connect));
        _connected = true;
    }

    public void Disconnect()
    {
        StopSequenceAcquisition();
        _connected = false;
    }

    public void SetExposure(double exposureMs)
    {
        this.Require(DeviceCapabilities.SetExposure, "set its exposure");
        RequireIdle(nameof(SetExposure));
        CheckTiming(exposureMs, FrameRateHz);
        _faults.ThrowIfFaulted(nameof(SetExposure));
        OnTimingChanging(exposureMs, FrameRateHz);
        ExposureMs = exposureMs;
    }

    public void SetFrameRate(double frameRateHz)
    {
        this.Require(DeviceCapabilities.SetFrameRate, "set its frame rate");
        RequireIdle(nameof(SetFrameRate));
        double exposureMs = ExposureFollowsFrameRate ? 1000 / frameRateHz : ExposureMs;
        CheckTiming(exposureMs, frameRateHz);
        _faults.ThrowIfFaulted(nameof(SetFrameRate));
        OnTimingChanging(exposureMs, frameRateHz);
        ExposureMs = exposureMs;
        FrameRateHz = frameRateHz;
    }

    public void SetRoi(CameraRoi roi)
    {
        this.Require(DeviceCapabilities.SetRoi, "set its ROI");
        RequireIdle(nameof(SetRoi));
        roi.Validate(Name, Info.SensorWidthPx, Info.SensorHeightPx);
        _faults.ThrowIfFaulted(nameof(SetRoi));
        Roi = roi;
    }

    public void StartSequenceAcquisition(SequenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!_connected)
        {
            throw new InvalidOperationException($"Camera '{Name}' is not connected; call Connect before StartSequenceAcquisition.");
        }

        if (_acquiring)
        {
            throw new InvalidOperationException($"Camera '{Name}' is already acquiring; call StopSequenceAcquisition first.");
        }

        if (options.Pacing == FramePacing.AsFastAsPossible)
        {
            this.Require(DeviceCapabilities.UnpacedAcquisition, "acquire as fast as possible");
        }

        _faults.ThrowIfFaulted(nameof(StartSequenceAcquisition));
        OnSequenceStarting();
        // The previous source is left to the GC, not disposed: a late reader may still hold its token.
        _sequenceStop = new CancellationTokenSource();
        _options = options;
        _stalled = false;
        Interlocked.Exchange(ref _delivered, 0);
        _pacer = new FramePacer(FrameRateHz, _clock);
        _pacer.Start();
        _acquiring = true;
    }

    public void StopSequenceAcquisition()
    {
        _acquiring = false;
        try
        {
            _sequenceStop?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed by a concurrent Dispose: that sequence is over already.
        }
    }

    public async ValueTask<bool> TryReadFrameAsync(Frame destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CancellationTokenSource? stop = _sequenceStop;
        FramePacer? pacer = _pacer;
        if (stop is null || pacer is null)
        {
            throw new InvalidOperationException($"Camera '{Name}': no sequence was started; call StartSequenceAcquisition before TryReadFrameAsync.");
        }

        if (destination.Width != Roi.Width || destination.Height != Roi.Height)
        {
            throw new ArgumentException(
                $"Camera '{Name}' delivers {Roi.Width}×{Roi.Height} frames (its ROI); the destination is {destination.Width}×{destination.Height}.",
                nameof(destination));
        }

        long index = Interlocked.Read(ref _delivered);
        if (!_acquiring || index >= _options.FrameCount)
        {
            _acquiring = false;
            return false;
        }

        try
        {
            _faults.ThrowIfFaulted(nameof(TryReadFrameAsync));
            bool paced = _options.Pacing == FramePacing.RealTime;
            if (paced)
            {
                long behind = pacer.FramesBehind(index);
                if (behind >= _options.BufferCapacityFrames)
                {
                    throw new CameraOverflowException(Name, index, behind, _options.BufferCapacityFrames);
                }
            }

            if ((paced || _stalled) && !await WaitForFrameAsync(pacer, index, paced, stop, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }
        catch (DeviceFaultException)
        {
            _acquiring = false;
            throw;
        }

        bool got;
        try
        {
            got = ReadInto(destination, index);
        }
        catch (Exception e) when (e is not DeviceFaultException)
        {
            _acquiring = false;
            throw new DeviceFaultException(Name, nameof(TryReadFrameAsync), $"frame {index} could not be made: {e.Message}", e);
        }

        if (!got)
        {
            _acquiring = false;
            return false;
        }

        destination.Index = index;
        destination.TimestampSeconds = pacer.DueSeconds(index);
        Interlocked.Increment(ref _delivered);
        return true;
    }

    public void InjectFault(string reason, bool persistent = false) => _faults.Inject(reason, persistent);

    public void ClearFault()
    {
        _faults.Clear();
        _stalled = false;
    }

    /// <summary>
    /// Makes reads wait (a camera that stops delivering) until the sequence stops, the read is cancelled, or
    /// <see cref="SequenceOptions.ReadTimeout"/> passes, which throws <see cref="CameraTimeoutException"/>.
    /// </summary>
    public void InjectStall() => _stalled = true;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Fills <paramref name="sensorFrame"/> (full sensor) with frame <paramref name="index"/> of the sequence; false when there are no more.</summary>
    protected abstract bool ReadSensorFrame(Frame sensorFrame, long index);

    /// <summary>Called before a new sequence starts (control thread); the derived class rewinds here.</summary>
    protected virtual void OnSequenceStarting()
    {
    }

    /// <summary>Called with validated new timing before it takes effect; throw to refuse it.</summary>
    protected virtual void OnTimingChanging(double exposureMs, double frameRateHz)
    {
    }

    /// <summary>True when the exposure is not a setting but always the whole frame period (a recorded stack).</summary>
    protected virtual bool ExposureFollowsFrameRate => false;

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            Disconnect();
            _sequenceStop?.Dispose();
        }
    }

    // Waits until the frame is due (paced) and, for a stalled camera, for Stop, cancellation or the
    // read timeout. False when the sequence was stopped meanwhile.
    private async ValueTask<bool> WaitForFrameAsync(FramePacer pacer, long index, bool paced, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        // Link only when the caller can cancel: an unpaced replay reads thousands of frames a second.
        CancellationTokenSource? linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop.Token) : null;
        CancellationToken token = linked?.Token ?? stop.Token;
        try
        {
            if (paced)
            {
                await pacer.WaitUntilDueAsync(index, token).ConfigureAwait(false);
            }

            if (_stalled)
            {
                TimeSpan wait = _options.ReadTimeout ?? Timeout.InfiniteTimeSpan;
                await Task.Delay(wait, _clock, token).ConfigureAwait(false);
                throw new CameraTimeoutException(Name, index, wait);
            }

            return true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            linked?.Dispose();
        }
    }

    private bool ReadInto(Frame destination, long index)
    {
        CameraRoi roi = Roi;
        if (roi.Width == Info.SensorWidthPx && roi.Height == Info.SensorHeightPx)
        {
            return ReadSensorFrame(destination, index);
        }

        _sensorScratch ??= new Frame(Info.SensorWidthPx, Info.SensorHeightPx);
        if (!ReadSensorFrame(_sensorScratch, index))
        {
            return false;
        }

        ReadOnlySpan<ushort> sensor = _sensorScratch.Span;
        Span<ushort> target = destination.Span;
        for (int row = 0; row < roi.Height; row++)
        {
            sensor.Slice(((roi.Y + row) * Info.SensorWidthPx) + roi.X, roi.Width).CopyTo(target.Slice(row * roi.Width, roi.Width));
        }

        return true;
    }

    private void RequireIdle(string operation)
    {
        if (_acquiring)
        {
            throw new InvalidOperationException($"Camera '{Name}' is acquiring; {operation} needs the sequence stopped (StopSequenceAcquisition) first.");
        }
    }

    private void CheckTiming(double exposureMs, double frameRateHz)
    {
        if (!double.IsFinite(frameRateHz) || frameRateHz <= 0 || frameRateHz > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(frameRateHz), frameRateHz, $"Camera '{Name}': frame rate {frameRateHz} Hz is outside (0, 100000] Hz.");
        }

        double periodMs = 1000 / frameRateHz;
        if (!double.IsFinite(exposureMs) || exposureMs <= 0 || exposureMs > periodMs * (1 + 1e-9))
        {
            throw new ArgumentOutOfRangeException(nameof(exposureMs), exposureMs, $"Camera '{Name}': exposure {exposureMs} ms must be in (0, {periodMs:G6}] ms, the frame period at {frameRateHz} Hz.");
        }
    }
}
