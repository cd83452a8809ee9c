using System.Text.Json;
using LiveSmlm.DeviceSimulators;

namespace LiveSmlm.Cli.Tests;

/// <summary>`livesmlm device laser` against a simulated OBIS on a pseudo-terminal.</summary>
public sealed class DeviceCommandTests
{
    [Fact]
    public void DeviceLaser_SetsPower_PrintsStateAsJson_AndLeavesItOff()
    {
        using var obis = new ObisSimulator(405, 0.1);
        var (code, stdout, err) = CliRunner.Run("device", "laser", "--kind", "obis", "--port", obis.Port, "--set-power-mw", "5", "--timeout-ms", "3000");

        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(obis.Idn, json.RootElement.GetProperty("model").GetString());
        Assert.Equal(405, json.RootElement.GetProperty("wavelength_nm").GetDouble());
        Assert.Equal(5, json.RootElement.GetProperty("set_power_mw").GetDouble());
        Assert.Equal(0, json.RootElement.GetProperty("measured_power_mw").GetDouble());
        Assert.False(json.RootElement.GetProperty("emission").GetBoolean());
        Assert.Contains("SOUR:POW:LEV:IMM:AMPL 0.005\r\nSOUR:POW:LEV:IMM:AMPL?\r\n", obis.Pty.Transcript, StringComparison.Ordinal);
        Assert.False(obis.Emission);
    }

    [Fact]
    public void DeviceLaser_On_LeavesItEmittingAndSaysSo()
    {
        using var obis = new ObisSimulator(405, 0.1);
        var (code, stdout, err) = CliRunner.Run("device", "laser", "--kind", "obis", "--port", obis.Port, "--set-power-mw", "2", "--on", "--timeout-ms", "3000");

        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("emission").GetBoolean());
        Assert.Equal(1.98, json.RootElement.GetProperty("measured_power_mw").GetDouble(), 3);
        Assert.True(obis.Emission);
        Assert.Contains("left EMITTING", err, StringComparison.Ordinal);
    }

    [Fact]
    public void DeviceLaser_WrongKindOnThePort_IsOneClearLine()
    {
        using var obis = new ObisSimulator(405, 0.1);
        var (code, _, err) = CliRunner.Run("device", "laser", "--kind", "cobolt", "--port", obis.Port, "--timeout-ms", "200");

        Assert.Equal(1, code);
        string line = Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("no reply to 'glm?'", line, StringComparison.Ordinal);
        Assert.Contains(obis.Port, line, StringComparison.Ordinal);
    }

    [Fact]
    public void DeviceLaser_UnknownKind_IsBadInput()
    {
        var (code, _, err) = CliRunner.Run("device", "laser", "--kind", "sapphire", "--port", "/dev/null");

        Assert.Equal(2, code);
        Assert.Contains("--kind", err, StringComparison.Ordinal);
    }
}
