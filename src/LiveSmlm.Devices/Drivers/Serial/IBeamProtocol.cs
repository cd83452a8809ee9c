using System.Globalization;
using System.Text.RegularExpressions;

namespace LiveSmlm.Devices.Drivers.Serial;

/// <summary>
/// Toptica iBeam smart: plain-text commands ended by CR LF, 115200 8N1. After "echo off" and "prom off"
/// a reply is its value lines followed by "[OK]"; an error is a "%SYS-&lt;severity&gt;-&lt;code&gt;, text"
/// line. Channel 2 is the user power channel (mW); "sh pow" reports the photodiode in µW ("PIC = 006000 uW").
/// The laser does not report its power limit, so the profile's maxPowerMw is the limit.
/// </summary>
public sealed partial class IBeamProtocol : SerialLaserProtocol
{
    public const string KindName = "ibeam";

    private const string Ok = "[OK]";

    public override string Kind => KindName;

    public override string Family => "Toptica iBeam smart";

    public override string WriteEnding => "\r\n";

    public override string EmissionOffCommand => "la off";

    public override IReadOnlyList<string> Transact(SerialLine line, string command)
    {
        line.WriteLine(command);
        var values = new List<string>();
        while (true)
        {
            string reply = line.ReadLine(command, prompt: "CMD>");
            if (reply == Ok)
            {
                return values;
            }

            if (reply.StartsWith("%SYS-", StringComparison.Ordinal))
            {
                throw new DeviceReplyException(command, reply, "an iBeam system error");
            }

            if (reply != "CMD>")
            {
                values.Add(reply);
            }
        }
    }

    public override LaserIdentity Identify(SerialLine line)
    {
        Transact(line, "echo off");
        Transact(line, "prom off");
        string id = Query(line, "id");
        Match m = IdPattern().Match(id);
        if (!m.Success)
        {
            throw new WrongDeviceException($"the device on '{line.PortPath}' identifies as '{id}', not as a Toptica iBeam smart (iBEAM-SMART-<nm>-…)");
        }

        return new LaserIdentity("Toptica " + id, double.Parse(m.Groups["wl"].Value, CultureInfo.InvariantCulture), null);
    }

    public override void PrepareSafe(SerialLine line)
    {
        Transact(line, EmissionOffCommand);
        Transact(line, "en 2");   // the power channel is enabled; emission still waits for "la on"
    }

    public override void SetPowerMw(SerialLine line, double powerMw) => Transact(line, "ch 2 pow " + Format(powerMw, "0.000"));

    public override double ReadSetPowerMw(SerialLine line)
    {
        const string command = "sh level pow";
        foreach (string reply in Transact(line, command))
        {
            Match m = LevelPattern().Match(reply);
            if (m.Success && m.Groups["ch"].Value == "2")
            {
                return ParseNumber(command, m.Groups["mw"].Value);
            }
        }

        throw new DeviceReplyException(command, "(no CH2 line)", "expected 'CH2, PWR: <mW> mW'");
    }

    public override double ReadMeasuredPowerMw(SerialLine line)
    {
        const string command = "sh pow";
        string reply = Query(line, command);
        Match m = PowerPattern().Match(reply);
        if (!m.Success)
        {
            throw new DeviceReplyException(command, reply, "expected 'PIC = <value> uW'");
        }

        double value = double.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture);
        return m.Groups["unit"].Value switch
        {
            "uW" => value / 1000,
            "mW" => value,
            _ => throw new DeviceReplyException(command, reply, "expected uW or mW"),
        };
    }

    public override void SetEmission(SerialLine line, bool on) => Transact(line, on ? "la on" : EmissionOffCommand);

    public override bool ReadEmission(SerialLine line)
    {
        string state = Query(line, "sta la");
        return state.ToUpperInvariant() switch
        {
            "ON" => true,
            "OFF" => false,
            _ => throw new DeviceReplyException("sta la", state, "expected ON or OFF"),
        };
    }

    [GeneratedRegex(@"^iBEAM-SMART-(?<wl>\d{3,4})\b", RegexOptions.IgnoreCase)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^CH(?<ch>\d),\s*PWR:\s*(?<mw>[0-9.]+)\s*mW", RegexOptions.IgnoreCase)]
    private static partial Regex LevelPattern();

    [GeneratedRegex(@"^PIC\s*=\s*(?<v>[0-9.]+)\s*(?<unit>uW|mW)")]
    private static partial Regex PowerPattern();
}
