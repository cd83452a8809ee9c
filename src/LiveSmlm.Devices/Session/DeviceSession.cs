using LiveSmlm.Devices.Safety;

namespace LiveSmlm.Devices;

/// <summary>Where a <see cref="DeviceSession"/> is in connect → arm → acquire → stop → disconnect.</summary>
public enum SessionState
{
    Disconnected,
    Connected,
    Armed,
    Acquiring,
    Stopped,

    /// <summary>A device or the pipeline failed; the lasers were switched off. Only Disconnect (or Stop, a no-op) is allowed.</summary>
    Faulted,
}

/// <summary>
/// The lifecycle of one rig's devices (storm-control's HAL sequence): connect → arm → acquire → stop →
/// disconnect, with stop → arm → acquire again allowed. Out-of-order calls throw <see cref="SessionStateException"/>.
/// Every laser is held behind a <see cref="SafeLaser"/>; Stop, Fault and Disconnect switch them all off.
/// </summary>
/// <remarks>
/// <para>Transitions:</para>
/// <list type="table">
/// <item><term>Connect</term><description>Disconnected → Connected: connects camera, lasers, SLM, trigger (each left safe: emission off, not acquiring). If one fails, those already connected are disconnected and the session stays Disconnected.</description></item>
/// <item><term>Arm</term><description>Connected | Stopped → Armed: checks the sequence against the camera, emission off, chooses the lasers to switch on.</description></item>
/// <item><term>Acquire</term><description>Armed → Acquiring: switches the chosen lasers' emission on, then starts the camera's sequence. A failure faults the session.</description></item>
/// <item><term>Stop</term><description>Armed | Acquiring → Stopped: stops the camera, switches every laser off. A no-op when Stopped or Faulted.</description></item>
/// <item><term>Fault</term><description>any connected state → Faulted: as Stop, for an error; the error is kept in <see cref="FaultReason"/>.</description></item>
/// <item><term>Disconnect</term><description>Connected | Armed | Stopped | Faulted → Disconnected (lasers off first). A no-op when Disconnected; refused while Acquiring (Stop first).</description></item>
/// </list>
/// <para>Threads: the control thread drives it; <see cref="Fault"/> and <see cref="Stop"/> may also come from the
/// pipeline or a signal handler. Transitions are serialized by one lock; frames are read from <see cref="Camera"/>
/// by the pipeline, never through the session.</para>
/// <para>The session does not own the drivers: it connects and disconnects them; their owner (a rig) disposes them.</para>
/// </remarks>
public sealed class DeviceSession : IDisposable
{
    private readonly Lock _lock = new();
    private readonly SafeLaser[] _lasers;
    private readonly SafeLaser[] _wrappedHere;   // the decorators this session made; they leave the registry on Dispose
    private SequenceOptions? _sequence;
    private SafeLaser[] _lasersOn = [];
    private SessionState _state = SessionState.Disconnected;
    private Exception? _faultReason;
    private bool _disposed;

    /// <param name="camera">The camera; the session connects it.</param>
    /// <param name="lasers">Each laser is wrapped in a <see cref="SafeLaser"/> joined to <paramref name="safetyRegistry"/> (one that already is a SafeLaser is kept as it is).</param>
    /// <param name="slm">An optional SLM.</param>
    /// <param name="trigger">An optional trigger box.</param>
    /// <param name="safetyRegistry">Where the lasers join for Ctrl-C / SIGTERM / exit; the process-wide registry when null.</param>
    public DeviceSession(ICamera camera, IEnumerable<ILaser> lasers, ISlm? slm = null, ITrigger? trigger = null, LaserSafetyRegistry? safetyRegistry = null)
    {
        ArgumentNullException.ThrowIfNull(camera);
        ArgumentNullException.ThrowIfNull(lasers);
        Camera = camera;
        Slm = slm;
        Trigger = trigger;
        ILaser[] given = [.. lasers];
        var duplicate = given.GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two lasers are named '{duplicate.Key}'; laser names must be unique in a session.", nameof(lasers));
        }

        // A laser already behind a SafeLaser (in its own registry) is used as it is; the others get one here.
        LaserSafetyRegistry registry = safetyRegistry ?? LaserSafetyRegistry.Process;
        _lasers = [.. given.Select(l => l as SafeLaser ?? new SafeLaser(l, registry))];
        _wrappedHere = [.. _lasers.Where(l => !given.Contains(l))];
    }

    public ICamera Camera { get; }

    /// <summary>The lasers, each behind its safety decorator; control them through these.</summary>
    public IReadOnlyList<SafeLaser> Lasers => _lasers;

    public ISlm? Slm { get; }

    public ITrigger? Trigger { get; }

    public SessionState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>What faulted the session; null unless <see cref="State"/> is Faulted.</summary>
    public Exception? FaultReason
    {
        get
        {
            lock (_lock)
            {
                return _faultReason;
            }
        }
    }

    /// <summary>The sequence Arm was given.</summary>
    public SequenceOptions? Sequence
    {
        get
        {
            lock (_lock)
            {
                return _sequence;
            }
        }
    }

    /// <summary>The laser with this name; <see cref="KeyNotFoundException"/> listing the names otherwise.</summary>
    public SafeLaser Laser(string name) =>
        _lasers.FirstOrDefault(l => l.Name == name)
        ?? throw new KeyNotFoundException($"The session has no laser '{name}'; it has {string.Join(", ", _lasers.Select(l => $"'{l.Name}'"))}.");

    public void Connect()
    {
        lock (_lock)
        {
            Require(nameof(Connect), SessionState.Disconnected);
            var connected = new List<IDevice>();
            try
            {
                foreach (IDevice device in Devices())
                {
                    device.Connect();
                    connected.Add(device);
                }
            }
            catch
            {
                foreach (IDevice device in connected)
                {
                    device.Disconnect();
                }

                throw;
            }

            _state = SessionState.Connected;
            _faultReason = null;
        }
    }

    /// <summary>
    /// Arms a sequence: emission off on every laser, the sequence checked against the camera.
    /// <paramref name="lasersOn"/> names the lasers Acquire switches on (all when null). A laser that
    /// faults here faults the session.
    /// </summary>
    public void Arm(SequenceOptions sequence, IEnumerable<string>? lasersOn = null)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        lock (_lock)
        {
            Require(nameof(Arm), SessionState.Connected, SessionState.Stopped);
            sequence.Validate();
            if (sequence.Pacing == FramePacing.AsFastAsPossible)
            {
                Camera.Require(DeviceCapabilities.UnpacedAcquisition, "acquire as fast as possible");
            }

            SafeLaser[] on = lasersOn is null ? _lasers : [.. lasersOn.Select(Laser)];
            try
            {
                foreach (SafeLaser laser in _lasers)
                {
                    laser.SetEmission(false);
                }
            }
            catch (Exception e)
            {
                FaultLocked(e);
                throw;
            }

            _sequence = sequence;
            _lasersOn = on;
            _state = SessionState.Armed;
        }
    }

    public void Acquire()
    {
        lock (_lock)
        {
            Require(nameof(Acquire), SessionState.Armed);
            try
            {
                foreach (SafeLaser laser in _lasersOn)
                {
                    laser.SetEmission(true);
                }

                Camera.StartSequenceAcquisition(_sequence!);
            }
            catch (Exception e)
            {
                FaultLocked(e);
                throw;
            }

            _state = SessionState.Acquiring;
        }
    }

    /// <summary>
    /// Stops the camera and switches every laser off. Throws <see cref="DeviceFaultException"/> (and
    /// faults the session) when a laser did not acknowledge emission off.
    /// </summary>
    public void Stop()
    {
        lock (_lock)
        {
            if (_state is SessionState.Stopped or SessionState.Faulted)
            {
                return;
            }

            Require(nameof(Stop), SessionState.Armed, SessionState.Acquiring);
            Camera.StopSequenceAcquisition();
            SafetyShutOff[] failed = ShutOffAll(SafetyTrigger.SessionStop);
            if (failed.Length > 0)
            {
                var error = new DeviceFaultException(
                    failed[0].LaserName,
                    nameof(Stop),
                    $"{failed.Length} laser(s) did not switch off: {string.Join("; ", failed.Select(x => $"'{x.LaserName}': {x.Error!.Message}"))}. Switch them off by hand.",
                    new AggregateException(failed.Select(x => x.Error!)));
                FaultLocked(error);
                throw error;
            }

            _state = SessionState.Stopped;
        }
    }

    /// <summary>
    /// Faults the session for <paramref name="reason"/>: stops the camera, switches every laser off
    /// and keeps the reason. Never throws; returns the shut-offs that failed (empty when all went dark).
    /// Any thread. Does nothing when Disconnected.
    /// </summary>
    public IReadOnlyList<SafetyShutOff> Fault(Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        lock (_lock)
        {
            return _state == SessionState.Disconnected ? [] : FaultLocked(reason);
        }
    }

    public void Disconnect()
    {
        lock (_lock)
        {
            if (_state == SessionState.Disconnected)
            {
                return;
            }

            Require(nameof(Disconnect), SessionState.Connected, SessionState.Armed, SessionState.Stopped, SessionState.Faulted);
            DisconnectLocked();
        }
    }

    /// <summary>
    /// Stops (if acquiring), switches lasers off, disconnects and leaves the safety registry; never needs a
    /// prior Stop. A laser that did not switch off is still reported, by the exception of Disconnect.
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_state == SessionState.Acquiring)
            {
                Camera.StopSequenceAcquisition();
                ShutOffAll(SafetyTrigger.SessionStop);
            }

            try
            {
                if (_state != SessionState.Disconnected)
                {
                    DisconnectLocked();
                }
            }
            finally
            {
                foreach (SafeLaser laser in _wrappedHere)
                {
                    laser.LeaveRegistry();
                }
            }
        }
    }

    private IReadOnlyList<SafetyShutOff> FaultLocked(Exception reason)
    {
        Camera.StopSequenceAcquisition();
        SafetyShutOff[] failed = ShutOffAll(SafetyTrigger.SessionFault);
        _faultReason = reason;
        _state = SessionState.Faulted;
        return failed;
    }

    // Every device is disconnected even when one fails; the failures are thrown together at the end.
    private void DisconnectLocked()
    {
        var errors = new List<Exception>();

        // Lasers first: light off before anything else lets go.
        IEnumerable<IDevice> order = _lasers.Cast<IDevice>().Append(Camera);
        if (Slm is not null)
        {
            order = order.Append(Slm);
        }

        if (Trigger is not null)
        {
            order = order.Append(Trigger);
        }

        foreach (IDevice device in order)
        {
            try
            {
                device.Disconnect();
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }

        _state = SessionState.Disconnected;
        if (errors.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(errors[0]);
        }

        if (errors.Count > 1)
        {
            throw new AggregateException($"{errors.Count} devices failed to disconnect cleanly: {string.Join("; ", errors.Select(e => e.Message))}", errors);
        }
    }

    private SafetyShutOff[] ShutOffAll(SafetyTrigger trigger) =>
        _lasers.Select(l => l.ShutOff(trigger)).Where(s => !s.Succeeded).ToArray();

    private IEnumerable<IDevice> Devices()
    {
        yield return Camera;
        foreach (SafeLaser laser in _lasers)
        {
            yield return laser;
        }

        if (Slm is not null)
        {
            yield return Slm;
        }

        if (Trigger is not null)
        {
            yield return Trigger;
        }
    }

    private void Require(string operation, params SessionState[] allowed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!allowed.Contains(_state))
        {
            throw new SessionStateException(operation, _state, allowed);
        }
    }
}

/// <summary>A session call out of order: names the call, the state it found and the states it needs.</summary>
public sealed class SessionStateException : InvalidOperationException
{
    public SessionStateException()
    {
    }

    public SessionStateException(string message)
        : base(message)
    {
    }

    public SessionStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SessionStateException(string operation, SessionState state, IReadOnlyList<SessionState> allowed)
        : base($"Cannot {operation}: the session is {state}; {operation} needs {string.Join(" or ", allowed)}{Hint(operation, state)}.")
    {
        Operation = operation;
        State = state;
        Allowed = allowed;
    }

    public string? Operation { get; }

    public SessionState State { get; }

    public IReadOnlyList<SessionState> Allowed { get; } = [];

    private static string Hint(string operation, SessionState state) => (operation, state) switch
    {
        (_, SessionState.Disconnected) => " (call Connect first)",
        (_, SessionState.Faulted) => " (the session faulted: Disconnect, then Connect again)",
        (_, SessionState.Acquiring) => " (call Stop first)",
        ("Connect", _) => " (it is already connected)",
        ("Acquire", _) => " (call Arm first)",
        _ => string.Empty,
    };
}
