using LiveSmlm.Core;
using LiveSmlm.Devices.Safety;
using LiveSmlm.Devices.Simulated;

namespace LiveSmlm.Devices.Tests;

/// <summary>connect → arm → acquire → stop → disconnect, and clear refusals out of order.</summary>
public sealed class SessionLifecycleTests : IDisposable
{
    private readonly LaserSafetyRegistry _registry = new();
    private readonly SimulatedRig _rig = TestRigs.Rig();

    public void Dispose()
    {
        _rig.Dispose();
        _registry.Dispose();
    }

    [Fact]
    public async Task TheFullCycle_RunsTwice_AndLeavesEverythingSafe()
    {
        using DeviceSession session = TestRigs.Session(_rig, _registry);
        var frame = new Frame(64, 64);
        session.Connect();
        Assert.True(_rig.Camera.IsConnected && _rig.Lasers.All(l => l.IsConnected) && _rig.Slm.IsConnected && _rig.Trigger.IsConnected);
        for (int run = 0; run < 2; run++)
        {
            session.Arm(new SequenceOptions { FrameCount = 3, Pacing = FramePacing.AsFastAsPossible });
            Assert.Equal(SessionState.Armed, session.State);
            Assert.Equal(0, _rig.Sample.ExcitationPowerMw);
            session.Acquire();
            Assert.Equal(SessionState.Acquiring, session.State);
            Assert.Equal(150, _rig.Sample.ExcitationPowerMw);
            int frames = 0;
            while (await session.Camera.TryReadFrameAsync(frame))
            {
                frames++;
            }

            Assert.Equal(3, frames);
            session.Stop();
            Assert.Equal(SessionState.Stopped, session.State);
            Assert.Equal(0, _rig.Sample.ExcitationPowerMw);
        }

        session.Disconnect();
        Assert.Equal(SessionState.Disconnected, session.State);
        Assert.False(_rig.Camera.IsConnected || _rig.Lasers.Any(l => l.IsConnected) || _rig.Slm.IsConnected || _rig.Trigger.IsConnected);
    }

    [Theory]
    [InlineData("Arm", "Disconnected", "call Connect first")]
    [InlineData("Acquire", "Disconnected", "call Connect first")]
    [InlineData("Stop", "Disconnected", "call Connect first")]
    public void ACallBeforeConnect_IsRefusedNamingTheStateAndTheFix(string call, string state, string hint)
    {
        using DeviceSession session = TestRigs.Session(_rig, _registry);
        var e = Assert.Throws<SessionStateException>(() => Call(session, call));
        Assert.StartsWith($"Cannot {call}: the session is {state};", e.Message, StringComparison.Ordinal);
        Assert.Contains(hint, e.Message, StringComparison.Ordinal);
        Assert.Equal(SessionState.Disconnected, session.State);
    }

    [Fact]
    public void AcquireBeforeArm_IsRefused()
    {
        using DeviceSession session = TestRigs.Session(_rig, _registry);
        session.Connect();
        var e = Assert.Throws<SessionStateException>(session.Acquire);
        Assert.Equal("Cannot Acquire: the session is Connected; Acquire needs Armed (call Arm first).", e.Message);
        Assert.False(_rig.Camera.IsAcquiring);
        Assert.Equal(0, _rig.Sample.ExcitationPowerMw);
    }

    [Fact]
    public void ConnectTwice_ArmWhileAcquiring_AndDisconnectWhileAcquiring_AreRefused()
    {
        using DeviceSession session = TestRigs.Session(_rig, _registry);
        session.Connect();
        Assert.Contains("already connected", Assert.Throws<SessionStateException>(session.Connect).Message, StringComparison.Ordinal);
        session.Arm(new SequenceOptions());
        session.Acquire();
        Assert.Contains("call Stop first", Assert.Throws<SessionStateException>(() => session.Arm(new SequenceOptions())).Message, StringComparison.Ordinal);
        var e = Assert.Throws<SessionStateException>(session.Disconnect);
        Assert.Equal(SessionState.Acquiring, e.State);
        Assert.True(_rig.Camera.IsAcquiring);
    }

    [Fact]
    public void AfterAFault_OnlyDisconnectIsAllowed_ThenTheSessionConnectsAgain()
    {
        using DeviceSession session = TestRigs.Session(_rig, _registry);
        session.Connect();
        session.Arm(new SequenceOptions());
        session.Acquire();
        session.Fault(new InvalidOperationException("disk full"));
        session.Stop();   // a no-op: cleanup paths may call it
        Assert.Contains("faulted", Assert.Throws<SessionStateException>(() => session.Arm(new SequenceOptions())).Message, StringComparison.Ordinal);

        session.Disconnect();
        session.Disconnect();
        session.Connect();
        Assert.Equal(SessionState.Connected, session.State);
        Assert.Null(session.FaultReason);
    }

    [Fact]
    public void AFailedConnect_DisconnectsWhatItConnected_AndStaysDisconnected()
    {
        using DeviceSession session = TestRigs.Session(_rig, _registry);
        _rig.Laser("640").InjectFault("port busy");
        var e = Assert.Throws<DeviceFaultException>(session.Connect);
        Assert.Equal("640", e.DeviceName);
        Assert.Equal(SessionState.Disconnected, session.State);
        Assert.False(_rig.Camera.IsConnected || _rig.Laser("405").IsConnected);
    }

    [Fact]
    public void Dispose_WhileAcquiring_StopsAndSwitchesOff()
    {
        var session = TestRigs.Session(_rig, _registry);
        session.Connect();
        session.Arm(new SequenceOptions());
        session.Acquire();
        session.Dispose();
        Assert.False(_rig.Camera.IsAcquiring || _rig.Camera.IsConnected);
        Assert.Equal((0.0, 0.0), (_rig.Sample.ActivationPowerMw, _rig.Sample.ExcitationPowerMw));
        Assert.Empty(_registry.Lasers);
    }

    [Fact]
    public void ArmAsFastAsPossible_OnACameraThatCannot_IsRefusedNamingTheCapability()
    {
        var camera = new PacedOnlyCamera();
        using var session = new DeviceSession(camera, [], safetyRegistry: _registry);
        session.Connect();
        var e = Assert.Throws<NotSupportedException>(() => session.Arm(new SequenceOptions { Pacing = FramePacing.AsFastAsPossible }));
        Assert.Contains("UnpacedAcquisition", e.Message, StringComparison.Ordinal);
        Assert.Equal(SessionState.Connected, session.State);
    }

    [Fact]
    public void Arm_WithChosenLasers_SwitchesOnOnlyThoseDuringAcquire()
    {
        using DeviceSession session = TestRigs.Session(_rig, _registry);
        session.Connect();
        session.Arm(new SequenceOptions(), lasersOn: ["640"]);
        session.Acquire();
        Assert.Equal((0.0, 150.0), (_rig.Sample.ActivationPowerMw, _rig.Sample.ExcitationPowerMw));
        session.Stop();
        Assert.Contains("'488'", Assert.Throws<KeyNotFoundException>(() => session.Arm(new SequenceOptions(), lasersOn: ["488"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disconnect_WithALaserThatWillNotSwitchOff_DisconnectsEverythingAndSaysWhich()
    {
        using DeviceSession session = TestRigs.Session(_rig, _registry);
        session.Connect();
        session.Laser("405").SetEmission(true);
        _rig.Laser("405").InjectFault("no answer", persistent: true);

        var e = Assert.Throws<DeviceFaultException>(session.Disconnect);
        Assert.Equal("405", e.DeviceName);
        Assert.Contains("could NOT be switched off", e.Message, StringComparison.Ordinal);
        Assert.Equal(SessionState.Disconnected, session.State);
        Assert.False(_rig.Camera.IsConnected || _rig.Lasers.Any(l => l.IsConnected) || _rig.Slm.IsConnected || _rig.Trigger.IsConnected);
        _rig.Laser("405").ClearFault();
    }

    [Fact]
    public void ALaserAlreadyBehindASafeLaser_IsKept_AndTwoLasersOfOneName_AreRefused()
    {
        using var other = new LaserSafetyRegistry();
        using var guarded = new SafeLaser(_rig.Laser("405"), other);
        using (var session = new DeviceSession(_rig.Camera, [guarded, _rig.Laser("640")], safetyRegistry: _registry))
        {
            Assert.Same(guarded, session.Laser("405"));
            Assert.Equal(["640"], _registry.Lasers.Select(l => l.Name));
        }

        Assert.Empty(_registry.Lasers);
        Assert.Equal([guarded], other.Lasers);
        var e = Assert.Throws<ArgumentException>(() => new DeviceSession(_rig.Camera, [_rig.Laser("640"), _rig.Laser("640")], safetyRegistry: _registry));
        Assert.Contains("'640'", e.Message, StringComparison.Ordinal);
        Assert.Empty(_registry.Lasers);
    }

    private static void Call(DeviceSession session, string call)
    {
        switch (call)
        {
            case "Arm": session.Arm(new SequenceOptions()); break;
            case "Acquire": session.Acquire(); break;
            case "Stop": session.Stop(); break;
            default: throw new ArgumentOutOfRangeException(nameof(call));
        }
    }

    /// <summary>A camera like a real one: paced only.</summary>
    private sealed class PacedOnlyCamera : Pacing.PacedCamera
    {
        public PacedOnlyCamera()
            : base("paced", new CameraInfo("test", "sCMOS", 4, 4, new CameraModel()), 10, 100, DeviceCapabilities.SetRoi, null)
        {
        }

        protected override bool ReadSensorFrame(Frame sensorFrame, long index) => true;
    }
}
