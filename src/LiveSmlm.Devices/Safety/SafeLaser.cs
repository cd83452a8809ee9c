namespace LiveSmlm.Devices.Safety;

/// <summary>
/// The safety decorator every laser runs behind: any exception from the wrapped laser switches its
/// emission off before the exception goes on, and the session, Ctrl-C, SIGTERM and process exit
/// switch it off through <see cref="ShutOff"/>.
/// </summary>
/// <remarks>
/// Thread-safe when the wrapped laser is (the ILaser contract). A failed shut-off is never hidden: the
/// caller's exception then carries both errors, <see cref="ShutOff"/> returns a record with Succeeded
/// false, and <see cref="LastShutOff"/> keeps it for the acquisition summary.
/// The decorator joins <paramref name="registry"/> (the process-wide one by default) on creation and
/// leaves it on Dispose.
/// </remarks>
public sealed class SafeLaser : ILaser
{
    private readonly ILaser _inner;
    private readonly LaserSafetyRegistry? _registry;
    private SafetyShutOff? _lastShutOff;
    private bool _disposed;

    public SafeLaser(ILaser inner, LaserSafetyRegistry? registry)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (inner is SafeLaser)
        {
            throw new ArgumentException($"Laser '{inner.Name}' is already behind a SafeLaser; wrap the driver once.", nameof(inner));
        }

        _inner = inner;
        _registry = registry;
        _registry?.Join(this);
    }

    /// <summary>The driver behind the decorator (for tests and simulated fault injection).</summary>
    public ILaser Inner => _inner;

    public string Name => _inner.Name;

    public DeviceKind Kind => DeviceKind.Laser;

    public DeviceCapabilities Capabilities => _inner.Capabilities;

    public bool IsConnected => _inner.IsConnected;

    public double WavelengthNm => _inner.WavelengthNm;

    public PowerLimits Limits => _inner.Limits;

    /// <summary>The last shut-off, or null if there was none.</summary>
    public SafetyShutOff? LastShutOff => Volatile.Read(ref _lastShutOff);

    public void Connect() => Guard(_inner.Connect);

    /// <summary>
    /// Switches emission off, then disconnects the laser. When the laser did not acknowledge emission off
    /// it is still disconnected, and then <see cref="DeviceFaultException"/> says so.
    /// </summary>
    public void Disconnect()
    {
        SafetyShutOff? off = _inner.IsConnected ? ShutOff(SafetyTrigger.Disconnect) : null;
        _inner.Disconnect();
        if (off is { Succeeded: false })
        {
            throw new DeviceFaultException(
                Name, nameof(Disconnect), $"emission could NOT be switched off before disconnecting: {off.Error!.Message}. Switch the laser off by hand.", off.Error);
        }
    }

    public void SetPowerMw(double powerMw)
    {
        // An out-of-range request is refused before it reaches the laser; it changes nothing, so it is
        // the caller's error, not a laser fault.
        if (!_inner.Limits.Contains(powerMw))
        {
            throw new ArgumentOutOfRangeException(
                nameof(powerMw), powerMw, $"Laser '{Name}': {powerMw} mW is outside its limits [{Limits.MinMw}, {Limits.MaxMw}] mW.");
        }

        Guard(() => _inner.SetPowerMw(powerMw));
    }

    public void SetEmission(bool on) => Guard(() => _inner.SetEmission(on));

    public LaserState ReadState()
    {
        LaserState state = default;
        Guard(() => state = _inner.ReadState());
        return state;
    }

    /// <summary>
    /// Switches emission off now, for <paramref name="trigger"/>; never throws (a failure is recorded and
    /// returned). Any thread; safe to call on a laser that is off or disconnected (it then does nothing).
    /// </summary>
    public SafetyShutOff ShutOff(SafetyTrigger trigger)
    {
        SafetyShutOff result;
        if (!_inner.IsConnected)
        {
            result = new SafetyShutOff(Name, trigger, true, null);
        }
        else
        {
            try
            {
                _inner.SetEmission(false);
                result = new SafetyShutOff(Name, trigger, true, null);
            }
#pragma warning disable CA1031 // A shut-off must report, not throw: it runs in exit and signal handlers.
            catch (Exception e)
#pragma warning restore CA1031
            {
                result = new SafetyShutOff(Name, trigger, false, e);
            }
        }

        Volatile.Write(ref _lastShutOff, result);
        return result;
    }

    /// <summary>Leaves the safety registry (the hooks no longer reach this laser); the owner disconnects it.</summary>
    public void LeaveRegistry() => _registry?.Leave(this);

    /// <summary>Switches off, disconnects, disposes the driver and leaves the registry.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            Disconnect();
            _inner.Dispose();
        }
        finally
        {
            _registry?.Leave(this);
        }
    }

    private void Guard(Action call)
    {
        try
        {
            call();
        }
        catch (Exception original)
        {
            SafetyShutOff off = ShutOff(SafetyTrigger.LaserException);
            if (off.Succeeded)
            {
                throw;
            }

            throw new DeviceFaultException(
                Name,
                "safety shut-off",
                $"emission could NOT be switched off after an error ({original.Message}); switching off failed with: {off.Error!.Message}. Switch the laser off by hand.",
                new AggregateException(original, off.Error));
        }
    }
}
