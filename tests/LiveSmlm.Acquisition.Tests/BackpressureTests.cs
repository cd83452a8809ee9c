using System.Threading.Channels;
using LiveSmlm.Acquisition.Pipeline;
using LiveSmlm.Acquisition.Session;
using LiveSmlm.Devices;
using LiveSmlm.Devices.Safety;
using LiveSmlm.Devices.Simulated;
using LiveSmlm.Localization;

namespace LiveSmlm.Acquisition.Tests;

/// <summary>A deliberately slow consumer behind the camera stage: backpressure, exact drop counts, no deadlock.</summary>
public sealed class BackpressureTests : IDisposable
{
    private readonly LaserSafetyRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task BlockedWaitSink_BackpressureReachesCamera_WhichOverflowsAsCountedError()
    {
        using var rig = new SimulatedRig(AcquisitionSupport.SmallStorm(), seed: 11);
        // At the profile's 100 frames/s a buffer of 128 frames gives the pipeline 1.28 s to start.
        using var session = new DeviceSession(rig.Camera, rig.Lasers, safetyRegistry: _registry);
        session.Connect();

        // Warm-up (JIT, thread pool) on a short unpaced sequence, so the paced one below starts promptly.
        session.Arm(new SequenceOptions { FrameCount = 16, Pacing = FramePacing.AsFastAsPossible });
        session.Acquire();
        using (ILocalizer warm = new CpuLocalizer(TestStacks.Settings with { Camera = rig.Profile.ToCameraModel() }))
        {
            await new LocalizationPipeline(new CameraFrameSource(rig.Camera, 16, null, CancellationToken.None), warm, [new SinkChannel(new CollectingSink("warm"))], new PipelineOptions { BatchFrames = 8 }).RunAsync();
        }

        session.Stop();
        session.Arm(new SequenceOptions { FrameCount = 100_000, BufferCapacityFrames = 128 });

        using var gate = new SemaphoreSlim(0);
        var slow = new CollectingSink("slow", gate: gate);
        long recorded = 0;
        const int batch = 8, inFlight = 2, sinkCapacity = 1;
        using ILocalizer localizer = new CpuLocalizer(TestStacks.Settings with { Camera = rig.Profile.ToCameraModel() });
        var pipeline = new LocalizationPipeline(
            new CameraFrameSource(rig.Camera, null, null, CancellationToken.None),
            localizer,
            [new SinkChannel(slow, sinkCapacity, BoundedChannelFullMode.Wait)],
            new PipelineOptions { BatchFrames = batch, FrameBatchesInFlight = inFlight, RecordFrame = _ => recorded++, OnFault = e => session.Fault(e) });
        session.Acquire();
        Task<PipelineResult> run = pipeline.RunAsync();

        // The sink holds its first batch: the localizer fills the sink channel, the frame channel fills,
        // the pool runs dry and the reader stops asking the camera, which keeps its frames coming.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (rig.Camera.FramesDelivered == 0 && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(10);
        }

        // Any wait of at least 2 s makes the camera 200 frames due; the stuck data plane holds at most
        // `bound` (48) of them, so it is more than the buffer's 128 behind however late the machine runs.
        await Task.Delay(TimeSpan.FromSeconds(2));
        long bound = ((inFlight + 2) * batch) + ((sinkCapacity + 2) * batch);
        long deliveredWhileStuck = rig.Camera.FramesDelivered;
        Assert.InRange(deliveredWhileStuck, 1, bound);

        // The consumer resumes: the camera's next read reports the overflow (on a machine too loaded to
        // read 100 frames/s it may have come already), which ends the run as an error.
        gate.Release(1_000);
        var overflow = await Assert.ThrowsAsync<CameraOverflowException>(() => run);
        Assert.Equal(SessionState.Faulted, session.State);

        Assert.True(overflow.BehindFrames >= 128, $"{overflow.BehindFrames} frames behind");
        Assert.Contains("frames were lost", overflow.Message, StringComparison.Ordinal);

        // While stuck, the camera stage delivered no more than the data plane holds with one sink stuck:
        // the pool ((inFlight + 2) batches) plus the batches localized into the sink channel, its hand and the fan-out.
        Assert.InRange(rig.Camera.FramesDelivered, deliveredWhileStuck, bound + batch);

        // The recorder saw every delivered frame: nothing dropped between camera and disk.
        Assert.Equal(rig.Camera.FramesDelivered, recorded);
        Assert.Equal(0, rig.Sample.ActivationPowerMw);
        Assert.Equal(0, rig.Sample.ExcitationPowerMw);
    }

    [Fact]
    public async Task DropOldestPreview_DropsCountedExactly_FileSinkGetsEverything()
    {
        using var rig = new SimulatedRig(AcquisitionSupport.SmallStorm(), seed: 12);
        using var session = new DeviceSession(rig.Camera, rig.Lasers, safetyRegistry: _registry);
        session.Connect();
        const int batches = 10, batch = 16;
        session.Arm(new SequenceOptions { FrameCount = batches * batch, Pacing = FramePacing.AsFastAsPossible });
        session.Acquire();

        // The preview holds the first batch it reads until the file sink (listed after it, so written
        // after it) has the last batch: its channel of 1 keeps only the newest of those that came meanwhile.
        using var gate = new SemaphoreSlim(0);
        var preview = new CollectingSink("preview", gate: gate);
        var file = new GateOpeningSink("file", batches * batch, gate);
        using ILocalizer localizer = new CpuLocalizer(TestStacks.Settings with { Camera = rig.Profile.ToCameraModel() });
        var pipeline = new LocalizationPipeline(
            new CameraFrameSource(rig.Camera, batches * batch, null, CancellationToken.None),
            localizer,
            [new SinkChannel(preview, 1, BoundedChannelFullMode.DropOldest), new SinkChannel(file, 4, BoundedChannelFullMode.Wait)],
            new PipelineOptions { BatchFrames = batch, OnFault = e => session.Fault(e) });

        PipelineResult result = await pipeline.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));
        session.Stop();

        Assert.Equal(batches * batch, result.Frames);
        Assert.Equal(batches, file.Batches);

        // Every batch is either received or counted as dropped; the newest is never the one dropped.
        SinkStatistics stats = result.Sinks.Single(s => s.Name == "preview");
        Assert.Equal(preview.FirstFrames.Count, stats.Batches);
        Assert.Equal(batches, preview.FirstFrames.Count + stats.DroppedBatches);
        Assert.Equal((batches - 1) * batch, preview.FirstFrames[^1]);
        Assert.True(stats.DroppedBatches >= batches - 2, $"{stats.DroppedBatches} dropped while the preview held one batch");
        Assert.Equal(0, result.Sinks.Single(s => s.Name == "file").DroppedBatches);
    }

    /// <summary>A file-like sink that opens a gate once it has the batch that ends at <c>lastFrame</c>.</summary>
    private sealed class GateOpeningSink(string name, long lastFrame, SemaphoreSlim gate) : ILocalizationSink
    {
        public string Name => name;

        public int Batches { get; private set; }

        public void Write(LocalizationBatch batch)
        {
            Batches++;
            if (batch.FirstFrame + batch.FrameCount == lastFrame)
            {
                gate.Release(1_000);
            }
        }

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }
}
