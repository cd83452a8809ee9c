using System.Collections.Concurrent;

namespace LiveSmlm.Acquisition.Pipeline;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The localizations of a run of consecutive frames, shared read-only by every sink of the fan-out and
/// returned to its pool when the last sink releases it. Its list keeps its capacity between uses, so
/// the steady state allocates nothing per localization.
/// </summary>
public sealed class LocalizationBatch
{
    private readonly LocalizationBatchPool _pool;
    private int _references;

    internal LocalizationBatch(LocalizationBatchPool pool)
    {
        _pool = pool;
    }

    /// <summary>The localizations, in frame order. Sinks only read them.</summary>
    public List<Localization> Items { get; } = new(4096);

    /// <summary>The first frame (index) the batch covers.</summary>
    public long FirstFrame { get; internal set; }

    /// <summary>Frames the batch covers (frames with no localization included).</summary>
    public int FrameCount { get; internal set; }

    public ReadOnlySpan<Localization> Span => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Items);

    /// <summary>Gives up one reference; the last one returns the batch to its pool.</summary>
    public void Release()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            _pool.Return(this);
        }
        else if (left < 0)
        {
            throw new InvalidOperationException($"LocalizationBatch of frames {FirstFrame}…{FirstFrame + FrameCount - 1} released more often than it was shared.");
        }
    }

    internal void Share(int references) => Volatile.Write(ref _references, references);
}

/// <summary>A pool of <see cref="LocalizationBatch"/> objects (thread-safe).</summary>
public sealed class LocalizationBatchPool
{
    private readonly ConcurrentBag<LocalizationBatch> _free = [];

    /// <summary>Batches made so far: flat once the pipeline reaches its steady state.</summary>
    public int Created { get; private set; }

    public LocalizationBatch Rent()
    {
        if (_free.TryTake(out LocalizationBatch? batch))
        {
            return batch;
        }

        Created++;
        return new LocalizationBatch(this);
    }

    internal void Return(LocalizationBatch batch)
    {
        batch.Items.Clear();
        _free.Add(batch);
    }
}
