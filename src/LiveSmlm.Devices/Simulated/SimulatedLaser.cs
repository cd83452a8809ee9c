namespace LiveSmlm.Devices.Simulated;

/// <summary>
/// A simulated laser line of a <see cref="SimulatedRig"/>: its emitted power goes straight into the
/// rig's sample. Answers like a real laser, faults included (<see cref="IFaultInjectable"/>).
/// </summary>
/// <remarks>Thread-safe: every member takes one lock, as a driver serializes its serial port.</remarks>
public sealed class SimulatedLaser : ILaser, IFaultInjectable
{
    private readonly Lock _lock = new();
    private readonly FaultInjector _faults;
    private readonly Action _powerChanged;
    private double _setPowerMw;
    private bool _emissionOn;
    private bool _connected;

    internal SimulatedLaser(string name, double wavelengthNm, string role, PowerLimits limits, double initialPowerMw, Action powerChanged)
    {
        Name = name;
        WavelengthNm = wavelengthNm;
        Role = role;
        Limits = limits;
        _setPowerMw = initialPowerMw;
        _powerChanged = powerChanged;
        _faults = new FaultInjector(name);
    }

    public string Name { get; }

    public DeviceKind Kind => DeviceKind.Laser;

    public DeviceCapabilities Capabilities =>
        DeviceCapabilities.SetPower | DeviceCapabilities.MeasuredPower | DeviceCapabilities.SwitchEmission;

    public double WavelengthNm { get; }

    /// <summary>The profile's role: "activation" or "excitation".</summary>
    public string Role { get; }

    public PowerLimits Limits { get; }

    public bool IsConnected
    {
        get
        {
            lock (_lock)
            {
                return _connected;
            }
        }
    }

    /// <summary>The power that reaches the sample now (0 with emission off), without any fault check: the simulation's truth.</summary>
    public double EmittedPowerMw
    {
        get
        {
            lock (_lock)
            {
                return _emissionOn ? _setPowerMw : 0;
            }
        }
    }

    public void Connect()
    {
        lock (_lock)
        {
            if (_connected)
            {
                return;
            }

            _faults.ThrowIfFaulted(nameof(Connect));
            _connected = true;
            _emissionOn = false;
        }

        _powerChanged();
    }

    /// <summary>Switches emission off and disconnects; never throws, even with a fault injected.</summary>
    public void Disconnect()
    {
        lock (_lock)
        {
            _emissionOn = false;
            _connected = false;
        }

        _powerChanged();
    }

    public void SetPowerMw(double powerMw)
    {
        lock (_lock)
        {
            RequireConnected(nameof(SetPowerMw));
            _faults.ThrowIfFaulted(nameof(SetPowerMw));
            if (!Limits.Contains(powerMw))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(powerMw), powerMw, $"Laser '{Name}': {powerMw} mW is outside its limits [{Limits.MinMw}, {Limits.MaxMw}] mW.");
            }

            _setPowerMw = powerMw;
        }

        _powerChanged();
    }

    public void SetEmission(bool on)
    {
        lock (_lock)
        {
            RequireConnected(nameof(SetEmission));
            _faults.ThrowIfFaulted(nameof(SetEmission));
            _emissionOn = on;
        }

        _powerChanged();
    }

    public LaserState ReadState()
    {
        lock (_lock)
        {
            RequireConnected(nameof(ReadState));
            _faults.ThrowIfFaulted(nameof(ReadState));
            return new LaserState(_setPowerMw, _emissionOn ? _setPowerMw : 0, _emissionOn);
        }
    }

    public void InjectFault(string reason, bool persistent = false) => _faults.Inject(reason, persistent);

    public void ClearFault() => _faults.Clear();

    public void Dispose() => Disconnect();

    private void RequireConnected(string operation)
    {
        if (!_connected)
        {
            throw new InvalidOperationException($"Laser '{Name}' is not connected; call Connect before {operation}.");
        }
    }
}
