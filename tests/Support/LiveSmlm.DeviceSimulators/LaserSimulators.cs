using System.Globalization;

namespace LiveSmlm.DeviceSimulators;

/// <summary>The state every simulated laser keeps: what it is set to and whether it emits.</summary>
public abstract class LaserSimulator(string terminator) : LineDeviceSimulator(terminator)
{
    private double _setW;
    private bool _emission;

    public double SetPowerW
    {
        get => Volatile.Read(ref _setW);
        protected set => Volatile.Write(ref _setW, value);
    }

    public bool Emission
    {
        get => Volatile.Read(ref _emission);
        protected set => Volatile.Write(ref _emission, value);
    }

    /// <summary>The photodiode: 99 % of the set power while emitting (a real head never reads exactly what it was set to), else 0.</summary>
    protected double MeasuredW => Emission ? 0.99 * SetPowerW : 0;

    protected static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    protected static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}

/// <summary>
/// A Coherent OBIS on a pseudo-terminal: SCPI commands ended by CR LF; handshake off at power-up (no
/// OK lines) until SYST:COMM:HAND ON; ERR-100 for an unknown command, ERR-350 for a power outside its range.
/// </summary>
public sealed class ObisSimulator(double wavelengthNm = 405, double maxPowerW = 0.1, string? idn = null) : LaserSimulator("\r\n")
{
    private bool _handshake;

    public string Idn { get; } = idn ?? $"Coherent, Inc - OBIS {wavelengthNm:0}nm {maxPowerW * 1000:0}mW C - V1.0.5 - Jun 12 2019";

    protected override string? Answer(string command)
    {
        string[] parts = command.Split(' ', 2, StringSplitOptions.TrimEntries);
        string head = parts[0].ToUpperInvariant();
        string? arg = parts.Length > 1 ? parts[1] : null;
        string? value;
        switch (head)
        {
            case "SYST:COMM:HAND":
                _handshake = arg?.ToUpperInvariant() == "ON";
                value = null;
                break;
            case "*IDN?":
                value = Idn;
                break;
            case "SYST:INF:WAV?":
                value = F(wavelengthNm, "0");
                break;
            case "SOUR:POW:LIM:HIGH?":
                value = F(maxPowerW, "0.00000E+00");
                break;
            case "SOUR:AM:INT":
                value = null;
                break;
            case "SOUR:AM:STAT":
                Emission = arg?.ToUpperInvariant() == "ON";
                value = null;
                break;
            case "SOUR:AM:STAT?":
                value = Emission ? "ON" : "OFF";
                break;
            case "SOUR:POW:LEV:IMM:AMPL":
                if (arg is null || !TryNumber(arg, out double w) || w < 0 || w > maxPowerW)
                {
                    return "ERR-350\r\n";
                }

                SetPowerW = w;
                value = null;
                break;
            case "SOUR:POW:LEV:IMM:AMPL?":
                value = F(SetPowerW, "0.00000E+00");
                break;
            case "SOUR:POW:LEV?":
                value = F(MeasuredW, "0.00000E+00");
                break;
            default:
                return "ERR-100\r\n";
        }

        string reply = value is null ? string.Empty : value + "\r\n";
        return _handshake ? reply + "OK\r\n" : reply.Length == 0 ? null : reply;
    }
}

/// <summary>
/// A Cobolt 06-01 on a pseudo-terminal: commands ended by CR, one reply line each; autostart on at
/// power-up, so "l1" is refused until "@cobas 0".
/// </summary>
public sealed class CoboltSimulator(string partNumber = "0405-06-01-0100-300") : LaserSimulator("\r")
{
    private bool _autostart = true;

    private double MaxW => int.Parse(partNumber.Split('-')[3], CultureInfo.InvariantCulture) / 1000.0;

    protected override string? Answer(string command)
    {
        string[] parts = command.Split(' ', 2, StringSplitOptions.TrimEntries);
        string? arg = parts.Length > 1 ? parts[1] : null;
        string reply;
        switch (parts[0])
        {
            case "glm?":
                reply = partNumber;
                break;
            case "@cobas":
                _autostart = arg != "0";
                reply = "OK";
                break;
            case "cp":
                reply = "OK";
                break;
            case "l0":
                Emission = false;
                reply = "OK";
                break;
            case "l1":
                if (_autostart)
                {
                    return "Syntax error: not allowed in autostart mode\r\n";
                }

                Emission = true;
                reply = "OK";
                break;
            case "l?":
                reply = Emission ? "1" : "0";
                break;
            case "p":
                if (arg is null || !TryNumber(arg, out double w) || w < 0 || w > MaxW)
                {
                    return "Syntax error: illegal argument\r\n";
                }

                SetPowerW = w;
                reply = "OK";
                break;
            case "p?":
                reply = F(SetPowerW, "0.0000");
                break;
            case "pa?":
                reply = F(MeasuredW, "0.0000");
                break;
            default:
                return "Syntax error: illegal command\r\n";
        }

        return reply + "\r\n";
    }
}

/// <summary>
/// A Toptica iBeam smart on a pseudo-terminal: echo and the "CMD> " prompt on at power-up (until "echo
/// off" / "prom off"); each reply ends with "[OK]"; "%SYS-W-113, Unknown command" for a bad one.
/// </summary>
public sealed class IBeamSimulator(string id = "iBEAM-SMART-640-S-HP", double maxPowerMw = 150) : LaserSimulator("\r\n")
{
    private bool _echo = true;
    private bool _prompt = true;

    protected override string? Answer(string command)
    {
        string echo = _echo ? command + "\r\n" : string.Empty;
        string[] parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string body;
        switch (string.Join(' ', parts.Take(2)))
        {
            case "echo off":
                _echo = false;
                body = string.Empty;
                break;
            case "prom off":
                _prompt = false;
                body = string.Empty;
                break;
            case "id":
                body = id + "\r\n";
                break;
            case "la on":
                Emission = true;
                body = string.Empty;
                break;
            case "la off":
                Emission = false;
                body = string.Empty;
                break;
            case "en 2":
                body = string.Empty;
                break;
            case "ch 2" when parts.Length == 4 && parts[2] == "pow":
                if (!TryNumber(parts[3], out double mw) || mw < 0 || mw > maxPowerMw)
                {
                    return echo + "%SYS-W-112, Parameter out of range\r\n" + Prompt();
                }

                SetPowerW = mw / 1000;
                body = string.Empty;
                break;
            case "sh level" when parts.Length == 3 && parts[2] == "pow":
                body = $"CH1, PWR: 0.000 mW\r\nCH2, PWR: {F(SetPowerW * 1000, "0.000")} mW\r\n";
                break;
            case "sh pow":
                body = $"PIC  = {F(MeasuredW * 1e6, "000000")} uW  \r\n";
                break;
            case "sta la":
                body = (Emission ? "ON" : "OFF") + "\r\n";
                break;
            default:
                return echo + "%SYS-W-113, Unknown command\r\n" + Prompt();
        }

        return echo + body + "[OK]\r\n" + Prompt();
    }

    private string Prompt() => _prompt ? "CMD> " : string.Empty;
}

/// <summary>A TriggerScope (Micro-Manager firmware) on a pseudo-terminal: "*" identifies, SAO/SDO are acknowledged with "!" + the command.</summary>
public sealed class TriggerScopeSimulator() : LineDeviceSimulator("\n")
{
    private readonly int[] _dacs = new int[16];
    private readonly int[] _groups = new int[2];

    public int Dac(int channel) => Volatile.Read(ref _dacs[channel]);

    public int Group(int group) => Volatile.Read(ref _groups[group]);

    protected override string? Answer(string command)
    {
        if (command == "*")
        {
            return "ARC TRIGGERSCOPE 16 R3C v.617-MM\n";
        }

        if (TryParse(command, "SAO", 16, 65535, out int dac, out int counts))
        {
            Volatile.Write(ref _dacs[dac], counts);
            return "!" + command + "\n";
        }

        if (TryParse(command, "SDO", 2, 255, out int group, out int value))
        {
            Volatile.Write(ref _groups[group], value);
            return "!" + command + "\n";
        }

        return "ERROR: unknown command " + command + "\n";
    }

    private static bool TryParse(string command, string head, int count, int max, out int index, out int value)
    {
        index = value = 0;
        if (!command.StartsWith(head, StringComparison.Ordinal))
        {
            return false;
        }

        string[] parts = command[head.Length..].Split('-');
        return parts.Length == 2
            && int.TryParse(parts[0], CultureInfo.InvariantCulture, out index) && index >= 0 && index < count
            && int.TryParse(parts[1], CultureInfo.InvariantCulture, out value) && value >= 0 && value <= max;
    }
}
