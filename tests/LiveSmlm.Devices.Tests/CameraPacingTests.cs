using System.Diagnostics;
using LiveSmlm.Core;
using LiveSmlm.Devices.Simulated;

namespace LiveSmlm.Devices.Tests;

/// <summary>The simulated camera keeps the profile's frame rate on a monotonic clock, or runs unpaced.</summary>
public class CameraPacingTests
{
    private static async Task<List<Frame>> ReadAll(ICamera camera, int expected)
    {
        var frames = new List<Frame>();
        while (true)
        {
            var frame = new Frame(camera.Roi.Width, camera.Roi.Height);
            if (!await camera.TryReadFrameAsync(frame))
            {
                break;
            }

            frames.Add(frame);
        }

        Assert.Equal(expected, frames.Count);
        return frames;
    }

    [Fact]
    public async Task RealTime_TwentyFramesAtTheProfileRate_AreNotDeliveredFasterThanTheRateAllows()
    {
        using SimulatedRig rig = TestRigs.Rig();
        double rateHz = TestRigs.Storm.Camera.FrameRateHz;
        Assert.Equal(100, rateHz);
        rig.Camera.Connect();

        var watch = Stopwatch.StartNew();
        rig.Camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 20 });
        List<Frame> frames = await ReadAll(rig.Camera, 20);
        watch.Stop();

        // Frame 0 is due at once, frame 19 after 19 periods: a lower bound only (no speed threshold).
        Assert.True(watch.Elapsed.TotalSeconds >= 19 / rateHz, $"20 frames at {rateHz} Hz came in {watch.Elapsed.TotalMilliseconds:F1} ms < {19000 / rateHz} ms");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), frames.Select(f => f.Index));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i / rateHz), frames.Select(f => f.TimestampSeconds));
    }

    [Fact]
    public async Task RealTime_TimersThatFireLate_DoNotAccumulateDrift()
    {
        // Every wait overshoots by 3 ms. Pacing by deadline keeps frame n at 10 n ms + 3 ms; adding
        // periods would drift to 13 n ms.
        var clock = new ManualClock { OvershootPerWait = TimeSpan.FromMilliseconds(3) };
        using SimulatedRig rig = TestRigs.Rig(clock: clock);
        rig.Camera.Connect();
        rig.Camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 50 });
        await ReadAll(rig.Camera, 50);

        Assert.InRange(clock.NowSeconds, 0.490, 0.4935);
        Assert.Equal(49, clock.TimersCreated);
    }

    [Fact]
    public async Task AsFastAsPossible_NeverWaitsOnTheClock_AndKeepsNominalTimestamps()
    {
        var clock = new ManualClock();
        using SimulatedRig rig = TestRigs.Rig(clock: clock);
        rig.Camera.Connect();
        rig.Camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 30, Pacing = FramePacing.AsFastAsPossible });
        List<Frame> frames = await ReadAll(rig.Camera, 30);

        Assert.Equal(0, clock.TimersCreated);
        Assert.Equal(0, clock.NowSeconds);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => i / 100.0), frames.Select(f => f.TimestampSeconds));
    }

    [Fact]
    public async Task ReaderFallingBehindTheBuffer_EndsTheSequenceWithAnOverflowNamingTheCamera()
    {
        var clock = new ManualClock();
        using SimulatedRig rig = TestRigs.Rig(clock: clock);
        rig.Camera.Connect();
        rig.Camera.StartSequenceAcquisition(new SequenceOptions { BufferCapacityFrames = 8 });
        var frame = new Frame(64, 64);
        Assert.True(await rig.Camera.TryReadFrameAsync(frame));

        clock.Advance(TimeSpan.FromMilliseconds(100));   // frame 1 was due at 10 ms: 9 periods behind
        var e = await Assert.ThrowsAsync<CameraOverflowException>(() => rig.Camera.TryReadFrameAsync(frame).AsTask());
        Assert.Equal("camera", e.DeviceName);
        Assert.Equal(9, e.BehindFrames);
        Assert.Contains("buffer holds 8", e.Message, StringComparison.Ordinal);
        Assert.False(rig.Camera.IsAcquiring);
    }

    [Fact]
    public async Task Stop_FromAnotherThread_EndsAPendingRead()
    {
        using SimulatedRig rig = TestRigs.Rig();
        rig.Camera.Connect();
        rig.Camera.StartSequenceAcquisition(new SequenceOptions());
        rig.Camera.InjectStall();
        ValueTask<bool> read = rig.Camera.TryReadFrameAsync(new Frame(64, 64));

        await Task.Run(rig.Camera.StopSequenceAcquisition);

        Assert.False(await read.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(rig.Camera.IsAcquiring);
        Assert.False(await rig.Camera.TryReadFrameAsync(new Frame(64, 64)));
    }

    [Fact]
    public async Task Cancellation_OfAPendingRead_Throws()
    {
        using SimulatedRig rig = TestRigs.Rig();
        rig.Camera.Connect();
        rig.Camera.StartSequenceAcquisition(new SequenceOptions());
        rig.Camera.InjectStall();
        using var cancel = new CancellationTokenSource();
        Task<bool> read = rig.Camera.TryReadFrameAsync(new Frame(64, 64), cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ACameraThatStopsDelivering_TimesOutNamingTheFrame()
    {
        var clock = new ManualClock();
        using SimulatedRig rig = TestRigs.Rig(clock: clock);
        rig.Camera.Connect();
        rig.Camera.StartSequenceAcquisition(new SequenceOptions { ReadTimeout = TimeSpan.FromSeconds(2) });
        var frame = new Frame(64, 64);
        Assert.True(await rig.Camera.TryReadFrameAsync(frame));
        rig.Camera.InjectStall();

        var e = await Assert.ThrowsAsync<CameraTimeoutException>(() => rig.Camera.TryReadFrameAsync(frame).AsTask());
        Assert.Equal(1, e.FrameIndex);
        Assert.Contains("stopped delivering", e.Message, StringComparison.Ordinal);
        Assert.Equal(0.010 + 2, clock.NowSeconds, 9);   // frame 1 was due at 10 ms; then 2 s of nothing
        Assert.False(rig.Camera.IsAcquiring);
    }

    [Fact]
    public async Task APooledFrameWithALongerBuffer_IsFilledInItsFirstPixels()
    {
        using SimulatedRig pooled = TestRigs.Rig(seed: 3);
        using SimulatedRig plain = TestRigs.Rig(seed: 3);
        var big = new Frame(64, 64, new ushort[(64 * 64) + 100]);
        big.Pixels.AsSpan(64 * 64).Fill(12345);
        var exact = new Frame(64, 64);
        foreach ((SimulatedRig rig, Frame frame) in new[] { (pooled, big), (plain, exact) })
        {
            rig.Camera.Connect();
            rig.Camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 1, Pacing = FramePacing.AsFastAsPossible });
            Assert.True(await rig.Camera.TryReadFrameAsync(frame));
        }

        Assert.Equal(exact.Span.ToArray(), big.Span.ToArray());
        Assert.All(big.Pixels[(64 * 64)..], p => Assert.Equal(12345, p));
    }
}
