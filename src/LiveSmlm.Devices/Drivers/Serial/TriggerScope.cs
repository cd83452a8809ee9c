using System.Globalization;

namespace LiveSmlm.Devices.Drivers.Serial;

/// <summary>
/// An ARC TriggerScope (Micro-Manager firmware) as an <see cref="ITrigger"/>: 16 analog outputs (16-bit
/// DACs, 0–10 V) for analog laser modulation, 16 TTL lines in two groups of 8 for gating and activation
/// pulses. 115200 baud, commands ended by LF; "*" identifies it, "SAO&lt;dac&gt;-&lt;counts&gt;" sets a DAC,
/// "SDO&lt;group&gt;-&lt;byte&gt;" sets a group of TTL lines; the box acknowledges each with "!" and the command.
/// </summary>
/// <remarks>
/// Threads: any (one lock). Connect and Disconnect set every output to 0 V / low. The acknowledgement is
/// the read-back: a reply that is not exactly "!" + the command is a fault naming command and reply.
/// A vanished port is a <see cref="DeviceFaultException"/> saying that the outputs hold their last value.
/// </remarks>
public sealed class TriggerScope : ITrigger
{
    public const int DacCount = 16;
    public const int TtlLines = 16;
    public const int FullScaleCounts = 65535;

    private const int LinesPerGroup = 8;
    private static readonly VoltageRange Range = new(0, 10);

    private readonly Lock _lock = new();
    private readonly string _port;
    private readonly TimeSpan _timeout;
    private readonly double[] _volts = new double[DacCount];
    private readonly byte[] _groups = new byte[TtlLines / LinesPerGroup];
    private SerialLine? _line;

    public TriggerScope(string name, string port, TimeSpan? replyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(port);
        Name = name;
        _port = port;
        _timeout = replyTimeout ?? TimeSpan.FromMilliseconds(500);
    }

    public string Name { get; }

    public DeviceKind Kind => DeviceKind.Trigger;

    public DeviceCapabilities Capabilities => DeviceCapabilities.AnalogOutput | DeviceCapabilities.DigitalOutput;

    public int AnalogChannelCount => DacCount;

    public int DigitalLineCount => TtlLines;

    /// <summary>What "*" answered; null before Connect.</summary>
    public string? Identity { get; private set; }

    public bool IsConnected
    {
        get
        {
            lock (_lock)
            {
                return _line is not null;
            }
        }
    }

    /// <summary>DAC counts for a voltage on the 0–10 V range.</summary>
    public static int Counts(double volts) => (int)Math.Round(volts / Range.MaxVolts * FullScaleCounts);

    public VoltageRange AnalogRange(int channel)
    {
        RequireChannel(channel);
        return Range;
    }

    public void Connect()
    {
        lock (_lock)
        {
            if (_line is not null)
            {
                return;
            }

            SerialLine line;
            try
            {
                line = SerialLine.Open(_port, 115200, "\n", _timeout);
            }
            catch (SerialPortGoneException e)
            {
                throw new DeviceFaultException(Name, nameof(Connect), e.Message, e);
            }

            try
            {
                line.DiscardInput();
                line.WriteLine("*");
                string id = line.ReadLine("*");
                if (!id.Contains("TRIGGERSCOPE", StringComparison.OrdinalIgnoreCase))
                {
                    throw new WrongDeviceException($"the device on '{_port}' answers '*' with '{id}', not as a TriggerScope");
                }

                Identity = id;
                _line = line;
                AllLowLocked(nameof(Connect));
            }
            catch (Exception e) when (e is WrongDeviceException or SerialTimeoutException or SerialPortGoneException or DeviceReplyException)
            {
                _line = null;
                line.Dispose();
                throw new DeviceFaultException(Name, nameof(Connect), $"TriggerScope on '{_port}': {(e is WrongDeviceException ? "refused: " : string.Empty)}{e.Message}", e);
            }
        }
    }

    /// <summary>Sets every output to 0 V / low (when the port answers) and releases it; never throws.</summary>
    public void Disconnect()
    {
        lock (_lock)
        {
            if (_line is null)
            {
                return;
            }

            try
            {
                if (!_line.IsGone)
                {
                    AllLowLocked(nameof(Disconnect));
                }
            }
#pragma warning disable CA1031 // Disconnect never throws; a box that does not answer is released anyway.
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            _line.Dispose();
            _line = null;
        }
    }

    public void SetAnalogVolts(int channel, double volts)
    {
        RequireChannel(channel);
        if (!Range.Contains(volts))
        {
            throw new ArgumentOutOfRangeException(nameof(volts), volts, $"TriggerScope '{Name}' DAC {channel}: {volts} V is outside [{Range.MinVolts}, {Range.MaxVolts}] V.");
        }

        lock (_lock)
        {
            Command(nameof(SetAnalogVolts), string.Create(CultureInfo.InvariantCulture, $"SAO{channel}-{Counts(volts)}"));
            _volts[channel] = volts;
        }
    }

    public double GetAnalogVolts(int channel)
    {
        RequireChannel(channel);
        lock (_lock)
        {
            return _volts[channel];
        }
    }

    public void SetDigitalLine(int line, bool high)
    {
        RequireLine(line);
        lock (_lock)
        {
            int group = line / LinesPerGroup;
            int bit = 1 << (line % LinesPerGroup);
            byte value = (byte)(high ? _groups[group] | bit : _groups[group] & ~bit);
            Command(nameof(SetDigitalLine), string.Create(CultureInfo.InvariantCulture, $"SDO{group}-{value}"));
            _groups[group] = value;
        }
    }

    public bool GetDigitalLine(int line)
    {
        RequireLine(line);
        lock (_lock)
        {
            return (_groups[line / LinesPerGroup] & (1 << (line % LinesPerGroup))) != 0;
        }
    }

    public void Dispose() => Disconnect();

    private void AllLowLocked(string operation)
    {
        for (int dac = 0; dac < DacCount; dac++)
        {
            Command(operation, string.Create(CultureInfo.InvariantCulture, $"SAO{dac}-0"));
            _volts[dac] = 0;
        }

        for (int group = 0; group < _groups.Length; group++)
        {
            Command(operation, string.Create(CultureInfo.InvariantCulture, $"SDO{group}-0"));
            _groups[group] = 0;
        }
    }

    private void Command(string operation, string command)
    {
        SerialLine line = _line ?? throw new InvalidOperationException($"TriggerScope '{Name}' is not connected; call Connect before {operation}.");
        try
        {
            line.WriteLine(command);
            string reply = line.ReadLine(command);
            if (reply != "!" + command)
            {
                throw new DeviceReplyException(command, reply, $"expected the acknowledgement '!{command}'");
            }
        }
        catch (SerialPortGoneException e)
        {
            throw new DeviceFaultException(Name, operation, $"{e.Message} Its outputs hold their last values (a laser gated by it may still emit).", e);
        }
        catch (Exception e) when (e is DeviceReplyException or SerialTimeoutException)
        {
            throw new DeviceFaultException(Name, operation, $"TriggerScope on '{_port}': {e.Message}", e);
        }
    }

    private void RequireChannel(int channel)
    {
        if (channel is < 0 or >= DacCount)
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, $"TriggerScope '{Name}' has DACs 0 … {DacCount - 1}.");
        }
    }

    private void RequireLine(int line)
    {
        if (line is < 0 or >= TtlLines)
        {
            throw new ArgumentOutOfRangeException(nameof(line), line, $"TriggerScope '{Name}' has TTL lines 0 … {TtlLines - 1}.");
        }
    }
}
