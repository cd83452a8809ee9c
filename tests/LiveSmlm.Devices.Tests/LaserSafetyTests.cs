using LiveSmlm.Core;
using LiveSmlm.Devices.Safety;
using LiveSmlm.Devices.Simulated;

namespace LiveSmlm.Devices.Tests;

/// <summary>
/// Every laser sits behind SafeLaser: an exception, a session stop or fault, Ctrl-C, SIGTERM or process
/// exit switch emission off. The truth checked is the light reaching the simulated sample.
/// </summary>
public sealed class LaserSafetyTests : IDisposable
{
    private readonly LaserSafetyRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public void AnExceptionFromTheLaser_SwitchesItsEmissionOff_AndIsRethrown()
    {
        using SimulatedRig rig = TestRigs.Rig();
        using var laser = new SafeLaser(rig.Laser("405"), _registry);
        laser.Connect();
        laser.SetEmission(true);
        Assert.Equal(6, rig.Sample.ActivationPowerMw);

        rig.Laser("405").InjectFault("interlock open");
        var e = Assert.Throws<DeviceFaultException>(() => laser.SetPowerMw(50));

        Assert.Contains("interlock open", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, rig.Sample.ActivationPowerMw);
        Assert.Equal(0, rig.Laser("405").EmittedPowerMw);
        Assert.Equal(new SafetyShutOff("405", SafetyTrigger.LaserException, true, null), laser.LastShutOff);
    }

    [Fact]
    public void ALaserThatCannotBeSwitchedOff_IsReportedLoudly_WithBothErrors()
    {
        using SimulatedRig rig = TestRigs.Rig();
        using var laser = new SafeLaser(rig.Laser("640"), _registry);
        laser.Connect();
        laser.SetEmission(true);
        rig.Laser("640").InjectFault("controller hung", persistent: true);

        var e = Assert.Throws<DeviceFaultException>(() => laser.ReadState());
        Assert.Contains("could NOT be switched off", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, Assert.IsType<AggregateException>(e.InnerException).InnerExceptions.Count);
        Assert.False(laser.LastShutOff!.Succeeded);
        Assert.Equal(150, rig.Sample.ExcitationPowerMw);   // still on: that is why the error is loud
        rig.Laser("640").ClearFault();
    }

    [Fact]
    public void APowerOutsideTheLimits_IsRefused_WithoutAShutOff()
    {
        using SimulatedRig rig = TestRigs.Rig();
        using var laser = new SafeLaser(rig.Laser("405"), _registry);
        laser.Connect();
        laser.SetEmission(true);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => laser.SetPowerMw(101));
        Assert.Contains("[0, 100] mW", e.Message, StringComparison.Ordinal);
        Assert.Null(laser.LastShutOff);
        Assert.Equal(6, rig.Sample.ActivationPowerMw);
    }

    [Fact]
    public void SessionStop_SwitchesEveryLaserOff()
    {
        using SimulatedRig rig = TestRigs.Rig();
        using DeviceSession session = TestRigs.Session(rig, _registry);
        session.Connect();
        session.Arm(new SequenceOptions { Pacing = FramePacing.AsFastAsPossible });
        session.Acquire();
        Assert.Equal((6.0, 150.0), (rig.Sample.ActivationPowerMw, rig.Sample.ExcitationPowerMw));

        session.Stop();

        Assert.Equal((0.0, 0.0), (rig.Sample.ActivationPowerMw, rig.Sample.ExcitationPowerMw));
        Assert.All(session.Lasers, l => Assert.Equal(SafetyTrigger.SessionStop, l.LastShutOff!.Trigger));
        Assert.All(session.Lasers, l => Assert.False(l.ReadState().EmissionOn));
    }

    [Fact]
    public async Task ACameraFault_ReportedToTheSession_SwitchesEveryLaserOff()
    {
        using SimulatedRig rig = TestRigs.Rig();
        using DeviceSession session = TestRigs.Session(rig, _registry);
        session.Connect();
        session.Arm(new SequenceOptions { Pacing = FramePacing.AsFastAsPossible });
        session.Acquire();
        rig.Camera.InjectFault("cable unplugged");

        var error = await Assert.ThrowsAsync<DeviceFaultException>(() => session.Camera.TryReadFrameAsync(new Frame(64, 64)).AsTask());
        Assert.Empty(session.Fault(error));

        Assert.Equal(SessionState.Faulted, session.State);
        Assert.Same(error, session.FaultReason);
        Assert.Equal((0.0, 0.0), (rig.Sample.ActivationPowerMw, rig.Sample.ExcitationPowerMw));
        Assert.All(session.Lasers, l => Assert.Equal(SafetyTrigger.SessionFault, l.LastShutOff!.Trigger));
    }

    [Fact]
    public void ALaserFaultDuringAcquire_FaultsTheSessionAndLeavesEveryLaserOff()
    {
        using SimulatedRig rig = TestRigs.Rig();
        using DeviceSession session = TestRigs.Session(rig, _registry);
        session.Connect();
        session.Arm(new SequenceOptions());
        rig.Laser("640").InjectFault("key switch off");   // 405 goes on first, then 640 fails

        Assert.Throws<DeviceFaultException>(session.Acquire);

        Assert.Equal(SessionState.Faulted, session.State);
        Assert.False(rig.Camera.IsAcquiring);
        Assert.Equal((0.0, 0.0), (rig.Sample.ActivationPowerMw, rig.Sample.ExcitationPowerMw));
    }

    [Fact]
    public void SessionStop_WithALaserThatWillNotSwitchOff_FaultsTheSessionNamingThatLaser()
    {
        using SimulatedRig rig = TestRigs.Rig();
        using DeviceSession session = TestRigs.Session(rig, _registry);
        session.Connect();
        session.Arm(new SequenceOptions());
        session.Acquire();
        rig.Laser("640").InjectFault("no answer", persistent: true);

        var e = Assert.Throws<DeviceFaultException>(session.Stop);

        Assert.Equal("640", e.DeviceName);
        Assert.Contains("'640'", e.Message, StringComparison.Ordinal);
        Assert.Equal(SessionState.Faulted, session.State);
        Assert.False(rig.Camera.IsAcquiring);
        Assert.Equal(0, rig.Sample.ActivationPowerMw);    // the 405 did switch off
        rig.Laser("640").ClearFault();
    }

    public static TheoryData<string> Hooks => new() { "Ctrl-C", "SIGTERM", "ProcessExit" };

    [Theory]
    [MemberData(nameof(Hooks))]
    public void AProcessHook_SwitchesOffEveryLaserOfEverySessionInTheRegistry(string hook)
    {
        using SimulatedRig rigA = TestRigs.Rig(seed: 1);
        using SimulatedRig rigB = TestRigs.Rig(seed: 2);
        using DeviceSession a = TestRigs.Session(rigA, _registry);
        using DeviceSession b = TestRigs.Session(rigB, _registry);
        foreach (DeviceSession session in new[] { a, b })
        {
            session.Connect();
            session.Arm(new SequenceOptions());
            session.Acquire();
        }

        Assert.Equal(4, _registry.Lasers.Count);
        Assert.All(new[] { rigA, rigB }, r => Assert.True(r.Sample.ExcitationPowerMw > 0));

        (IReadOnlyList<SafetyShutOff> offs, SafetyTrigger trigger) = hook switch
        {
            "Ctrl-C" => (_registry.HandleCtrlC(), SafetyTrigger.CtrlC),
            "SIGTERM" => (_registry.HandleSigterm(), SafetyTrigger.Sigterm),
            _ => (_registry.HandleProcessExit(), SafetyTrigger.ProcessExit),
        };

        Assert.Equal(["405", "405", "640", "640"], offs.Select(o => o.LaserName).Order());
        Assert.All(offs, o => Assert.True(o.Succeeded));
        Assert.All(offs, o => Assert.Equal(trigger, o.Trigger));
        foreach (SimulatedRig rig in new[] { rigA, rigB })
        {
            Assert.Equal((0.0, 0.0), (rig.Sample.ActivationPowerMw, rig.Sample.ExcitationPowerMw));
            Assert.All(rig.Lasers, l => Assert.Equal(0, l.EmittedPowerMw));
        }
    }

    [Fact]
    public void ProcessHooks_InstallAndRemove_AndLasersLeaveTheRegistryWhenDisposed()
    {
        using var registry = new LaserSafetyRegistry();
        Assert.False(registry.HooksInstalled);
        registry.InstallProcessHooks();
        registry.InstallProcessHooks();
        Assert.True(registry.HooksInstalled);

        using SimulatedRig rig = TestRigs.Rig();
        var laser = new SafeLaser(rig.Laser("405"), registry);
        Assert.Equal([laser], registry.Lasers);
        laser.Dispose();
        Assert.Empty(registry.Lasers);

        registry.Dispose();
        Assert.False(registry.HooksInstalled);
    }

    [Fact]
    public void TheProcessRegistry_InstallsItsHooksWhenALaserJoins()
    {
        using SimulatedRig rig = TestRigs.Rig();
        using var laser = new SafeLaser(rig.Laser("405"), LaserSafetyRegistry.Process);
        Assert.True(LaserSafetyRegistry.Process.HooksInstalled);
        Assert.Contains(laser, LaserSafetyRegistry.Process.Lasers);
    }
}
