using System.Globalization;
using System.Text.RegularExpressions;

namespace LiveSmlm.Devices.Drivers.Serial;

/// <summary>
/// Cobolt (Hübner) 04-01 / 06-01 lasers: short commands ended by CR, 115200 8N1; every command is
/// answered by one line: "OK" for a setting, the value for a query, "Syntax error: …" or "Error…" for a
/// bad one. Powers are in W. The model string (glm?) is the part number, e.g. 0405-06-01-0100-300:
/// wavelength 405 nm, series 06-01, 100 mW.
/// </summary>
public sealed partial class CoboltProtocol : SerialLaserProtocol
{
    public const string KindName = "cobolt";

    public override string Kind => KindName;

    public override string Family => "Cobolt";

    public override string WriteEnding => "\r";

    public override string EmissionOffCommand => "l0";

    public override IReadOnlyList<string> Transact(SerialLine line, string command)
    {
        line.WriteLine(command);
        string reply = line.ReadLine(command);
        if (reply.StartsWith("Syntax error", StringComparison.OrdinalIgnoreCase) || reply.StartsWith("Error", StringComparison.OrdinalIgnoreCase))
        {
            throw new DeviceReplyException(command, reply, "a Cobolt error");
        }

        return reply == "OK" ? [] : [reply];
    }

    public override LaserIdentity Identify(SerialLine line)
    {
        string model;
        try
        {
            model = Query(line, "glm?");
        }
        catch (DeviceReplyException e)
        {
            throw new WrongDeviceException($"the device on '{line.PortPath}' does not answer like a Cobolt ({e.Message})", e);
        }

        Match m = PartNumber().Match(model);
        if (!m.Success)
        {
            throw new WrongDeviceException($"the device on '{line.PortPath}' answers glm? with '{model}', not a Cobolt part number (like 0405-06-01-0100-300)");
        }

        return new LaserIdentity(
            "Cobolt " + model,
            double.Parse(m.Groups["wl"].Value, CultureInfo.InvariantCulture),
            double.Parse(m.Groups["mw"].Value, CultureInfo.InvariantCulture));
    }

    public override void PrepareSafe(SerialLine line)
    {
        Transact(line, "@cobas 0");   // no autostart: emission only on l1, and l1 works under software control
        Transact(line, EmissionOffCommand);
        Transact(line, "cp");          // constant power mode
    }

    public override void SetPowerMw(SerialLine line, double powerMw) => Transact(line, "p " + Format(powerMw / 1000, "0.0#######"));

    public override double ReadSetPowerMw(SerialLine line) => 1000 * ParseNumber("p?", Query(line, "p?"));

    public override double ReadMeasuredPowerMw(SerialLine line) => 1000 * ParseNumber("pa?", Query(line, "pa?"));

    public override void SetEmission(SerialLine line, bool on) => Transact(line, on ? "l1" : EmissionOffCommand);

    public override bool ReadEmission(SerialLine line)
    {
        string state = Query(line, "l?");
        return state switch
        {
            "1" => true,
            "0" => false,
            _ => throw new DeviceReplyException("l?", state, "expected 0 or 1"),
        };
    }

    [GeneratedRegex(@"^(?<wl>\d{4})-\d{2}-\d{2}-(?<mw>\d{4})-\d+$")]
    private static partial Regex PartNumber();
}
