namespace LiveSmlm.Devices.Simulated;

/// <summary>A simulated device that can be told to fail, so that tests and rehearsals see real fault paths.</summary>
public interface IFaultInjectable
{
    /// <summary>
    /// Makes the next call (any operation except Disconnect) throw <see cref="DeviceFaultException"/>
    /// naming the device and <paramref name="reason"/>. A one-shot fault is used up by that call; a
    /// persistent one repeats on every call until <see cref="ClearFault"/>. Any thread.
    /// </summary>
    void InjectFault(string reason, bool persistent = false);

    void ClearFault();
}

/// <summary>The pending fault of one simulated device; thread-safe.</summary>
internal sealed class FaultInjector
{
    private readonly string _deviceName;
    private readonly Lock _lock = new();
    private string? _reason;   // Invariant: null when no fault is pending.
    private bool _persistent;

    public FaultInjector(string deviceName) => _deviceName = deviceName;

    public void Inject(string reason, bool persistent)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        lock (_lock)
        {
            _reason = reason;
            _persistent = persistent;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _reason = null;
        }
    }

    /// <summary>Throws the pending fault for <paramref name="operation"/>, using it up unless persistent.</summary>
    public void ThrowIfFaulted(string operation)
    {
        string? reason;
        lock (_lock)
        {
            reason = _reason;
            if (!_persistent)
            {
                _reason = null;
            }
        }

        if (reason is not null)
        {
            throw new DeviceFaultException(_deviceName, operation, $"injected fault: {reason}");
        }
    }
}
