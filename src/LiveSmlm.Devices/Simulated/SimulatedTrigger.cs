namespace LiveSmlm.Devices.Simulated;

/// <summary>
/// A simulated trigger box: analog channels in one voltage range and digital lines, holding what was
/// set. Disconnect sets every output to 0 V / low, as the contract asks. Faults can be injected.
/// </summary>
/// <remarks>Thread-safe (one lock).</remarks>
public sealed class SimulatedTrigger : ITrigger, IFaultInjectable
{
    private readonly Lock _lock = new();
    private readonly FaultInjector _faults;
    private readonly VoltageRange _range;
    private readonly double[] _volts;
    private readonly bool[] _lines;
    private bool _connected;

    public SimulatedTrigger(string name, int analogChannels, VoltageRange range, int digitalLines)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(analogChannels);
        ArgumentOutOfRangeException.ThrowIfNegative(digitalLines);
        Name = name;
        _range = range;
        _volts = new double[analogChannels];
        _lines = new bool[digitalLines];
        _faults = new FaultInjector(name);
    }

    public string Name { get; }

    public DeviceKind Kind => DeviceKind.Trigger;

    public DeviceCapabilities Capabilities => DeviceCapabilities.AnalogOutput | DeviceCapabilities.DigitalOutput;

    public int AnalogChannelCount => _volts.Length;

    public int DigitalLineCount => _lines.Length;

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

    public void Connect()
    {
        lock (_lock)
        {
            if (!_connected)
            {
                _faults.ThrowIfFaulted(nameof(Connect));
                _connected = true;
            }
        }
    }

    public void Disconnect()
    {
        lock (_lock)
        {
            Array.Clear(_volts);
            Array.Clear(_lines);
            _connected = false;
        }
    }

    public VoltageRange AnalogRange(int channel)
    {
        CheckChannel(channel);
        return _range;
    }

    public void SetAnalogVolts(int channel, double volts)
    {
        lock (_lock)
        {
            RequireConnected(nameof(SetAnalogVolts));
            CheckChannel(channel);
            if (!_range.Contains(volts))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(volts), volts, $"Trigger '{Name}' analog channel {channel}: {volts} V is outside [{_range.MinVolts}, {_range.MaxVolts}] V.");
            }

            _faults.ThrowIfFaulted(nameof(SetAnalogVolts));
            _volts[channel] = volts;
        }
    }

    public double GetAnalogVolts(int channel)
    {
        lock (_lock)
        {
            RequireConnected(nameof(GetAnalogVolts));
            CheckChannel(channel);
            _faults.ThrowIfFaulted(nameof(GetAnalogVolts));
            return _volts[channel];
        }
    }

    public void SetDigitalLine(int line, bool high)
    {
        lock (_lock)
        {
            RequireConnected(nameof(SetDigitalLine));
            CheckLine(line);
            _faults.ThrowIfFaulted(nameof(SetDigitalLine));
            _lines[line] = high;
        }
    }

    public bool GetDigitalLine(int line)
    {
        lock (_lock)
        {
            RequireConnected(nameof(GetDigitalLine));
            CheckLine(line);
            _faults.ThrowIfFaulted(nameof(GetDigitalLine));
            return _lines[line];
        }
    }

    public void InjectFault(string reason, bool persistent = false) => _faults.Inject(reason, persistent);

    public void ClearFault() => _faults.Clear();

    public void Dispose() => Disconnect();

    private void RequireConnected(string operation)
    {
        if (!_connected)
        {
            throw new InvalidOperationException($"Trigger '{Name}' is not connected; call Connect before {operation}.");
        }
    }

    private void CheckChannel(int channel)
    {
        if ((uint)channel >= (uint)_volts.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, $"Trigger '{Name}' has analog channels 0 … {_volts.Length - 1}.");
        }
    }

    private void CheckLine(int line)
    {
        if ((uint)line >= (uint)_lines.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(line), line, $"Trigger '{Name}' has digital lines 0 … {_lines.Length - 1}.");
        }
    }
}
