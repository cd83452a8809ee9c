using LiveSmlm.Core;
using LiveSmlm.Devices.Simulated;

namespace LiveSmlm.Devices.Tests;

/// <summary>Camera, laser, SLM and trigger settings: limits, ROI, read-back, and the errors that name what is wrong.</summary>
public class DeviceSettingsTests
{
    [Fact]
    public void TheRig_DescribesItsDevices_FromTheProfile()
    {
        using SimulatedRig rig = TestRigs.Rig();
        Assert.Equal(new CameraRoi(0, 0, 64, 64), rig.Camera.Roi);
        Assert.Equal("sCMOS", rig.Camera.Info.SensorType);
        Assert.Equal(100, rig.Camera.Info.PixelSizeNm);
        Assert.Equal(0.46, rig.Camera.Info.PhotonModel.ElectronsPerAdu);
        Assert.Equal((10.0, 100.0), (rig.Camera.ExposureMs, rig.Camera.FrameRateHz));
        Assert.Equal(["405", "640"], rig.Lasers.Select(l => l.Name));
        Assert.Equal(new PowerLimits(0, 500), rig.Laser("640").Limits);
        Assert.Equal(405, rig.Laser("405").WavelengthNm);
        Assert.True(rig.Laser("405").Capabilities.HasFlag(DeviceCapabilities.SetPower | DeviceCapabilities.SwitchEmission));
        Assert.Contains("'nope'", Assert.Throws<KeyNotFoundException>(() => rig.Laser("nope")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LaserState_ReadsBackSetPowerMeasuredPowerAndEmission()
    {
        using SimulatedRig rig = TestRigs.Rig();
        SimulatedLaser laser = rig.Laser("405");
        Assert.Throws<InvalidOperationException>(() => laser.ReadState());
        laser.Connect();
        Assert.Equal(new LaserState(6, 0, false), laser.ReadState());
        laser.SetPowerMw(12.5);
        laser.SetEmission(true);
        Assert.Equal(new LaserState(12.5, 12.5, true), laser.ReadState());
        Assert.Equal(12.5, rig.Sample.ActivationPowerMw);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => laser.SetPowerMw(-1));
        Assert.Contains("'405'", e.Message, StringComparison.Ordinal);
        Assert.Equal(12.5, laser.ReadState().SetPowerMw);
    }

    [Fact]
    public void CameraSettings_OutOfRangeOrDuringASequence_AreRefusedNamingTheCamera()
    {
        using SimulatedRig rig = TestRigs.Rig();
        rig.Camera.Connect();
        var exposure = Assert.Throws<ArgumentOutOfRangeException>(() => rig.Camera.SetExposure(20));
        Assert.Contains("(0, 10] ms", exposure.Message, StringComparison.Ordinal);
        var roi = Assert.Throws<ArgumentOutOfRangeException>(() => rig.Camera.SetRoi(new CameraRoi(60, 0, 8, 8)));
        Assert.Contains("64×64 sensor", roi.Message, StringComparison.Ordinal);

        rig.Camera.StartSequenceAcquisition(new SequenceOptions());
        var busy = Assert.Throws<InvalidOperationException>(() => rig.Camera.SetExposure(5));
        Assert.Contains("Camera 'camera' is acquiring", busy.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => rig.Camera.StartSequenceAcquisition(new SequenceOptions()));
        rig.Camera.StopSequenceAcquisition();
        rig.Camera.StopSequenceAcquisition();

        rig.Camera.SetFrameRate(50);
        rig.Camera.SetExposure(20);
        Assert.Equal((20.0, 50.0), (rig.Camera.ExposureMs, rig.Camera.FrameRateHz));
        Assert.Equal(50, rig.Sample.Settings.Camera.FrameRateHz);
    }

    [Fact]
    public async Task CameraRoi_IsTheCropOfTheFullFrame()
    {
        // Two rigs with one seed make the same frames; one reads the full sensor, one a ROI.
        using SimulatedRig full = TestRigs.Rig(seed: 5);
        using SimulatedRig cropped = TestRigs.Rig(seed: 5);
        var roi = new CameraRoi(10, 20, 30, 16);
        cropped.Camera.SetRoi(roi);
        foreach (SimulatedRig rig in new[] { full, cropped })
        {
            rig.Camera.Connect();
            rig.Camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 2, Pacing = FramePacing.AsFastAsPossible });
        }

        var a = new Frame(64, 64);
        var b = new Frame(roi.Width, roi.Height);
        await Assert.ThrowsAsync<ArgumentException>(() => cropped.Camera.TryReadFrameAsync(a).AsTask());
        for (int i = 0; i < 2; i++)
        {
            Assert.True(await full.Camera.TryReadFrameAsync(a));
            Assert.True(await cropped.Camera.TryReadFrameAsync(b));
            for (int y = 0; y < roi.Height; y++)
            {
                for (int x = 0; x < roi.Width; x++)
                {
                    Assert.Equal(a[x + roi.X, y + roi.Y], b[x, y]);
                }
            }
        }
    }

    [Fact]
    public void Slm_ShowsAPhaseImageOfItsSize()
    {
        using var slm = new SimulatedSlm("slm", 4, 3);
        slm.Connect();
        byte[] phase = [.. Enumerable.Range(0, 12).Select(i => (byte)(i * 20))];
        slm.ShowPhase(phase);
        Assert.Equal(phase, slm.CurrentPhase());
        Assert.Equal(1, slm.PatternsShown);
        var e = Assert.Throws<ArgumentException>(() => slm.ShowPhase(new byte[11]));
        Assert.Contains("4×3 = 12 pixels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trigger_SetsAnalogAndDigitalOutputs_WithinRange_AndZeroesThemOnDisconnect()
    {
        using var trigger = new SimulatedTrigger("trigger", 2, new VoltageRange(0, 10), 4);
        trigger.Connect();
        trigger.SetAnalogVolts(1, 2.5);
        trigger.SetDigitalLine(3, true);
        Assert.Equal((2.5, true), (trigger.GetAnalogVolts(1), trigger.GetDigitalLine(3)));
        Assert.Contains("[0, 10] V", Assert.Throws<ArgumentOutOfRangeException>(() => trigger.SetAnalogVolts(0, 11)).Message, StringComparison.Ordinal);
        Assert.Contains("channels 0 … 1", Assert.Throws<ArgumentOutOfRangeException>(() => trigger.SetAnalogVolts(2, 1)).Message, StringComparison.Ordinal);
        trigger.Disconnect();
        trigger.Connect();
        Assert.Equal((0.0, false), (trigger.GetAnalogVolts(1), trigger.GetDigitalLine(3)));
    }
}
