using System.Diagnostics;
using System.Threading.Channels;
using LiveSmlm.Core;
using LiveSmlm.Localization;

namespace LiveSmlm.Acquisition.Pipeline;

/// <summary>
/// The data plane of ../shared/ARCHITECTURE.md: a frame source → pooled frames → a bounded channel of
/// frame batches → the localizer → a fan-out in which every sink has its own bounded channel and task.
/// Reading, localizing and each sink run at the same time, so the writers cost the localizer nothing
/// while a core is free.
/// </summary>
/// <remarks>
/// Order: batches reach every sink in frame order. Backpressure: a full frame channel makes the reader
/// wait (the frame pool runs dry), a full Wait-mode sink channel makes the localizer wait; a DropOldest
/// sink loses its oldest batch instead and the drop is counted. Faults: the first exception from any
/// stage cancels the others and is rethrown from <see cref="RunAsync"/>; sinks are not completed then,
/// so each leaves what it can keep after a crash.
/// </remarks>
public sealed class LocalizationPipeline
{
    /// <summary>The pipeline's own stages (the localizer's come from its statistics, the sinks' from their names).</summary>
    public static IReadOnlyList<string> StageNames { get; } =
        ["reading", "localize", "frame_pool_wait", "channel_wait_reader", "channel_wait_localizer", "channel_wait_fanout", "recording"];

    private const int Reading = 0;
    private const int Localize = 1;
    private const int FramePoolWait = 2;
    private const int ReaderWait = 3;
    private const int LocalizerWait = 4;
    private const int FanOutWait = 5;
    private const int Recording = 6;

    private readonly IFrameSource _source;
    private readonly ILocalizer _localizer;
    private readonly IReadOnlyList<SinkChannel> _sinks;
    private readonly PipelineOptions _options;
    private readonly StageClock _readerClock = new(StageNames);
    private readonly StageClock _localizerClock = new(StageNames);
    private Exception? _fault;
    private long _frames;
    private long _localizations;

    public LocalizationPipeline(IFrameSource source, ILocalizer localizer, IReadOnlyList<SinkChannel> sinks, PipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(localizer);
        ArgumentNullException.ThrowIfNull(sinks);
        _options = options ?? new PipelineOptions();
        _options.Validate();
        foreach (SinkChannel s in sinks)
        {
            SettingValidation.Require(s.Capacity is >= 1 and <= 4096, $"pipeline.sinks[{s.Sink.Name}].capacity", s.Capacity, "[1, 4096] batches");
        }

        _source = source;
        _localizer = localizer;
        _sinks = sinks;
    }

    /// <summary>Frames localized so far (any thread).</summary>
    public long FramesLocalized => Interlocked.Read(ref _frames);

    /// <summary>Localizations produced so far (any thread).</summary>
    public long Localizations => Interlocked.Read(ref _localizations);

    /// <summary>
    /// Runs the source to its end (or until <paramref name="cancel"/>). <paramref name="progress"/> gets
    /// the frames localized so far after each batch, on the localizer's thread.
    /// </summary>
    public async Task<PipelineResult> RunAsync(Action<long>? progress = null, CancellationToken cancel = default)
    {
        var wall = Stopwatch.StartNew();
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        int batchFrames = _options.BatchFrames;
        var pool = new FramePool(_source.Width, _source.Height, (_options.FrameBatchesInFlight + 2) * batchFrames);
        // Batch objects: one being filled, the in-flight ones, one being localized, one spare.
        var freeBatches = Channel.CreateUnbounded<FrameBatch>();
        for (int i = 0; i < _options.FrameBatchesInFlight + 3; i++)
        {
            freeBatches.Writer.TryWrite(new FrameBatch(batchFrames));
        }

        // Bounded, Wait: no frame of a file or a buffered camera may be lost; the reader waits instead.
        var full = Channel.CreateBounded<FrameBatch>(new BoundedChannelOptions(_options.FrameBatchesInFlight)
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true,
        });
        var localizationPool = new LocalizationBatchPool();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var runners = _sinks.Select(s => new SinkRunner(s)).ToArray();
        Task[] sinkTasks = runners.Select(r => Task.Run(() => r.RunAsync(this, stop))).ToArray();
        Task reader = Task.Run(() => ReadAsync(pool, freeBatches, full.Writer, stop));
        try
        {
            await LocalizeAsync(full.Reader, freeBatches.Writer, localizationPool, runners, progress, stop).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Fault(e, stop);
        }
        finally
        {
            foreach (SinkRunner r in runners)
            {
                r.Channel.Writer.TryComplete();
            }
        }

        await Task.WhenAll(sinkTasks.Append(reader).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        if (_fault is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_fault);
        }

        cancel.ThrowIfCancellationRequested();
        var stages = new Dictionary<string, double>();
        foreach ((string name, double s) in _readerClock.Seconds())
        {
            stages[name] = s;
        }

        foreach ((string name, double s) in _localizerClock.Seconds())
        {
            stages[name] += s;
        }

        return new PipelineResult
        {
            Frames = _frames,
            Localizations = _localizations,
            Seconds = wall.Elapsed.TotalSeconds,
            CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds,
            StageSeconds = stages,
            Sinks = runners.Select(r => r.Statistics()).ToArray(),
            Localizer = _localizer.GetStatistics(),
            Engine = _localizer.Info,
            FramePoolSize = pool.Capacity,
            LocalizationBatchesCreated = localizationPool.Created,
        };
    }

    private async Task ReadAsync(FramePool pool, Channel<FrameBatch> free, ChannelWriter<FrameBatch> full, CancellationTokenSource stop)
    {
        try
        {
            CancellationToken token = stop.Token;
            bool more = true, first = true;
            while (more)
            {
                FrameBatch batch = await free.Reader.ReadAsync(token).ConfigureAwait(false);
                while (!batch.IsFull)
                {
                    long t = StageClock.Start();
                    FrameLease lease = await pool.RentAsync(token).ConfigureAwait(false);
                    t = _readerClock.Stop(FramePoolWait, t);
                    more = _source.TryReadNext(lease.Frame);
                    _readerClock.Stop(Reading, t);
                    if (!more)
                    {
                        lease.Dispose();
                        break;
                    }

                    if (_options.RecordFrame is { } record)
                    {
                        // Raw first: the frame is on disk before the localizer (or anything) may fail.
                        long r = StageClock.Start();
                        record(lease.Frame);
                        _readerClock.Stop(Recording, r);
                    }

                    if (first)
                    {
                        first = false;
                        _options.InspectFirstFrame?.Invoke(lease.Frame);
                    }

                    batch.Add(lease);
                }

                if (batch.Count == 0)
                {
                    free.Writer.TryWrite(batch);
                    break;
                }

                long w = StageClock.Start();
                await full.WriteAsync(batch, token).ConfigureAwait(false);
                _readerClock.Stop(ReaderWait, w);
            }

            full.TryComplete();
        }
        catch (Exception e)
        {
            full.TryComplete(e);
            Fault(e, stop);
        }
    }

    private async Task LocalizeAsync(
        ChannelReader<FrameBatch> full, ChannelWriter<FrameBatch> free, LocalizationBatchPool pool, SinkRunner[] sinks, Action<long>? progress, CancellationTokenSource stop)
    {
        CancellationToken token = stop.Token;
        while (true)
        {
            long t = StageClock.Start();
            bool open = await full.WaitToReadAsync(token).ConfigureAwait(false);
            _localizerClock.Stop(LocalizerWait, t);
            if (!open)
            {
                break;
            }

            while (full.TryRead(out FrameBatch? frames))
            {
                LocalizationBatch batch = pool.Rent();
                batch.FirstFrame = frames[0].Index;
                batch.FrameCount = frames.Count;
                try
                {
                    long l = StageClock.Start();
                    _localizer.Localize(frames, batch.Items);
                    _localizerClock.Stop(Localize, l);
                }
                catch
                {
                    pool.Return(batch);
                    throw;
                }
                finally
                {
                    frames.ReturnFrames();
                    free.TryWrite(frames);
                }

                Interlocked.Add(ref _frames, batch.FrameCount);
                Interlocked.Add(ref _localizations, batch.Items.Count);
                progress?.Invoke(_frames);
                if (sinks.Length == 0)
                {
                    pool.Return(batch);
                    continue;
                }

                batch.Share(sinks.Length);
                long w = StageClock.Start();
                foreach (SinkRunner sink in sinks)
                {
                    await sink.Channel.Writer.WriteAsync(batch, token).ConfigureAwait(false);
                }

                _localizerClock.Stop(FanOutWait, w);
            }
        }

        // The reader's exception, if any, completes the channel: surface it.
        await full.Completion.ConfigureAwait(false);
    }

    private void Fault(Exception e, CancellationTokenSource stop)
    {
        // The first real failure wins; the cancellations it causes elsewhere are not news.
        if (e is OperationCanceledException && stop.IsCancellationRequested)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _fault, e, null) is null)
        {
            _options.OnFault?.Invoke(e);
        }

        stop.Cancel();
    }

    /// <summary>One sink's channel and task.</summary>
    private sealed class SinkRunner
    {
        private readonly SinkChannel _spec;
        private long _batches;
        private long _dropped;
        private long _ticks;

        public SinkRunner(SinkChannel spec)
        {
            _spec = spec;
            var options = new BoundedChannelOptions(spec.Capacity) { FullMode = spec.FullMode, SingleReader = true, SingleWriter = true };
            Channel = System.Threading.Channels.Channel.CreateBounded<LocalizationBatch>(options, dropped =>
            {
                Interlocked.Increment(ref _dropped);
                dropped.Release();
            });
        }

        public Channel<LocalizationBatch> Channel { get; }

        public async Task RunAsync(LocalizationPipeline pipeline, CancellationTokenSource stop)
        {
            ChannelReader<LocalizationBatch> reader = Channel.Reader;
            try
            {
                while (await reader.WaitToReadAsync(stop.Token).ConfigureAwait(false))
                {
                    while (reader.TryRead(out LocalizationBatch? batch))
                    {
                        long t = StageClock.Start();
                        try
                        {
                            _spec.Sink.Write(batch);
                        }
                        finally
                        {
                            batch.Release();
                        }

                        _ticks += Stopwatch.GetTimestamp() - t;
                        _batches++;
                    }
                }

                if (pipeline._fault is null && !stop.IsCancellationRequested)
                {
                    long t = StageClock.Start();
                    _spec.Sink.Complete();
                    _ticks += Stopwatch.GetTimestamp() - t;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Another stage failed, or the run was cancelled: that is the news, not this.
            }
            catch (Exception e)
            {
                pipeline.Fault(new IOException($"sink '{_spec.Sink.Name}' failed: {e.Message}", e), stop);
            }
            finally
            {
                while (reader.TryRead(out LocalizationBatch? left))
                {
                    left.Release();
                }
            }
        }

        public SinkStatistics Statistics() => new(_spec.Sink.Name, _spec.Capacity, _spec.FullMode.ToString(), _batches, Interlocked.Read(ref _dropped), _ticks / (double)Stopwatch.Frequency);
    }
}
