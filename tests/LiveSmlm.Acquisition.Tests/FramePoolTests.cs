using LiveSmlm.Core;

namespace LiveSmlm.Acquisition.Tests;

public sealed class FramePoolTests
{
    [Fact]
    public async Task Rent_WhenEveryFrameIsOut_WaitsUntilOneIsReturned()
    {
        var pool = new FramePool(16, 8, capacity: 2);
        FrameLease a = await pool.RentAsync();
        FrameLease b = await pool.RentAsync();
        Assert.False(pool.TryRent(out _));

        ValueTask<FrameLease> waiting = pool.RentAsync();
        Assert.False(waiting.IsCompleted);
        a.Dispose();
        FrameLease c = await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Same(a.Frame, c.Frame);
        Assert.Equal((16, 8), (c.Frame.Width, c.Frame.Height));
        b.Dispose();
        c.Dispose();
        Assert.Equal(2, pool.Available);
    }

    [Fact]
    public void Dispose_Twice_ReturnsTheFrameOnce()
    {
        var pool = new FramePool(4, 4, capacity: 1);
        Assert.True(pool.TryRent(out FrameLease lease));
        lease.Dispose();
        lease.Dispose();
        Assert.Equal(1, pool.Available);
    }

    [Fact]
    public void Capacity_OutOfRange_IsRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new FramePool(4, 4, 0));
        Assert.Equal("capacity", e.ParamName);
    }
}
