using System.Threading.Channels;
using LiveSmlm.Acquisition.Pipeline;
using LiveSmlm.Core;
using LiveSmlm.Localization;

namespace LiveSmlm.Acquisition.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The data plane against the engine called directly on the same frames (the pre-pipeline path): the
/// same localizations in the same order, whatever the batch size; every batch reaches every Wait sink;
/// drops of a DropOldest sink are counted exactly; a failure anywhere ends the run with that failure.
/// </summary>
public sealed class PipelineTests
{
    // Generous bound for a run that would otherwise hang: a deadlock fails the test instead of the suite.
    private static readonly TimeSpan NoDeadlock = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(1, BackgroundMode.Wavelet)]
    [InlineData(7, BackgroundMode.Wavelet)]
    [InlineData(32, BackgroundMode.Wavelet)]
    [InlineData(5, BackgroundMode.TemporalMedian)]
    [InlineData(48, BackgroundMode.TemporalMedian)]
    public async Task Run_AnyBatchSize_GivesTheEnginesOwnLocalizationsInFrameOrder(int batchFrames, BackgroundMode background)
    {
        LocalizerSettings settings = TestStacks.Settings with { Background = background };
        var expected = new List<Localization>();
        using (var direct = new CpuLocalizer(settings))
        {
            direct.Localize(TestStacks.Frames, expected);
        }

        var sink = new CollectingSink("collect");
        using var localizer = new CpuLocalizer(settings);
        PipelineResult result = await new LocalizationPipeline(new ListSource(TestStacks.Frames), localizer, [new SinkChannel(sink, 2)], new PipelineOptions { BatchFrames = batchFrames }).RunAsync().WaitAsync(NoDeadlock);

        Assert.True(expected.Count > 20 * TestStacks.Frames.Count, $"only {expected.Count} localizations in {TestStacks.Frames.Count} dense frames");
        Assert.Equal(expected.Count, sink.Received.Count);
        Assert.Equal(expected, sink.Received);
        Assert.Equal(TestStacks.Frames.Count, result.Frames);
        Assert.Equal(expected.Count, result.Localizations);
        Assert.Equal(1, sink.Completed);
        Assert.Equal(Enumerable.Range(0, (TestStacks.Frames.Count + batchFrames - 1) / batchFrames).Select(b => (long)(b * batchFrames)), sink.FirstFrames);
    }

    [Fact]
    public async Task Run_SlowWaitSink_LosesNothingAndHoldsTheReaderBack()
    {
        using var gate = new SemaphoreSlim(0);
        var slow = new CollectingSink("slow", gate: gate);
        var fast = new CollectingSink("fast");
        var source = new ListSource(TestStacks.Frames);
        using var localizer = new CpuLocalizer(TestStacks.Settings);
        var pipeline = new LocalizationPipeline(source, localizer, [new SinkChannel(slow, 1), new SinkChannel(fast, 1)], new PipelineOptions { BatchFrames = 4, FrameBatchesInFlight = 1 });
        Task<PipelineResult> run = pipeline.RunAsync();

        // With the slow sink stopped, its channel (1) fills, then the localizer blocks on it, the frame
        // channel (1) fills, and the reader stops once the frame pool ((1 + 2) batches) is out.
        SpinWait.SpinUntil(() => pipeline.FramesLocalized >= 8, NoDeadlock);
        await Task.Delay(200);
        Assert.False(run.IsCompleted);
        Assert.True(source.Reads <= 4 * (1 + 1 + 2 + 1), $"the reader ran ahead to frame {source.Reads} although the slow sink accepted nothing");
        gate.Release(1000);
        PipelineResult result = await run.WaitAsync(NoDeadlock);

        Assert.Equal(fast.Received, slow.Received);
        Assert.Equal(result.Localizations, slow.Received.Count);
        Assert.All(result.Sinks, s => Assert.Equal(0, s.DroppedBatches));
        Assert.All(result.Sinks, s => Assert.Equal(12, s.Batches));
    }

    [Fact]
    public async Task Run_SlowDropOldestSink_CountsEveryDroppedBatchAndNeverStallsTheOthers()
    {
        using var gate = new SemaphoreSlim(0);
        var preview = new CollectingSink("preview", gate: gate);
        var file = new CollectingSink("file");
        using var localizer = new CpuLocalizer(TestStacks.Settings);
        var pipeline = new LocalizationPipeline(
            new ListSource(TestStacks.Frames), localizer,
            [new SinkChannel(preview, 2, BoundedChannelFullMode.DropOldest), new SinkChannel(file, 4)],
            new PipelineOptions { BatchFrames = 2 });
        Task<PipelineResult> run = pipeline.RunAsync();

        // The file sink gets everything while the preview is stuck on its first batch.
        SpinWait.SpinUntil(() => pipeline.FramesLocalized == TestStacks.Frames.Count, NoDeadlock);
        Assert.Equal(TestStacks.Frames.Count, pipeline.FramesLocalized);
        gate.Release(1000);
        PipelineResult result = await run.WaitAsync(NoDeadlock);

        SinkStatistics previewStats = result.Sinks.Single(s => s.Name == "preview");
        const int Batches = 24;
        Assert.Equal(Batches, result.Sinks.Single(s => s.Name == "file").Batches);
        Assert.True(previewStats.DroppedBatches > 0, "a stuck preview dropped nothing");
        Assert.Equal(Batches, previewStats.Batches + previewStats.DroppedBatches);
        Assert.Equal(previewStats.Batches, preview.FirstFrames.Count);
        Assert.Equal(result.Localizations, file.Received.Count);
    }

    [Fact]
    public async Task Run_SinkFails_EndsWithItsErrorNamingIt_AndCompletesNoSink()
    {
        var failing = new CollectingSink("hdf5", failAtBatch: 3);
        var other = new CollectingSink("csv");
        using var localizer = new CpuLocalizer(TestStacks.Settings);
        var pipeline = new LocalizationPipeline(new ListSource(TestStacks.Frames), localizer, [new SinkChannel(failing, 1), new SinkChannel(other, 1)], new PipelineOptions { BatchFrames = 2 });

        IOException io = await Assert.ThrowsAsync<IOException>(() => pipeline.RunAsync().WaitAsync(NoDeadlock));
        Assert.Contains("sink 'hdf5'", io.Message, StringComparison.Ordinal);
        Assert.Contains("disk full", io.Message, StringComparison.Ordinal);
        Assert.Equal(0, failing.Completed);
        Assert.Equal(0, other.Completed);
    }

    [Fact]
    public async Task Run_SourceCorrupt_EndsWithTheSourcesError()
    {
        var sink = new CollectingSink("csv");
        using var localizer = new CpuLocalizer(TestStacks.Settings);
        var pipeline = new LocalizationPipeline(new ListSource(TestStacks.Frames, throwAt: 9), localizer, [new SinkChannel(sink)], new PipelineOptions { BatchFrames = 4 });

        InvalidDataException e = await Assert.ThrowsAsync<InvalidDataException>(() => pipeline.RunAsync().WaitAsync(NoDeadlock));
        Assert.Contains("frame 9", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, sink.Completed);
    }

    [Fact]
    public async Task Run_Cancelled_StopsEveryStage()
    {
        using var gate = new SemaphoreSlim(0);
        var stuck = new CollectingSink("stuck", gate: gate);
        using var localizer = new CpuLocalizer(TestStacks.Settings);
        using var cancel = new CancellationTokenSource();
        var pipeline = new LocalizationPipeline(new ListSource(TestStacks.Frames), localizer, [new SinkChannel(stuck, 1)], new PipelineOptions { BatchFrames = 2, FrameBatchesInFlight = 1 });
        Task<PipelineResult> run = pipeline.RunAsync(cancel: cancel.Token);
        SpinWait.SpinUntil(() => pipeline.FramesLocalized >= 4, NoDeadlock);

        cancel.Cancel();
        gate.Release(1000);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(NoDeadlock));
    }

    [Fact]
    public async Task Run_FirstFrameInspection_ThrowsBeforeAnyLocalization()
    {
        var sink = new CollectingSink("csv");
        using var localizer = new CpuLocalizer(TestStacks.Settings);
        var options = new PipelineOptions { InspectFirstFrame = f => throw new InvalidDataException($"baseline above frame {f.Index}") };
        var pipeline = new LocalizationPipeline(new ListSource(TestStacks.Frames), localizer, [new SinkChannel(sink)], options);

        InvalidDataException e = await Assert.ThrowsAsync<InvalidDataException>(() => pipeline.RunAsync().WaitAsync(NoDeadlock));
        Assert.Equal("baseline above frame 0", e.Message);
        Assert.Empty(sink.Received);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(5000, 2)]
    [InlineData(8, 0)]
    public void Options_OutOfRange_AreRefusedNamingTheField(int batchFrames, int inFlight)
    {
        using var localizer = new CpuLocalizer(TestStacks.Settings);
        var e = Assert.Throws<SettingException>(() => new LocalizationPipeline(new ListSource(TestStacks.Frames), localizer, [], new PipelineOptions { BatchFrames = batchFrames, FrameBatchesInFlight = inFlight }));
        Assert.Equal(batchFrames is < 1 or > 4096 ? "pipeline.batchFrames" : "pipeline.frameBatchesInFlight", e.Path);
        Assert.StartsWith(e.Path + " = ", e.Message, StringComparison.Ordinal);
    }
}
