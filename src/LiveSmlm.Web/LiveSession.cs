using System.Globalization;
using System.Threading.Channels;
using LiveSmlm.Acquisition.Feedback;
using LiveSmlm.Acquisition.Pipeline;
using LiveSmlm.Acquisition.Session;
using LiveSmlm.Devices;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Devices.Simulated;
using LiveSmlm.Devices.Slm;

namespace LiveSmlm.Web;

/// <summary>How `livesmlm live` runs the rig.</summary>
public sealed record LiveSessionOptions
{
    public string Engine { get; init; } = "auto";

    public ulong Seed { get; init; } = 1;

    /// <summary>Where recordings go: one folder per run, named by its start time.</summary>
    public string RecordingRoot { get; init; } = Path.Combine(Environment.CurrentDirectory, "recordings");

    /// <summary>Whether a run records (raw.ome.tif, localization files); switched from the page while stopped.</summary>
    public bool Record { get; init; }

    /// <summary>Frames as fast as the pipeline takes them instead of at the camera's rate (the simulator only).</summary>
    public bool AsFastAsPossible { get; init; }

    /// <summary>Most localizations the live view keeps for the page and the export (56 B each): 20 M ≈ 1.1 GB.</summary>
    public long StoreCapacity { get; init; } = 20_000_000;

    /// <summary>Live drift and FRC monitors during each run (their plot and number on the page).</summary>
    public bool Monitor { get; init; } = true;

    /// <summary>How long Stop waits for the run to drain and finish (the end-of-run drift estimate included).</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>3D calibration: runs fit z with <see cref="Psf3D"/>, and the page colours by depth over its z range (render.png's).</summary>
    public Localization.PsfCalibration3D? Calibration3D { get; init; }

    public Localization.Psf3DModel Psf3D { get; init; } = Localization.Psf3DModel.Gauss3D;

    /// <summary>How often a camera frame is copied for the preview.</summary>
    public TimeSpan PreviewInterval { get; init; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>
/// The control plane of `livesmlm live`: one simulated rig for the whole session, runs started and
/// stopped from the page (each an open-ended <see cref="AcquisitionRun"/> on the one data plane), laser
/// powers, the target density and recording on/off, with every value range-checked before anything changes.
/// </summary>
/// <remarks>
/// Threads: control calls come from request threads and are serialized by one lock; the run itself is on a
/// thread of its own. Lasers are set through the running session's safety decorators (a fault switches
/// them off); while stopped the wanted powers are kept and applied when the next run is armed.
/// </remarks>
public sealed class LiveSession : IDisposable
{
    /// <summary>The target density's range, localizations per frame (the feedback profile's setpoint range).</summary>
    public const double MaxTargetLocalizationsPerFrame = 1e6;

    private readonly Lock _lock = new();
    private readonly SimulatedRig _rig;
    private readonly Dictionary<string, double> _powersMw;
    private readonly CameraPreview _preview;
    private Task? _run;
    private DeviceSession? _session;
    private CancellationTokenSource? _cancel;
    private AcquisitionStatus? _status;
    private (double Seconds, long Frames)? _lastRate;
    private double _fps;
    private string _state = "idle";
    private string? _error;
    private string? _recordingFolder;
    private long _finalDropped;
    private AcquisitionLive? _live;

    public LiveSession(HardwareProfile profile, LiveSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Profile = profile;
        Options = options ?? new LiveSessionOptions();
        Recording = Options.Record;
        _rig = new SimulatedRig(profile, Options.Seed);
        _powersMw = profile.Lasers.ToDictionary(l => l.Name, l => l.PowerMw);
        TargetLocalizationsPerFrame = profile.Feedback?.SetpointLocalizationsPerFrame ?? new FeedbackProfile().SetpointLocalizationsPerFrame;
        double pixelNm = profile.Camera.PixelSizeNm;
        FieldWidthNm = profile.Camera.WidthPx * pixelNm;
        FieldHeightNm = profile.Camera.HeightPx * pixelNm;
        View = new LiveView(FieldWidthNm * FieldHeightNm / 1e6, Options.StoreCapacity, ActivationPowerMw);
        _preview = new CameraPreview(Options.PreviewInterval);
    }

    public HardwareProfile Profile { get; }

    public LiveSessionOptions Options { get; }

    public LiveView View { get; }

    public double FieldWidthNm { get; }

    public double FieldHeightNm { get; }

    /// <summary>Whether the next run records.</summary>
    public bool Recording { get; private set; }

    /// <summary>Density the activation feedback holds, localizations per frame over the whole field (the controller's setpoint).</summary>
    public double TargetLocalizationsPerFrame { get; private set; }

    /// <summary>Who sets the 405 nm power: the person (manual, the default) or the activation controller.</summary>
    public FeedbackMode FeedbackMode { get; private set; } = FeedbackMode.Manual;

    /// <summary>The run in progress (or the last one), for tests and shutdown.</summary>
    public Task? Run
    {
        get
        {
            lock (_lock)
            {
                return _run;
            }
        }
    }

    /// <summary>The rig's phase SLM: what the /slm kiosk page shows (the session's runs drive it; it sits in the simulated pupil).</summary>
    public DisplaySlm Slm => _rig.Slm;

    /// <summary>Emitted power of the activation (405 nm) lasers, mW.</summary>
    public double ActivationPowerMw() => _rig.Lasers.Where(l => l.Role == LaserProfile.ActivationRole).Sum(l => l.EmittedPowerMw);

    /// <summary>Starts an open-ended run; 409 while one is going on.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (_run is { IsCompleted: false })
            {
                throw new ControlException(409, $"The acquisition is already {_state}; stop it first.");
            }

            View.Reset();
            _status = null;
            _lastRate = null;
            _fps = 0;
            _error = null;
            _finalDropped = 0;
            _recordingFolder = Recording ? Path.Combine(Options.RecordingRoot, DateTime.Now.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)) : null;
            _state = "starting";
            _cancel = new CancellationTokenSource();
            _live = new AcquisitionLive();
            _live.ControllerStarted += ControllerStarted;
            var request = new AcquisitionRequest
            {
                Profile = Profile,
                Rig = _rig,
                Frames = null,
                Record = Recording,
                OutDir = _recordingFolder,
                Engine = Options.Engine,
                Calibration3D = Options.Calibration3D,
                Psf3D = Options.Psf3D,
                AsFastAsPossible = Options.AsFastAsPossible,
                ExtraSinks = [new SinkChannel(new LiveViewSink(View, _preview), 4, BoundedChannelFullMode.Wait)],
                PreviewFrame = _preview.Offer,
                SessionReady = Armed,
                Feedback = true,
                SetpointLocalizationsPerFrame = TargetLocalizationsPerFrame,
                Live = _live,
                Monitor = Options.Monitor,
            };
            CancellationToken token = _cancel.Token;
            _run = Task.Factory.StartNew(() => RunAcquisition(request, token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>Stops the run cleanly (camera stops, the pipeline drains, recordings are completed); 409 when none runs.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        Task run;
        lock (_lock)
        {
            if (_run is not { IsCompleted: false } r)
            {
                throw new ControlException(409, "No acquisition is running; start one first.");
            }

            run = r;
            _state = "stopping";
        }

        // Until the camera has started there is no sequence to stop: wait for it (or for the run to end).
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!run.IsCompleted && CurrentSession() is not { State: SessionState.Acquiring } && waited.Elapsed < timeout)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }

        if (CurrentSession() is { } session)
        {
            session.Stop();
        }
        else
        {
            await (_cancel?.CancelAsync() ?? Task.CompletedTask).ConfigureAwait(false);
        }

        await run.WaitAsync(timeout).ConfigureAwait(false);
    }

    /// <summary>Sets a laser's power; refused (nothing changes) outside [0, the profile's maxPowerMw].</summary>
    public void SetLaserPower(string name, double powerMw)
    {
        LaserProfile laser = Profile.Lasers.FirstOrDefault(l => l.Name == name)
            ?? throw new ControlException($"The rig '{Profile.Name}' has no laser '{name}'; it has {string.Join(", ", Profile.Lasers.Select(l => $"'{l.Name}'"))}.");
        if (!double.IsFinite(powerMw) || powerMw < 0 || powerMw > laser.MaxPowerMw)
        {
            throw new ControlException(string.Create(
                CultureInfo.InvariantCulture,
                $"Laser '{name}': {powerMw} mW is refused; allowed [0, {laser.MaxPowerMw}] mW (maxPowerMw of profile '{Profile.Name}'). Nothing was changed."));
        }

        lock (_lock)
        {
            ActivationController? controller = _live?.Controller;
            bool steered = controller is not null && laser.Name == Profile.FeedbackLaser?.Name;
            if (steered && FeedbackMode == FeedbackMode.Automatic)
            {
                throw new ControlException(409, $"Laser '{name}' is under automatic density control; switch the feedback to manual first. Nothing was changed.");
            }

            if (steered)
            {
                controller!.SetManualPowerMw(powerMw);
            }
            else if (_session is { State: SessionState.Acquiring or SessionState.Armed } session)
            {
                // Through the safety decorator: a laser that faults is switched off and the error says so.
                session.Laser(name).SetPowerMw(powerMw);
            }

            _powersMw[name] = powerMw;
        }
    }

    /// <summary>Sets the density the activation feedback holds, localizations per frame; refused outside (0, 1e6].</summary>
    public void SetTargetDensity(double localizationsPerFrame)
    {
        if (!double.IsFinite(localizationsPerFrame) || localizationsPerFrame <= 0 || localizationsPerFrame > MaxTargetLocalizationsPerFrame)
        {
            throw new ControlException(string.Create(
                CultureInfo.InvariantCulture,
                $"Target density {localizationsPerFrame} localizations per frame is refused; allowed (0, 1e6] per frame. Nothing was changed."));
        }

        lock (_lock)
        {
            TargetLocalizationsPerFrame = localizationsPerFrame;
            if (_live?.Controller is { } controller)
            {
                controller.SetpointLocalizationsPerFrame = localizationsPerFrame;
            }
        }
    }

    /// <summary>Hands the 405 nm power to the activation controller (automatic) or to the person (manual), live and bumpless.</summary>
    public void SetFeedbackMode(FeedbackMode mode)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ControlException($"Feedback mode {mode} is not one of manual, automatic.");
        }

        lock (_lock)
        {
            FeedbackMode = mode;
            if (_live?.Controller is { } controller)
            {
                Apply(controller, mode);
            }
        }
    }

    /// <summary>Recording on or off for the next run; 409 while a run goes on (a recording has no gaps).</summary>
    public void SetRecording(bool on)
    {
        lock (_lock)
        {
            if (_run is { IsCompleted: false })
            {
                throw new ControlException(409, "Recording is switched while the acquisition is stopped (a recording has no gaps); stop it, switch, start again.");
            }

            Recording = on;
        }
    }

    /// <summary>A snapshot for /api/status and the page.</summary>
    public LiveStatus Status()
    {
        lock (_lock)
        {
            AcquisitionStatus? s = _status;
            return new LiveStatus
            {
                State = _state,
                Error = _error,
                Frames = s?.FramesAcquired ?? 0,
                FramesRecorded = s?.FramesRecorded ?? 0,
                FramesLocalized = s?.FramesLocalized ?? 0,
                Localizations = s?.Localizations ?? 0,
                FramesDropped = Math.Max(_finalDropped, s?.Dropped ?? 0),
                Fps = Math.Round(_fps, 1),
                MedianPrecisionNm = View.MedianPrecisionNm is var m && double.IsFinite(m) ? Math.Round(m, 2) : null,
                Recording = Recording,
                RecordingFolder = _recordingFolder,
                TargetLocalizationsPerFrame = TargetLocalizationsPerFrame,
                TargetDensityPerUm2 = TargetLocalizationsPerFrame / View.FieldAreaUm2,
                FeedbackMode = FeedbackMode == FeedbackMode.Automatic ? "automatic" : "manual",
                Feedback = _live?.Feedback,
                Drift = _live?.Drift is { } d && d.Trace.FrameCount > 0
                    ? new LiveDrift(d.LastFrame, d.Method.ToString().ToLowerInvariant(), Math.Round(d.Trace.XNm[^1], 2), Math.Round(d.Trace.YNm[^1], 2))
                    : null,
                ResolutionNm = _live?.Resolution is { } r && double.IsFinite(r.ResolutionNm) ? Math.Round(r.ResolutionNm, 1) : null,
                Profile = Profile.Name,
                FieldWidthNm = FieldWidthNm,
                FieldHeightNm = FieldHeightNm,
                CameraPixelNm = Profile.Camera.PixelSizeNm,
                DepthRangeNm = Options.Calibration3D is { } c ? [c.ZMinNm, c.ZMaxNm] : null,
                StoredLocalizations = View.Store.Count,
                UnstoredLocalizations = View.Unstored,
                ViewGapFrames = View.GapFrames,
                Lasers = [.. Profile.Lasers.Select(l => new LiveLaser(l.Name, l.WavelengthNm, l.Role, _powersMw[l.Name], _rig.Laser(l.Name).EmittedPowerMw, l.MaxPowerMw))],
                Clients = [.. View.Clients.Select(c => new LiveClient(c.Id, c.SentMessages, c.DroppedMessages))],
            };
        }
    }

    public void Dispose()
    {
        try
        {
            if (Run is { IsCompleted: false })
            {
                StopAsync(Options.StopTimeout).GetAwaiter().GetResult();
            }
        }
        finally
        {
            _cancel?.Dispose();
            _rig.Dispose();
        }
    }

    private static void Apply(ActivationController controller, FeedbackMode mode)
    {
        if (mode == FeedbackMode.Automatic)
        {
            controller.SwitchToAutomatic();
        }
        else
        {
            controller.SwitchToManual();
        }
    }

    /// <summary>The run made its controller (before the lasers go on): give it the page's setpoint and mode.</summary>
    private void ControllerStarted(ActivationController controller)
    {
        lock (_lock)
        {
            controller.SetpointLocalizationsPerFrame = TargetLocalizationsPerFrame;
            Apply(controller, FeedbackMode);
        }
    }

    private DeviceSession? CurrentSession()
    {
        lock (_lock)
        {
            return _session;
        }
    }

    /// <summary>The run is armed (lasers connected, emission off): apply the wanted powers, hand out the session.</summary>
    private void Armed(DeviceSession session)
    {
        lock (_lock)
        {
            foreach ((string name, double mw) in _powersMw)
            {
                session.Laser(name).SetPowerMw(mw);
            }

            _session = session;
            if (_state == "starting")
            {
                _state = "acquiring";
            }
        }
    }

    private void OnStatus(AcquisitionStatus status)
    {
        lock (_lock)
        {
            _status = status;
            if (_lastRate is { } last && status.Seconds > last.Seconds)
            {
                _fps = (status.FramesAcquired - last.Frames) / (status.Seconds - last.Seconds);
            }

            _lastRate = (status.Seconds, status.FramesAcquired);
        }
    }

    private void RunAcquisition(AcquisitionRequest request, CancellationToken cancel)
    {
        string? error = null;
        try
        {
            AcquisitionSummary summary = AcquisitionRun.Run(request, OnStatus, null, cancel);
            lock (_lock)
            {
                _finalDropped = summary.FramesDropped;
            }
        }
        catch (AcquisitionFailedException e)
        {
            error = e.Message;
            lock (_lock)
            {
                _finalDropped = e.Summary?.FramesDropped ?? 0;
            }
        }
        catch (OperationCanceledException)
        {
            error = null;
        }
#pragma warning disable CA1031 // Not swallowed: shown on the page and in /api/status as the run's error; the lasers are off (the run's session faulted).
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = $"acquisition failed: {e.Message}";
        }
        finally
        {
            lock (_lock)
            {
                _session = null;
                _error = error;
                _state = error is null ? "stopped" : "faulted";
            }
        }
    }
}
