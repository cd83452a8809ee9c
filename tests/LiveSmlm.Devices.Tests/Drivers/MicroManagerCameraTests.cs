using LiveSmlm.Core;
using LiveSmlm.DeviceSimulators;
using LiveSmlm.Devices.Drivers.MicroManager;

namespace LiveSmlm.Devices.Tests.Drivers;

/// <summary>The Micro-Manager bridge camera against a fake ZMQ server speaking the bridge's framing.</summary>
public sealed class MicroManagerCameraTests
{
    private static MicroManagerCamera Camera(FakeMicroManagerServer server, double frameRateHz = 200) => new("camera", new MicroManagerCameraOptions
    {
        Address = server.Address,
        SensorType = "sCMOS",
        PhotonModel = new CameraModel { PixelSizeNm = 108 },
        FrameRateHz = frameRateHz,
        ReplyTimeout = TimeSpan.FromSeconds(10),
    });

    [Fact]
    public void Connect_GetsTheCoreAndTheLoadedCamera()
    {
        using var server = new FakeMicroManagerServer(96, 80, "HamamatsuHam_DCAM");
        using MicroManagerCamera camera = Camera(server);
        camera.Connect();

        Assert.Equal("HamamatsuHam_DCAM", camera.DeviceLabel);
        Assert.Equal(96, camera.Info.SensorWidthPx);
        Assert.Equal(80, camera.Info.SensorHeightPx);
        Assert.Equal(new CameraRoi(0, 0, 96, 80), camera.Roi);
        Assert.Equal(["getCameraDevice()", "clearROI()", "getImageWidth()", "getImageHeight()", "getBytesPerPixel()", "getExposure()"], server.Calls);
    }

    [Fact]
    public void ExposureAndRoi_AreSetAndReadBack()
    {
        using var server = new FakeMicroManagerServer(64, 64);
        using MicroManagerCamera camera = Camera(server);
        camera.Connect();
        int before = server.Calls.Count;

        camera.SetExposure(4.5);
        camera.SetRoi(new CameraRoi(8, 4, 32, 16));

        Assert.Equal(["setExposure(4.5)", "getExposure()", "setROI(8, 4, 32, 16)", "getImageWidth()", "getImageHeight()"], server.Calls.Skip(before));
        Assert.Equal(4.5, camera.ExposureMs);
        Assert.Equal(new CameraRoi(8, 4, 32, 16), camera.Roi);
    }

    [Fact]
    public async Task Sequence_DeliversTheServersPixelsWithIndexAndTimestamp_ThenStops()
    {
        using var server = new FakeMicroManagerServer(16, 8);
        server.FrameFactory = (i, w, h) => [.. Enumerable.Range(0, w * h).Select(p => (ushort)((i * 1000) + p))];
        using MicroManagerCamera camera = Camera(server, frameRateHz: 500);
        camera.Connect();
        camera.SetExposure(1);
        camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 3, ReadTimeout = TimeSpan.FromSeconds(2) });

        var frame = new Frame(16, 8);
        var seen = new List<(long Index, double T, ushort First, ushort Last)>();
        while (await camera.TryReadFrameAsync(frame))
        {
            seen.Add((frame.Index, frame.TimestampSeconds, frame.Pixels[0], frame.Pixels[127]));
        }

        Assert.Equal([(0, 0.0, 0, 127), (1, 0.002, 1000, 1127), (2, 0.004, 2000, 2127)], seen.Select(s => (s.Index, Math.Round(s.T, 6), s.First, s.Last)));
        Assert.Contains("startContinuousSequenceAcquisition(2)", server.Calls);
        Assert.Equal("stopSequenceAcquisition()", server.Calls[^1]);
        Assert.False(camera.IsAcquiring);
    }

    [Fact]
    public async Task StalledCamera_TimesOut()
    {
        using var server = new FakeMicroManagerServer(8, 8) { Stalled = true };
        using MicroManagerCamera camera = Camera(server);
        camera.Connect();
        camera.StartSequenceAcquisition(new SequenceOptions { ReadTimeout = TimeSpan.FromMilliseconds(100) });

        await Assert.ThrowsAsync<CameraTimeoutException>(async () => await camera.TryReadFrameAsync(new Frame(8, 8)));
    }

    [Fact]
    public async Task BufferOverflow_IsAnOverflowFault()
    {
        using var server = new FakeMicroManagerServer(8, 8) { BufferCapacity = 0 };
        using MicroManagerCamera camera = Camera(server, frameRateHz: 1000);
        camera.Connect();
        camera.SetExposure(0.5);
        camera.StartSequenceAcquisition(new SequenceOptions { ReadTimeout = TimeSpan.FromSeconds(1) });

        var e = await Assert.ThrowsAsync<CameraOverflowException>(async () => await camera.TryReadFrameAsync(new Frame(8, 8)));
        Assert.Contains("circular buffer overflowed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoServer_FailsConnectNamingTheAddress()
    {
        using var camera = new MicroManagerCamera("camera", new MicroManagerCameraOptions
        {
            Address = "tcp://127.0.0.1:9",
            SensorType = "sCMOS",
            PhotonModel = new CameraModel { PixelSizeNm = 100 },
            FrameRateHz = 100,
            ReplyTimeout = TimeSpan.FromMilliseconds(200),
        });

        var e = Assert.Throws<DeviceFaultException>(camera.Connect);
        Assert.Contains("tcp://127.0.0.1:9", e.Message, StringComparison.Ordinal);
        Assert.Contains("ZMQ server", e.Message, StringComparison.Ordinal);
    }
}
