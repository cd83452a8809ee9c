using LiveSmlm.DeviceSimulators;
using LiveSmlm.Devices.Drivers.Serial;
using LiveSmlm.Devices.Safety;

namespace LiveSmlm.Devices.Tests.Drivers;

/// <summary>
/// Each serial laser driver against a simulator that speaks its protocol on a real pseudo-terminal; the
/// assertions are on the bytes the driver wrote (the master end's transcript).
/// </summary>
public sealed class SerialLaserTests
{
    // Replies come in microseconds; the long timeout only guards against a loaded machine. Timeout tests use the short one.
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(3);

    private static SerialLaser Laser(LineDeviceSimulator sim, string kind, double wavelengthNm, double maxMw = 100, TimeSpan? timeout = null) =>
        new("405", wavelengthNm, new SerialLaserOptions { Kind = kind, Port = sim.Port, ExpectedWavelengthNm = wavelengthNm, MaxPowerMw = maxMw, ReplyTimeout = timeout ?? Generous });

    [Fact]
    public void Obis_Connect_TurnsHandshakeOnIdentifiesAndLeavesEmissionOff()
    {
        using var sim = new ObisSimulator(405, 0.1);
        using SerialLaser laser = Laser(sim, "obis", 405, maxMw: 200);
        laser.Connect();

        Assert.Equal(
            "SYST:COMM:HAND ON\r\n*IDN?\r\nSYST:INF:WAV?\r\nSOUR:POW:LIM:HIGH?\r\nSOUR:AM:STAT OFF\r\nSOUR:AM:INT CWP\r\nSOUR:AM:STAT?\r\n",
            sim.Pty.Transcript);
        Assert.Equal(sim.Idn, laser.Identity!.Model);
        Assert.Equal(100, laser.Limits.MaxMw, 6);   // the laser's own 100 mW caps the profile's 200 mW
        Assert.False(sim.Emission);
    }

    [Fact]
    public void Obis_SetPowerAndEmission_SendWattsAndReadBack()
    {
        using var sim = new ObisSimulator(405, 0.1);
        using SerialLaser laser = Laser(sim, "obis", 405);
        laser.Connect();
        int before = sim.Commands.Count;

        laser.SetPowerMw(6);
        laser.SetEmission(true);
        LaserState state = laser.ReadState();

        Assert.Equal(
            ["SOUR:POW:LEV:IMM:AMPL 0.006", "SOUR:POW:LEV:IMM:AMPL?", "SOUR:AM:STAT ON", "SOUR:AM:STAT?", "SOUR:AM:STAT?", "SOUR:POW:LEV:IMM:AMPL?", "SOUR:POW:LEV?"],
            sim.Commands.Skip(before));
        Assert.Equal(0.006, sim.SetPowerW, 9);
        Assert.True(sim.Emission);
        Assert.Equal(new LaserState(6, 5.94, true), state with { MeasuredPowerMw = Math.Round(state.MeasuredPowerMw, 6) });
    }

    [Fact]
    public void Obis_OfAnotherWavelength_IsRefusedOnConnect()
    {
        using var sim = new ObisSimulator(640, 0.1);
        using SerialLaser laser = Laser(sim, "obis", 405);

        var e = Assert.Throws<DeviceFaultException>(laser.Connect);
        Assert.Contains("640 nm", e.Message, StringComparison.Ordinal);
        Assert.Contains("405 nm", e.Message, StringComparison.Ordinal);
        Assert.False(laser.IsConnected);
        Assert.DoesNotContain("SOUR:AM:STAT ON", sim.Pty.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public void Obis_DriverOnACobolt_RefusesIt()
    {
        using var sim = new CoboltSimulator();
        using SerialLaser laser = Laser(sim, "obis", 405, timeout: Short);

        var e = Assert.Throws<DeviceFaultException>(laser.Connect);
        // A Cobolt answers SCPI with a syntax error: the OBIS driver names the command and the reply.
        Assert.Contains("SYST:COMM:HAND ON", e.Message, StringComparison.Ordinal);
        Assert.False(laser.IsConnected);
    }

    [Fact]
    public void Obis_ErrorReply_NamesCommandAndReply_AndSafeLaserSwitchesOff()
    {
        using var sim = new ObisSimulator(405, 0.1);
        using var registry = new LaserSafetyRegistry();
        using var safe = new SafeLaser(Laser(sim, "obis", 405), registry);
        safe.Connect();
        safe.SetEmission(true);
        sim.FailNext("SOUR:POW:LEV:IMM:AMPL ", "ERR-350\r\n");

        var e = Assert.Throws<DeviceFaultException>(() => safe.SetPowerMw(50));
        Assert.Contains("SOUR:POW:LEV:IMM:AMPL 0.05", e.Message, StringComparison.Ordinal);
        Assert.Contains("ERR-350", e.Message, StringComparison.Ordinal);
        Assert.Contains("405", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("SOUR:AM:STAT OFF\r\nSOUR:AM:STAT?\r\n", sim.Pty.Transcript, StringComparison.Ordinal);
        Assert.False(sim.Emission);
    }

    [Fact]
    public void Obis_SilentLaser_TimesOutNamingTheCommand()
    {
        using var sim = new ObisSimulator(405, 0.1);
        using SerialLaser laser = Laser(sim, "obis", 405, timeout: Short);
        laser.Connect();
        sim.Silent(true);

        var e = Assert.Throws<DeviceFaultException>(() => laser.ReadState());
        Assert.IsType<SerialTimeoutException>(e.InnerException);
        Assert.Contains("no reply to 'SOUR:AM:STAT?'", e.Message, StringComparison.Ordinal);
        Assert.Contains(sim.Port, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Obis_PortVanishes_FaultCommandsOffAndSaysItMayStillEmit()
    {
        using var sim = new ObisSimulator(405, 0.1);
        using var registry = new LaserSafetyRegistry();
        var driver = Laser(sim, "obis", 405, timeout: Short);
        var safe = new SafeLaser(driver, registry);
        safe.Connect();
        safe.SetEmission(true);
        sim.VanishWhen(c => c == "SOUR:POW:LEV?");

        var e = Assert.Throws<DeviceFaultException>(() => safe.ReadState());
        await sim.Vanished;

        // The driver's own error says the port is gone and that the off command could not reach the laser;
        // the safety decorator's shut-off failed too, and says so.
        Assert.Contains("could NOT be switched off", e.Message, StringComparison.Ordinal);
        var inner = Assert.IsType<AggregateException>(e.InnerException);
        string driverError = inner.InnerExceptions[0].Message;
        Assert.Contains($"serial port '{sim.Port}'", driverError, StringComparison.Ordinal);
        Assert.Contains("may still emit", driverError, StringComparison.Ordinal);
        Assert.Contains(driver.CommandLog, entry => entry.StartsWith("> SOUR:AM:STAT OFF", StringComparison.Ordinal));
        Assert.False(safe.LastShutOff!.Succeeded);

        // Disconnecting still releases the port (without hanging) and says once more that the laser was not confirmed off.
        var last = Assert.Throws<DeviceFaultException>(safe.Dispose);
        Assert.Contains("could NOT be switched off before disconnecting", last.Message, StringComparison.Ordinal);
        Assert.False(driver.IsConnected);
    }

    [Fact]
    public void Cobolt_Connect_DisablesAutostartBeforeEmission_AndSetsPowerInWatts()
    {
        using var sim = new CoboltSimulator("0405-06-01-0100-300");
        using SerialLaser laser = Laser(sim, "cobolt", 405);
        laser.Connect();
        laser.SetPowerMw(12.5);
        laser.SetEmission(true);
        LaserState state = laser.ReadState();

        Assert.Equal(
            "glm?\r@cobas 0\rl0\rcp\rl?\rp 0.0125\rp?\rl1\rl?\rl?\rp?\rpa?\r",
            sim.Pty.Transcript);
        Assert.True(sim.Emission);
        Assert.Equal(12.5, state.SetPowerMw, 6);
        Assert.Equal(0.99 * 12.5, state.MeasuredPowerMw, 1);
        Assert.Equal(100, laser.Limits.MaxMw, 6);
    }

    [Fact]
    public void Cobolt_SyntaxError_BecomesAClearFault()
    {
        using var sim = new CoboltSimulator();
        using SerialLaser laser = Laser(sim, "cobolt", 405);
        laser.Connect();
        sim.FailNext("l1", "Syntax error: illegal command\r\n");

        var e = Assert.Throws<DeviceFaultException>(() => laser.SetEmission(true));
        Assert.Contains("'l1' was answered 'Syntax error: illegal command'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IBeam_Connect_TurnsEchoAndPromptOff_AndSetsChannel2InMilliwatts()
    {
        using var sim = new IBeamSimulator("iBEAM-SMART-640-S-HP", 150);
        using SerialLaser laser = Laser(sim, "ibeam", 640, maxMw: 100);
        laser.Connect();
        laser.SetPowerMw(6);
        laser.SetEmission(true);
        LaserState state = laser.ReadState();

        Assert.Equal(
            "echo off\r\nprom off\r\nid\r\nla off\r\nen 2\r\nsta la\r\nch 2 pow 6.000\r\nsh level pow\r\nla on\r\nsta la\r\nsta la\r\nsh level pow\r\nsh pow\r\n",
            sim.Pty.Transcript);
        Assert.Equal(new LaserState(6, 5.94, true), state);
        Assert.Equal(100, laser.Limits.MaxMw, 6);   // the iBeam reports no limit: the profile's holds
    }

    [Fact]
    public void IBeam_SysError_NamesCommandAndReply()
    {
        using var sim = new IBeamSimulator();
        using SerialLaser laser = Laser(sim, "ibeam", 640);
        laser.Connect();
        sim.FailNext("ch 2 pow", "%SYS-W-112, Parameter out of range\r\n");

        var e = Assert.Throws<DeviceFaultException>(() => laser.SetPowerMw(20));
        Assert.Contains("'ch 2 pow 20.000' was answered '%SYS-W-112, Parameter out of range'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPort_FailsConnectNamingThePath()
    {
        using var laser = new SerialLaser("405", 405, new SerialLaserOptions { Kind = "obis", Port = "/dev/does-not-exist-0", MaxPowerMw = 100 });

        var e = Assert.Throws<DeviceFaultException>(laser.Connect);
        Assert.Contains("/dev/does-not-exist-0", e.Message, StringComparison.Ordinal);
    }
}
