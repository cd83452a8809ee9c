using System.Globalization;

namespace LiveSmlm.Devices.Drivers.Serial;

/// <summary>Where a serial laser is and what the rig expects of it.</summary>
public sealed record SerialLaserOptions
{
    /// <summary>"obis", "cobolt" or "ibeam".</summary>
    public required string Kind { get; init; }

    public required string Port { get; init; }

    /// <summary>The line the rig expects; a laser of another wavelength is refused on connect. Null accepts any.</summary>
    public double? ExpectedWavelengthNm { get; init; }

    /// <summary>The rig's power limit (profile maxPowerMw); the laser's own limit caps it further.</summary>
    public required double MaxPowerMw { get; init; }

    /// <summary>How long one reply may take.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How far a read-back may differ from what was set, mW (at least 0.5 % of the value is allowed as well).</summary>
    public double PowerToleranceMw { get; init; } = 0.01;
}

/// <summary>
/// A laser on a serial line (OBIS, Cobolt, iBeam smart through <see cref="SerialLaserProtocol"/>):
/// identifies it on connect and refuses the wrong device, leaves it with emission off, reads back every
/// setting, and turns a timeout, an error reply or a vanished port into a <see cref="DeviceFaultException"/>
/// naming the laser, the port, the command and the reply. Run it behind <see cref="Safety.SafeLaser"/>.
/// </summary>
/// <remarks>
/// Thread-safe: one lock per laser, so a command and its reply never interleave with another's.
/// When the port vanishes the driver still tries to send the emission-off command (it cannot arrive;
/// the attempt is in <see cref="CommandLog"/>), stays "connected" so that the safety decorator's
/// shut-off is attempted and reported as failed, and says that the laser may still emit.
/// </remarks>
public sealed class SerialLaser : ILaser
{
    private const int CommandLogCapacity = 256;

    private readonly Lock _lock = new();
    private readonly SerialLaserOptions _options;
    private readonly SerialLaserProtocol _protocol;
    private readonly Queue<string> _commandLog = new();   // bounded: the oldest entry leaves when full
    private SerialLine? _line;
    private LaserIdentity? _identity;
    private PowerLimits _limits;
    private bool _connected;

    public SerialLaser(string name, double wavelengthNm, SerialLaserOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Port);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.MaxPowerMw, 0);
        Name = name;
        WavelengthNm = wavelengthNm;
        _options = options;
        _protocol = SerialLaserProtocol.ForKind(options.Kind);
        _limits = new PowerLimits(0, options.MaxPowerMw);
    }

    public string Name { get; }

    public DeviceKind Kind => DeviceKind.Laser;

    public DeviceCapabilities Capabilities => DeviceCapabilities.SetPower | DeviceCapabilities.MeasuredPower | DeviceCapabilities.SwitchEmission;

    public double WavelengthNm { get; private set; }

    public string Port => _options.Port;

    public SerialLaserProtocol Protocol => _protocol;

    /// <summary>What the laser said on connect; null before.</summary>
    public LaserIdentity? Identity
    {
        get
        {
            lock (_lock)
            {
                return _identity;
            }
        }
    }

    public PowerLimits Limits
    {
        get
        {
            lock (_lock)
            {
                return _limits;
            }
        }
    }

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

    /// <summary>The last commands the driver sent (or tried to), oldest first, each "&gt; cmd" or "&gt; cmd (failed: …)".</summary>
    public IReadOnlyList<string> CommandLog
    {
        get
        {
            lock (_lock)
            {
                return [.. _commandLog];
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

            SerialLine line;
            try
            {
                line = SerialLine.Open(_options.Port, _protocol.BaudRate, _protocol.WriteEnding, _options.ReplyTimeout);
            }
            catch (SerialPortGoneException e)
            {
                throw Fault(nameof(Connect), e.Message, e);
            }

            try
            {
                line.DiscardInput();
                LaserIdentity id = _protocol.Identify(line);
                if (_options.ExpectedWavelengthNm is { } expected && Math.Abs(id.WavelengthNm - expected) > 2)
                {
                    throw new WrongDeviceException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"the laser on '{_options.Port}' is a {id.WavelengthNm:0.#} nm line ('{id.Model}'), but this laser is the {expected:0.#} nm line of the profile; check which port is which"));
                }

                _protocol.PrepareSafe(line);
                if (_protocol.ReadEmission(line))
                {
                    throw new DeviceReplyException(_protocol.EmissionOffCommand, "emission still on", "the laser did not switch off");
                }

                _identity = id;
                WavelengthNm = id.WavelengthNm;
                _limits = new PowerLimits(0, Math.Min(_options.MaxPowerMw, id.MaxPowerMw ?? double.PositiveInfinity));
                _line = line;
                _connected = true;
            }
            catch (Exception e) when (e is WrongDeviceException or DeviceReplyException or SerialTimeoutException or SerialPortGoneException)
            {
                line.Dispose();
                throw Fault(nameof(Connect), e is WrongDeviceException ? $"refused: {e.Message}" : e.Message, e);
            }
        }
    }

    /// <summary>Switches emission off (when the port still answers) and releases the port. Never throws.</summary>
    public void Disconnect()
    {
        lock (_lock)
        {
            if (_line is { } line)
            {
                if (!line.IsGone)
                {
                    try
                    {
                        Send(line, l => _protocol.SetEmission(l, false), _protocol.EmissionOffCommand);
                    }
#pragma warning disable CA1031 // Disconnect never throws; the safety decorator switched off (and reported) before.
                    catch (Exception)
#pragma warning restore CA1031
                    {
                    }
                }

                line.Dispose();
            }

            _line = null;
            _connected = false;
        }
    }

    /// <summary>Releases the port without switching emission off (a manual `device laser --on`); the caller says so loudly.</summary>
    public void DisconnectLeavingEmission()
    {
        lock (_lock)
        {
            _line?.Dispose();
            _line = null;
            _connected = false;
        }
    }

    public void SetPowerMw(double powerMw)
    {
        if (!Limits.Contains(powerMw))
        {
            throw new ArgumentOutOfRangeException(
                nameof(powerMw), powerMw, $"Laser '{Name}': {powerMw} mW is outside its limits [{Limits.MinMw}, {Limits.MaxMw}] mW.");
        }

        Run(nameof(SetPowerMw), line =>
        {
            Send(line, l => _protocol.SetPowerMw(l, powerMw), "set power");
            double readBack = _protocol.ReadSetPowerMw(line);
            if (Math.Abs(readBack - powerMw) > Math.Max(_options.PowerToleranceMw, 0.005 * powerMw))
            {
                throw new DeviceReplyException("set power", string.Create(CultureInfo.InvariantCulture, $"{readBack:0.###} mW"), string.Create(CultureInfo.InvariantCulture, $"it was set to {powerMw:0.###} mW but reads back {readBack:0.###} mW"));
            }

            return 0;
        });
    }

    public void SetEmission(bool on) => Run(nameof(SetEmission), line =>
    {
        Send(line, l => _protocol.SetEmission(l, on), on ? "emission on" : _protocol.EmissionOffCommand);
        if (_protocol.ReadEmission(line) != on)
        {
            throw new DeviceReplyException(on ? "emission on" : _protocol.EmissionOffCommand, on ? "emission off" : "emission on", $"the laser did not switch {(on ? "on" : "off")} (interlock or key?)");
        }

        return 0;
    });

    public LaserState ReadState() => Run(nameof(ReadState), line =>
    {
        bool on = _protocol.ReadEmission(line);
        double set = _protocol.ReadSetPowerMw(line);
        double measured = _protocol.ReadMeasuredPowerMw(line);
        return new LaserState(set, measured, on);
    });

    public void Dispose() => Disconnect();

    private T Run<T>(string operation, Func<SerialLine, T> call)
    {
        lock (_lock)
        {
            if (!_connected || _line is null)
            {
                throw new InvalidOperationException($"Laser '{Name}' is not connected; call Connect before {operation}.");
            }

            SerialLine line = _line;
            try
            {
                return call(line);
            }
            catch (SerialPortGoneException e)
            {
                // Last resort: try the off command even though the port is gone, so it is at least attempted.
                string off = _protocol.EmissionOffCommand;
                bool sent = TrySendRaw(line, off);
                throw Fault(
                    operation,
                    $"{e.Message} Emission off ('{off}') was commanded {(sent ? "and written" : "but could not be written")}; the laser may still emit: switch it off at its key or interlock.",
                    e);
            }
            catch (Exception e) when (e is DeviceReplyException or SerialTimeoutException)
            {
                throw Fault(operation, e.Message, e);
            }
        }
    }

    private void Send(SerialLine line, Action<SerialLine> command, string what)
    {
        try
        {
            command(line);
            Log($"> {what}");
        }
        catch (Exception e)
        {
            Log($"> {what} (failed: {e.Message})");
            throw;
        }
    }

    private bool TrySendRaw(SerialLine line, string command)
    {
        try
        {
            line.WriteLineEvenIfGone(command);
            Log($"> {command}");
            return true;
        }
#pragma warning disable CA1031 // A last-resort write on a vanished port: its failure is logged and reported in the fault.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log($"> {command} (failed: {e.Message})");
            return false;
        }
    }

    private void Log(string entry)
    {
        if (_commandLog.Count == CommandLogCapacity)
        {
            _commandLog.Dequeue();
        }

        _commandLog.Enqueue(entry);
    }

    private DeviceFaultException Fault(string operation, string reason, Exception inner) =>
        new(Name, operation, $"{_protocol.Family} on '{_options.Port}': {reason}", inner);
}
