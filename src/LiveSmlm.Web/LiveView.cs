using LiveSmlm.Acquisition.Pipeline;
using LiveSmlm.Reconstruction;

namespace LiveSmlm.Web;

using Localization = LiveSmlm.Core.Localization;

/// <summary>One point of the plots over time, at the end of a batch of frames.</summary>
/// <param name="Frame">The frame after the batch's last.</param>
/// <param name="LocalizationsPerFrame">Mean over the batch.</param>
/// <param name="DensityPerUm2">Localizations per frame per µm² of the camera field.</param>
/// <param name="Power405Mw">Emitted power of the activation lasers when the batch arrived.</param>
public readonly record struct PlotPoint(long Frame, double LocalizationsPerFrame, double DensityPerUm2, double Power405Mw);

/// <summary>
/// What the browsers see of one run: every localization (append-only store, up to a cap), the plot points,
/// the median precision, and the browsers connected. Written by the one <see cref="LiveViewSink"/> task;
/// read from request threads.
/// </summary>
public sealed class LiveView
{
    private readonly Lock _lock = new();
    private readonly Func<double> _activationPowerMw;
    private readonly List<PlotPoint> _points = [];
    private FeedClient[] _clients = [];   // copy-on-write under _lock; read without it
    private LocalizationStore _store = new();
    private UncertaintyHistogram _precision = new();
    private long _nextFrame;
    private long _gapFrames;
    private long _unstored;
    private int _nextClientId;

    /// <param name="fieldAreaUm2">Area of the camera field, µm² (for the density).</param>
    /// <param name="storeCapacity">Most localizations kept for the page and the export (56 B each).</param>
    /// <param name="activationPowerMw">Reads the emitted 405 nm power for the plot.</param>
    public LiveView(double fieldAreaUm2, long storeCapacity, Func<double> activationPowerMw)
    {
        FieldAreaUm2 = fieldAreaUm2;
        StoreCapacity = storeCapacity;
        _activationPowerMw = activationPowerMw;
    }

    public double FieldAreaUm2 { get; }

    public long StoreCapacity { get; }

    /// <summary>The run's localizations (the current run's store; replaced by <see cref="Reset"/>).</summary>
    public LocalizationStore Store => Volatile.Read(ref _store);

    /// <summary>Localizations not stored because the store was full (the recording on disk still has them).</summary>
    public long Unstored => Interlocked.Read(ref _unstored);

    /// <summary>Frames whose localizations never reached the view (a gap in the batches; 0 unless something upstream dropped).</summary>
    public long GapFrames => Interlocked.Read(ref _gapFrames);

    public IReadOnlyList<FeedClient> Clients => Volatile.Read(ref _clients);

    public double MedianPrecisionNm
    {
        get
        {
            lock (_lock)
            {
                return _precision.Median();
            }
        }
    }

    /// <summary>Plot points [start, …) so far.</summary>
    public PlotPoint[] PointsSince(int start)
    {
        lock (_lock)
        {
            start = Math.Clamp(start, 0, _points.Count);
            return [.. _points.Skip(start)];
        }
    }

    public int PointCount
    {
        get
        {
            lock (_lock)
            {
                return _points.Count;
            }
        }
    }

    /// <summary>A new run: empty store and plots; every browser is told to clear its image.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            Volatile.Write(ref _store, new LocalizationStore());
            _precision = new UncertaintyHistogram();
            _points.Clear();
            _nextFrame = 0;
            Interlocked.Exchange(ref _gapFrames, 0);
            Interlocked.Exchange(ref _unstored, 0);
        }

        Broadcast(new FeedMessage("{\"type\":\"reset\"}"u8.ToArray(), true));
    }

    /// <summary>Stores a batch, posts it to every browser, adds a plot point (the sink's task).</summary>
    public void Add(ReadOnlySpan<Localization> locs, long firstFrame, int frameCount)
    {
        double power = _activationPowerMw();
        lock (_lock)
        {
            if (firstFrame > _nextFrame)
            {
                Interlocked.Add(ref _gapFrames, firstFrame - _nextFrame);
            }

            _nextFrame = firstFrame + frameCount;
            LocalizationStore store = _store;
            long room = Math.Max(0, StoreCapacity - store.Count);
            int kept = (int)Math.Min(room, locs.Length);
            store.Append(locs[..kept]);
            Interlocked.Add(ref _unstored, locs.Length - kept);
            foreach (ref readonly Localization loc in locs)
            {
                _precision.Add(0.5 * (loc.UncertaintyXNm + loc.UncertaintyYNm));
            }

            double perFrame = frameCount == 0 ? 0 : locs.Length / (double)frameCount;
            _points.Add(new PlotPoint(firstFrame + frameCount, perFrame, perFrame / FieldAreaUm2, power));

            // Inside the lock: a browser registering now gets these either from the store or from its channel, not both.
            for (int start = 0; start < locs.Length; start += FeedMessages.MaxLocalizationsPerMessage)
            {
                int n = Math.Min(FeedMessages.MaxLocalizationsPerMessage, locs.Length - start);
                Broadcast(new FeedMessage(FeedMessages.Localizations(locs.Slice(start, n), firstFrame, frameCount), false));
            }
        }
    }

    /// <summary>Posts a message to every browser (never waits).</summary>
    public void Broadcast(FeedMessage message)
    {
        foreach (FeedClient client in Volatile.Read(ref _clients))
        {
            client.Post(message);
        }
    }

    /// <summary>A browser connects: it will get the stored localizations up to now, then every new one.</summary>
    public FeedClient Register(int capacity = FeedClient.Capacity)
    {
        lock (_lock)
        {
            LocalizationStore store = _store;
            var client = new FeedClient(++_nextClientId, store, store.Count, capacity);
            Volatile.Write(ref _clients, [.. _clients, client]);
            return client;
        }
    }

    public void Unregister(FeedClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        lock (_lock)
        {
            Volatile.Write(ref _clients, [.. _clients.Where(c => c != client)]);
        }

        client.Channel.Writer.TryComplete();
    }
}
