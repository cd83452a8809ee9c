using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LiveSmlm.Devices;
using LiveSmlm.Devices.Drivers.Serial;
using LiveSmlm.Devices.Safety;

namespace LiveSmlm.Cli.Commands;

/// <summary>
/// `livesmlm device laser --kind obis|cobolt|ibeam --port PATH [--set-power-mw P] [--on|--off]`: connects
/// a serial laser (emission off), applies the request, prints its state as JSON and disconnects. Without
/// --on the laser is left off; with --on it is left on (a deliberate manual act; the key and interlock rule).
/// </summary>
public static class DeviceCommand
{
    public static Command Create(CliConsole console)
    {
        var kind = new Option<string>("--kind") { Description = "Laser driver: obis, cobolt or ibeam.", Required = true };
        kind.AcceptOnlyFromAmong([.. SerialLaserProtocol.Kinds]);
        var port = new Option<string>("--port") { Description = "Serial port, e.g. /dev/ttyUSB0.", Required = true };
        var power = new Option<double?>("--set-power-mw") { Description = "Set the power, mW (read back)." };
        var on = new Option<bool>("--on") { Description = "Switch emission on and leave it on." };
        var off = new Option<bool>("--off") { Description = "Switch emission off (also the default when leaving)." };
        var maxMw = new Option<double>("--max-power-mw") { Description = "Refuse powers above this, mW (the laser's own limit caps it further).", DefaultValueFactory = _ => 100_000 };
        var timeout = new Option<double>("--timeout-ms") { Description = "Longest wait for one reply, ms.", DefaultValueFactory = _ => 500 };
        var laser = new Command("laser", "Connect a serial laser, optionally set its power and emission, print its state as JSON.") { kind, port, power, on, off, maxMw, timeout };
        laser.SetAction(parse => CliErrors.Guard(console, () =>
        {
            if (parse.GetValue(on) && parse.GetValue(off))
            {
                throw new UsageException("--on and --off contradict each other; give one.");
            }

            double limit = parse.GetValue(maxMw);
            double timeoutMs = parse.GetValue(timeout);
            if (!(limit > 0) || !(timeoutMs > 0))
            {
                throw new UsageException("--max-power-mw and --timeout-ms must be > 0.");
            }

            using var registry = new LaserSafetyRegistry();
            var driver = new SerialLaser("laser", 0, new SerialLaserOptions
            {
                Kind = parse.GetValue(kind)!,
                Port = parse.GetValue(port)!,
                MaxPowerMw = limit,
                ReplyTimeout = TimeSpan.FromMilliseconds(timeoutMs),
            });
            var safe = new SafeLaser(driver, registry);
            try
            {
                safe.Connect();
                if (parse.GetValue(power) is { } mw)
                {
                    safe.SetPowerMw(mw);
                }

                if (parse.GetValue(on))
                {
                    safe.SetEmission(true);
                }

                LaserState state = safe.ReadState();
                console.Out.WriteLine(JsonSerializer.Serialize(
                    new Dictionary<string, object?>
                    {
                        ["kind"] = driver.Protocol.Kind,
                        ["port"] = driver.Port,
                        ["model"] = driver.Identity?.Model,
                        ["wavelength_nm"] = driver.WavelengthNm,
                        ["max_power_mw"] = Math.Round(driver.Limits.MaxMw, 3),
                        ["set_power_mw"] = Math.Round(state.SetPowerMw, 3),
                        ["measured_power_mw"] = Math.Round(state.MeasuredPowerMw, 3),
                        ["emission"] = state.EmissionOn,
                    },
                    new JsonSerializerOptions { WriteIndented = true }));
                if (state.EmissionOn)
                {
                    // Leaving it on was asked for: release the port without the decorator's shut-off.
                    safe.LeaveRegistry();
                    driver.DisconnectLeavingEmission();
                    console.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"laser on {driver.Port} left EMITTING at {state.SetPowerMw:0.###} mW; `livesmlm device laser --kind {driver.Protocol.Kind} --port {driver.Port} --off` switches it off"));
                }

                return CliErrors.Ok;
            }
            finally
            {
                safe.Dispose();
            }
        }));
        var command = new Command("device", "Talk to one real device directly (bring-up and checks on the rig).") { laser };
        return command;
    }
}
