using System.Globalization;
using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// Every localization of an acquisition, append-only, in fixed-size chunks (growth never copies records).
/// One writer appends while any number of readers copy or enumerate a consistent prefix, lock-free.
/// </summary>
public sealed class LocalizationStore
{
    /// <summary>Records per chunk: 2^14 × 56 B ≈ 0.9 MB, large enough to amortise, small enough to allocate often.</summary>
    public const int ChunkSize = 1 << ChunkShift;

    private const int ChunkShift = 14;
    private const int ChunkMask = ChunkSize - 1;

    // Serialises writers (there should be one; this keeps a second one from corrupting the store).
    private readonly Lock _appendLock = new();

    // Invariant: every record at index < _count is fully written and never changes again, and
    // _chunks (the array read after _count) holds a chunk for each of them. The writer fills records,
    // publishes a grown _chunks with Volatile.Write, then publishes _count with Volatile.Write;
    // readers Volatile.Read _count first, then _chunks, and touch only indices below that count.
    // Overflow: none; the directory of chunk references grows by doubling (references only).
    private Localization[][] _chunks = [];
    private long _count;

    /// <summary>Records published so far; readers may use any index below it.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>Appends a batch. Call from one writer thread; readers see it once it is complete.</summary>
    public void Append(ReadOnlySpan<Localization> batch)
    {
        lock (_appendLock)
        {
            long count = _count;
            int chunkCount = (int)((count + batch.Length + ChunkMask) >> ChunkShift);
            EnsureChunks(chunkCount);
            Localization[][] chunks = _chunks;
            long index = count;
            while (!batch.IsEmpty)
            {
                Localization[] chunk = chunks[index >> ChunkShift];
                int offset = (int)(index & ChunkMask);
                int n = Math.Min(batch.Length, ChunkSize - offset);
                batch[..n].CopyTo(chunk.AsSpan(offset, n));
                batch = batch[n..];
                index += n;
            }

            Volatile.Write(ref _count, index);
        }
    }

    /// <summary>
    /// Copies records [start, start + destination.Length) into <paramref name="destination"/>; the
    /// range must lie below <see cref="Count"/> as read at the start of the call.
    /// </summary>
    public void CopyTo(long start, Span<Localization> destination)
    {
        long count = Volatile.Read(ref _count);
        Localization[][] chunks = Volatile.Read(ref _chunks);
        if (start < 0 || start > count - destination.Length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(start),
                string.Create(CultureInfo.InvariantCulture, $"Records [{start}, {start + destination.Length}) are not all in the store, which holds {count}."));
        }

        long index = start;
        while (!destination.IsEmpty)
        {
            Localization[] chunk = chunks[index >> ChunkShift];
            int offset = (int)(index & ChunkMask);
            int n = Math.Min(destination.Length, ChunkSize - offset);
            chunk.AsSpan(offset, n).CopyTo(destination);
            destination = destination[n..];
            index += n;
        }
    }

    /// <summary>
    /// The records from <paramref name="start"/> up to the count at the time of the call, as read-only
    /// slices of the chunks (no copy). Records appended meanwhile are not included.
    /// </summary>
    public IEnumerable<ReadOnlyMemory<Localization>> EnumerateChunks(long start = 0)
    {
        long count = Volatile.Read(ref _count);
        Localization[][] chunks = Volatile.Read(ref _chunks);
        if (start < 0 || start > count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(start),
                string.Create(CultureInfo.InvariantCulture, $"start = {start} is out of range; the store holds {count} records."));
        }

        return Enumerate(chunks, start, count);
    }

    private static IEnumerable<ReadOnlyMemory<Localization>> Enumerate(Localization[][] chunks, long start, long end)
    {
        long index = start;
        while (index < end)
        {
            int offset = (int)(index & ChunkMask);
            int n = (int)Math.Min(end - index, ChunkSize - offset);
            yield return new ReadOnlyMemory<Localization>(chunks[index >> ChunkShift], offset, n);
            index += n;
        }
    }

    private void EnsureChunks(int needed)
    {
        Localization[][] chunks = _chunks;
        if (chunks.Length >= needed && (needed == 0 || chunks[needed - 1] is not null))
        {
            return;
        }

        Localization[][] grown = chunks;
        if (chunks.Length < needed)
        {
            grown = new Localization[Math.Max(needed, Math.Max(4, chunks.Length * 2))][];
            Array.Copy(chunks, grown, chunks.Length);
        }

        for (int c = 0; c < needed; c++)
        {
            grown[c] ??= new Localization[ChunkSize];
        }

        // New chunk references become visible to readers before the count that covers them.
        Volatile.Write(ref _chunks, grown);
    }
}
