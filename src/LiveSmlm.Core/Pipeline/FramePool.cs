using System.Threading.Channels;

namespace LiveSmlm.Core;

/// <summary>
/// A fixed set of frame buffers of one size, handed out as leases and returned by disposing them, so
/// that the data plane allocates no pixels per frame. When every buffer is out, <see cref="RentAsync"/>
/// waits for one to come back: that wait is the backpressure that reaches the frame source.
/// </summary>
/// <remarks>Thread-safe: any thread may rent, any thread may return.</remarks>
public sealed class FramePool
{
    private readonly Channel<FrameLease> _free;

    /// <summary>
    /// <paramref name="capacity"/> buffers of <paramref name="width"/> × <paramref name="height"/>
    /// pixels, allocated now.
    /// </summary>
    public FramePool(int width, int height, int capacity)
    {
        if (capacity is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A frame pool holds between 1 and 1,000,000 frames.");
        }

        Width = width;
        Height = height;
        Capacity = capacity;
        _free = Channel.CreateUnbounded<FrameLease>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
        for (int i = 0; i < capacity; i++)
        {
            _free.Writer.TryWrite(new FrameLease(this, new Frame(width, height)));
        }
    }

    public int Width { get; }

    public int Height { get; }

    public int Capacity { get; }

    /// <summary>Buffers in the pool now (not leased).</summary>
    public int Available => _free.Reader.Count;

    /// <summary>Leases a frame, waiting while every buffer is out.</summary>
    public ValueTask<FrameLease> RentAsync(CancellationToken cancel = default)
    {
        if (_free.Reader.TryRead(out FrameLease? lease))
        {
            lease.Take();
            return ValueTask.FromResult(lease);
        }

        return Wait(cancel);
    }

    /// <summary>Leases a frame when one is free now; false otherwise (a camera that must not wait counts a drop).</summary>
    public bool TryRent(out FrameLease lease)
    {
        if (_free.Reader.TryRead(out FrameLease? free))
        {
            free.Take();
            lease = free;
            return true;
        }

        lease = null!;
        return false;
    }

    private async ValueTask<FrameLease> Wait(CancellationToken cancel)
    {
        FrameLease lease = await _free.Reader.ReadAsync(cancel).ConfigureAwait(false);
        lease.Take();
        return lease;
    }

    internal void Return(FrameLease lease) => _free.Writer.TryWrite(lease);
}

/// <summary>
/// One frame buffer on loan from a <see cref="FramePool"/>. Dispose returns it; a stage that keeps
/// pixels after that copies them. Disposing twice is harmless; using <see cref="Frame"/> after the
/// return is a bug that the next renter would see.
/// </summary>
public sealed class FrameLease : IDisposable
{
    private readonly FramePool _pool;
    private int _leased;

    internal FrameLease(FramePool pool, Frame frame)
    {
        _pool = pool;
        Frame = frame;
    }

    public Frame Frame { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _leased, 0) == 1)
        {
            _pool.Return(this);
        }
    }

    internal void Take() => Volatile.Write(ref _leased, 1);
}
