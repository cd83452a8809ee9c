using LiveSmlm.Core;
using LiveSmlm.Devices.Simulated;

namespace LiveSmlm.Devices.Tests;

/// <summary>Simulated devices fail on request with a typed error that names them.</summary>
public class FaultInjectionTests
{
    [Fact]
    public void Laser_WithAnInjectedFault_ThrowsNamingItselfOnTheNextCallOnly()
    {
        using SimulatedRig rig = TestRigs.Rig();
        SimulatedLaser laser = rig.Laser("405");
        laser.Connect();
        laser.InjectFault("interlock open");

        var e = Assert.Throws<DeviceFaultException>(() => laser.SetPowerMw(20));
        Assert.Equal("405", e.DeviceName);
        Assert.Equal("SetPowerMw", e.Operation);
        Assert.Contains("'405'", e.Message, StringComparison.Ordinal);
        Assert.Contains("interlock open", e.Message, StringComparison.Ordinal);
        Assert.Equal(6, laser.ReadState().SetPowerMw);  // the failed call changed nothing; the fault is used up

        laser.SetPowerMw(20);
        Assert.Equal(20, laser.ReadState().SetPowerMw);
    }

    [Fact]
    public void Laser_WithAPersistentFault_FailsUntilCleared()
    {
        using SimulatedRig rig = TestRigs.Rig();
        SimulatedLaser laser = rig.Laser("640");
        laser.Connect();
        laser.InjectFault("over temperature", persistent: true);
        Assert.Throws<DeviceFaultException>(() => laser.ReadState());
        Assert.Throws<DeviceFaultException>(() => laser.SetEmission(true));
        laser.ClearFault();
        laser.SetEmission(true);
        Assert.True(laser.ReadState().EmissionOn);
        Assert.Equal(150, rig.Sample.ExcitationPowerMw);
    }

    [Fact]
    public async Task Camera_WithAnInjectedFault_FailsTheReadAndEndsTheSequence()
    {
        using SimulatedRig rig = TestRigs.Rig();
        rig.Camera.Connect();
        rig.Camera.StartSequenceAcquisition(new SequenceOptions { Pacing = FramePacing.AsFastAsPossible });
        var frame = new Frame(64, 64);
        Assert.True(await rig.Camera.TryReadFrameAsync(frame));
        rig.Camera.InjectFault("sensor over temperature");

        var e = await Assert.ThrowsAsync<DeviceFaultException>(() => rig.Camera.TryReadFrameAsync(frame).AsTask());
        Assert.Equal("camera", e.DeviceName);
        Assert.Contains("sensor over temperature", e.Message, StringComparison.Ordinal);
        Assert.False(rig.Camera.IsAcquiring);
        Assert.False(await rig.Camera.TryReadFrameAsync(frame));
    }

    [Fact]
    public void SlmAndTrigger_WithInjectedFaults_ThrowNamingThemselves()
    {
        using SimulatedRig rig = TestRigs.Rig();
        rig.Slm.Connect();
        rig.Trigger.Connect();
        rig.Slm.InjectFault("panel disconnected");
        rig.Trigger.InjectFault("USB reset");
        Assert.Equal("slm", Assert.Throws<DeviceFaultException>(() => rig.Slm.ShowPhase(new byte[512 * 512])).DeviceName);
        Assert.Equal("trigger", Assert.Throws<DeviceFaultException>(() => rig.Trigger.SetAnalogVolts(0, 1)).DeviceName);
        Assert.Equal(0, rig.Slm.PatternsShown);
    }

    [Fact]
    public void Connect_OfAFaultedLaser_Fails()
    {
        using SimulatedRig rig = TestRigs.Rig();
        rig.Laser("405").InjectFault("no answer on /dev/ttyUSB0");
        Assert.Throws<DeviceFaultException>(rig.Laser("405").Connect);
        Assert.False(rig.Laser("405").IsConnected);
    }
}
