using LiveSmlm.DeviceSimulators;
using LiveSmlm.Devices.Drivers.Serial;

namespace LiveSmlm.Devices.Tests.Drivers;

/// <summary>The TriggerScope driver against a simulator on a pseudo-terminal; assertions on the bytes it wrote.</summary>
public sealed class TriggerScopeTests
{
    private static readonly string AllLow =
        string.Concat(Enumerable.Range(0, 16).Select(d => $"SAO{d}-0\n")) + "SDO0-0\nSDO1-0\n";

    [Fact]
    public void Connect_IdentifiesAndSetsEveryOutputLow()
    {
        using var sim = new TriggerScopeSimulator();
        using var box = new TriggerScope("trigger", sim.Port, TimeSpan.FromSeconds(3));
        box.Connect();

        Assert.Equal("*\n" + AllLow, sim.Pty.Transcript);
        Assert.Contains("TRIGGERSCOPE", box.Identity, StringComparison.Ordinal);
    }

    [Fact]
    public void AnalogAndTtl_SendCountsAndGroupBytes()
    {
        using var sim = new TriggerScopeSimulator();
        using var box = new TriggerScope("trigger", sim.Port, TimeSpan.FromSeconds(3));
        box.Connect();
        int before = sim.Commands.Count;

        box.SetAnalogVolts(2, 5);       // half of 0–10 V on a 16-bit DAC
        box.SetDigitalLine(9, true);    // group 1, bit 1
        box.SetDigitalLine(8, true);    // group 1, bits 0 and 1
        box.SetDigitalLine(9, false);

        Assert.Equal(["SAO2-32768", "SDO1-2", "SDO1-3", "SDO1-1"], sim.Commands.Skip(before));
        Assert.Equal(32768, sim.Dac(2));
        Assert.Equal(1, sim.Group(1));
        Assert.Equal(5, box.GetAnalogVolts(2));
        Assert.True(box.GetDigitalLine(8));
        Assert.False(box.GetDigitalLine(9));
    }

    [Fact]
    public void ErrorReply_IsAFaultNamingCommandAndReply_AndOutOfRangeIsRefusedBeforeTheWire()
    {
        using var sim = new TriggerScopeSimulator();
        using var box = new TriggerScope("trigger", sim.Port, TimeSpan.FromSeconds(3));
        box.Connect();
        sim.FailNext("SAO3-", "ERROR: DAC 3 busy\n");

        var e = Assert.Throws<DeviceFaultException>(() => box.SetAnalogVolts(3, 1));
        Assert.Contains("'SAO3-6554' was answered 'ERROR: DAC 3 busy'", e.Message, StringComparison.Ordinal);
        int count = sim.Commands.Count;
        Assert.Throws<ArgumentOutOfRangeException>(() => box.SetAnalogVolts(3, 12));
        Assert.Equal(count, sim.Commands.Count);
    }

    [Fact]
    public void Disconnect_SetsEveryOutputLowAgain()
    {
        using var sim = new TriggerScopeSimulator();
        var box = new TriggerScope("trigger", sim.Port, TimeSpan.FromSeconds(3));
        box.Connect();
        box.SetAnalogVolts(0, 10);
        box.Disconnect();

        Assert.EndsWith("SAO0-65535\n" + AllLow, sim.Pty.Transcript, StringComparison.Ordinal);
        Assert.Equal(0, sim.Dac(0));
    }

    [Fact]
    public void ALaserOnThePort_IsNotTakenForATriggerScope()
    {
        // An OBIS waits for CR LF, so the box's "*" LF gets no answer: a timeout naming the command, not a connection.
        using var sim = new ObisSimulator();
        using var box = new TriggerScope("trigger", sim.Port, TimeSpan.FromMilliseconds(200));

        var e = Assert.Throws<DeviceFaultException>(box.Connect);
        Assert.Contains("no reply to '*'", e.Message, StringComparison.Ordinal);
        Assert.False(box.IsConnected);
    }
}
