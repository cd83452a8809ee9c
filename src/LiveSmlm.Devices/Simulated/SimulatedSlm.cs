namespace LiveSmlm.Devices.Simulated;

/// <summary>
/// A simulated phase SLM: keeps the last pattern shown so that tests and the live view can read it
/// back. Faults can be injected.
/// </summary>
/// <remarks>Thread-safe (one lock); the contract still asks for the control thread only.</remarks>
public sealed class SimulatedSlm : ISlm, IFaultInjectable
{
    private readonly Lock _lock = new();
    private readonly FaultInjector _faults;
    private readonly byte[] _phase;
    private bool _connected;
    private long _patternsShown;

    public SimulatedSlm(string name, int widthPx, int heightPx)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(widthPx, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heightPx, 1);
        Name = name;
        WidthPx = widthPx;
        HeightPx = heightPx;
        _phase = new byte[widthPx * heightPx];
        _faults = new FaultInjector(name);
    }

    public string Name { get; }

    public DeviceKind Kind => DeviceKind.Slm;

    public DeviceCapabilities Capabilities => DeviceCapabilities.ShowPhase;

    public int WidthPx { get; }

    public int HeightPx { get; }

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

    public long PatternsShown => Interlocked.Read(ref _patternsShown);

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
            _connected = false;
        }
    }

    public void ShowPhase(ReadOnlySpan<byte> phase)
    {
        lock (_lock)
        {
            if (!_connected)
            {
                throw new InvalidOperationException($"SLM '{Name}' is not connected; call Connect before ShowPhase.");
            }

            if (phase.Length != _phase.Length)
            {
                throw new ArgumentException(
                    $"SLM '{Name}' is {WidthPx}×{HeightPx} = {_phase.Length} pixels; the phase image has {phase.Length}.", nameof(phase));
            }

            _faults.ThrowIfFaulted(nameof(ShowPhase));
            phase.CopyTo(_phase);
            _patternsShown++;
        }
    }

    /// <summary>A copy of the pattern on the panel.</summary>
    public byte[] CurrentPhase()
    {
        lock (_lock)
        {
            return (byte[])_phase.Clone();
        }
    }

    public void InjectFault(string reason, bool persistent = false) => _faults.Inject(reason, persistent);

    public void ClearFault() => _faults.Clear();

    public void Dispose() => Disconnect();
}
