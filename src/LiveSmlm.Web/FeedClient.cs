using System.Threading.Channels;

namespace LiveSmlm.Web;

/// <summary>One message of the feed: binary (localizations, camera) or JSON text (status).</summary>
public readonly record struct FeedMessage(byte[] Bytes, bool IsText);

/// <summary>
/// One browser's feed: a bounded DropOldest channel between the live view (which never waits on it)
/// and that browser's socket. A browser that reads slowly, or not at all, loses its oldest messages;
/// every loss is counted in <see cref="DroppedMessages"/> and reported to it in its status.
/// </summary>
public sealed class FeedClient
{
    /// <summary>Messages one browser may have queued: about 2 s of a 100 frames/s feed.</summary>
    public const int Capacity = 64;

    private long _dropped;
    private long _sent;

    internal FeedClient(int id, Reconstruction.LocalizationStore backlog, long backlogEnd, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Id = id;
        Backlog = backlog;
        BacklogEnd = backlogEnd;
        Channel = System.Threading.Channels.Channel.CreateBounded<FeedMessage>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public int Id { get; }

    /// <summary>Stored localizations [0, BacklogEnd) that this browser gets from the store before its channel.</summary>
    public long BacklogEnd { get; }

    /// <summary>The store of the run that was going on when the browser connected.</summary>
    public Reconstruction.LocalizationStore Backlog { get; }

    /// <summary>Plot points already sent to this browser.</summary>
    internal int PointsSent { get; set; }

    public Channel<FeedMessage> Channel { get; }

    /// <summary>Messages dropped because this browser did not read them in time.</summary>
    public long DroppedMessages => Interlocked.Read(ref _dropped);

    /// <summary>Messages written to its socket.</summary>
    public long SentMessages => Interlocked.Read(ref _sent);

    /// <summary>Never waits: a full channel drops its oldest message (counted).</summary>
    public void Post(FeedMessage message) => Channel.Writer.TryWrite(message);

    internal void CountSent() => Interlocked.Increment(ref _sent);
}
