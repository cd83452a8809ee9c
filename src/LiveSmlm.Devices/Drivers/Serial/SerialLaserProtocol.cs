using System.Globalization;

namespace LiveSmlm.Devices.Drivers.Serial;

/// <summary>
/// What one laser family says on its serial line: how a command ends and how its reply ends, how to tell
/// an error reply, how it identifies itself, and the commands for power and emission. One subclass per
/// family (<see cref="ObisProtocol"/>, <see cref="CoboltProtocol"/>, <see cref="IBeamProtocol"/>);
/// <see cref="SerialLaser"/> does the rest (locking, read-back checks, faults, safe state).
/// </summary>
public abstract class SerialLaserProtocol
{
    /// <summary>The kind as the profile and CLI spell it ("obis", "cobolt", "ibeam").</summary>
    public abstract string Kind { get; }

    /// <summary>The family's name for messages ("Coherent OBIS").</summary>
    public abstract string Family { get; }

    public virtual int BaudRate => 115200;

    public abstract string WriteEnding { get; }

    /// <summary>The command that switches emission off (sent also as the last resort when the port vanishes).</summary>
    public abstract string EmissionOffCommand { get; }

    /// <summary>
    /// Sends <paramref name="command"/> and returns the reply's value lines (handshake lines removed).
    /// Throws <see cref="DeviceReplyException"/> for an error reply.
    /// </summary>
    public abstract IReadOnlyList<string> Transact(SerialLine line, string command);

    /// <summary>Asks the device who it is; <see cref="WrongDeviceException"/> when it is not of this family.</summary>
    public abstract LaserIdentity Identify(SerialLine line);

    /// <summary>Brings the laser to a known safe state after identify: software control, emission off.</summary>
    public abstract void PrepareSafe(SerialLine line);

    public abstract void SetPowerMw(SerialLine line, double powerMw);

    public abstract double ReadSetPowerMw(SerialLine line);

    public abstract double ReadMeasuredPowerMw(SerialLine line);

    public abstract void SetEmission(SerialLine line, bool on);

    public abstract bool ReadEmission(SerialLine line);

    /// <summary>The protocol for a kind; <see cref="ArgumentException"/> listing the kinds otherwise.</summary>
    public static SerialLaserProtocol ForKind(string kind) => kind switch
    {
        ObisProtocol.KindName => new ObisProtocol(),
        CoboltProtocol.KindName => new CoboltProtocol(),
        IBeamProtocol.KindName => new IBeamProtocol(),
        _ => throw new ArgumentException($"'{kind}' is not a serial laser kind; allowed {string.Join(" | ", Kinds.Select(k => $"\"{k}\""))}.", nameof(kind)),
    };

    public static IReadOnlyList<string> Kinds { get; } = [ObisProtocol.KindName, CoboltProtocol.KindName, IBeamProtocol.KindName];

    /// <summary>Exactly one value line, else a reply error naming the command.</summary>
    protected string Query(SerialLine line, string command)
    {
        IReadOnlyList<string> reply = Transact(line, command);
        if (reply.Count != 1)
        {
            throw new DeviceReplyException(command, reply.Count == 0 ? "(no value)" : string.Join(" | ", reply), "expected one value line");
        }

        return reply[0];
    }

    /// <summary>A number in the reply (optionally followed by a unit), else a reply error naming the command.</summary>
    protected static double ParseNumber(string command, string text)
    {
        string token = text.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new DeviceReplyException(command, text, "expected a number");
        }

        return value;
    }

    protected static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>What a laser said about itself on connect.</summary>
/// <param name="Model">Its identification string.</param>
/// <param name="WavelengthNm">Its line.</param>
/// <param name="MaxPowerMw">Its own power limit, when it reports one.</param>
public sealed record LaserIdentity(string Model, double WavelengthNm, double? MaxPowerMw);

/// <summary>The device answered a command with an error (OBIS ERR-…, Cobolt "Syntax error", iBeam %SYS-…) or with something unreadable.</summary>
public sealed class DeviceReplyException : Exception
{
    public DeviceReplyException()
    {
        Command = Reply = string.Empty;
    }

    public DeviceReplyException(string message)
        : base(message)
    {
        Command = Reply = string.Empty;
    }

    public DeviceReplyException(string message, Exception innerException)
        : base(message, innerException)
    {
        Command = Reply = string.Empty;
    }

    public DeviceReplyException(string command, string reply, string what)
        : base($"{SerialLine.Quote(command)} was answered '{reply}' ({what})")
    {
        Command = command;
        Reply = reply;
    }

    public string Command { get; }

    public string Reply { get; }
}

/// <summary>The port has a device, but not the one expected (another family, another wavelength).</summary>
public sealed class WrongDeviceException : Exception
{
    public WrongDeviceException()
    {
    }

    public WrongDeviceException(string message)
        : base(message)
    {
    }

    public WrongDeviceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
