namespace LiveSmlm.Devices.Drivers.Serial;

/// <summary>
/// Coherent OBIS (and OBIS LX/LS via its remote): SCPI-like commands ended by CR LF, 115200 8N1. With
/// the handshake on (SYST:COMM:HAND ON) every command is answered by its value line(s) and then "OK",
/// or by "ERR-&lt;code&gt;" (OBIS operator's manual, "Handshaking" and the command table). Powers are in W.
/// </summary>
public sealed class ObisProtocol : SerialLaserProtocol
{
    public const string KindName = "obis";

    private const string Ok = "OK";

    public override string Kind => KindName;

    public override string Family => "Coherent OBIS";

    public override string WriteEnding => "\r\n";

    public override string EmissionOffCommand => "SOUR:AM:STAT OFF";

    public override IReadOnlyList<string> Transact(SerialLine line, string command)
    {
        line.WriteLine(command);
        var values = new List<string>();
        while (true)
        {
            string reply = line.ReadLine(command);
            if (reply == Ok)
            {
                return values;
            }

            if (reply.StartsWith("ERR", StringComparison.OrdinalIgnoreCase))
            {
                throw new DeviceReplyException(command, reply, "an OBIS error code");
            }

            values.Add(reply);
        }
    }

    public override LaserIdentity Identify(SerialLine line)
    {
        // The handshake must be on for the OK lines this protocol waits for; the laser acknowledges it with OK.
        Transact(line, "SYST:COMM:HAND ON");
        string idn = Query(line, "*IDN?");
        if (!idn.Contains("OBIS", StringComparison.OrdinalIgnoreCase))
        {
            throw new WrongDeviceException($"the device on '{line.PortPath}' identifies as '{idn}', not as a Coherent OBIS (its *IDN? names OBIS)");
        }

        double wavelength = ParseNumber("SYST:INF:WAV?", Query(line, "SYST:INF:WAV?"));
        double maxW = ParseNumber("SOUR:POW:LIM:HIGH?", Query(line, "SOUR:POW:LIM:HIGH?"));
        return new LaserIdentity(idn, wavelength, maxW * 1000);
    }

    public override void PrepareSafe(SerialLine line)
    {
        Transact(line, EmissionOffCommand);
        Transact(line, "SOUR:AM:INT CWP");   // internal CW, constant power: the set power is what it emits
    }

    public override void SetPowerMw(SerialLine line, double powerMw) =>
        Transact(line, "SOUR:POW:LEV:IMM:AMPL " + Format(powerMw / 1000, "0.0#######"));

    public override double ReadSetPowerMw(SerialLine line) =>
        1000 * ParseNumber("SOUR:POW:LEV:IMM:AMPL?", Query(line, "SOUR:POW:LEV:IMM:AMPL?"));

    public override double ReadMeasuredPowerMw(SerialLine line) =>
        1000 * ParseNumber("SOUR:POW:LEV?", Query(line, "SOUR:POW:LEV?"));

    public override void SetEmission(SerialLine line, bool on) => Transact(line, on ? "SOUR:AM:STAT ON" : EmissionOffCommand);

    public override bool ReadEmission(SerialLine line)
    {
        string state = Query(line, "SOUR:AM:STAT?");
        return state.ToUpperInvariant() switch
        {
            "ON" => true,
            "OFF" => false,
            _ => throw new DeviceReplyException("SOUR:AM:STAT?", state, "expected ON or OFF"),
        };
    }
}
