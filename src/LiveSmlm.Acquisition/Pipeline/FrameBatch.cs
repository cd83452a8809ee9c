using System.Collections;
using LiveSmlm.Core;

namespace LiveSmlm.Acquisition.Pipeline;

/// <summary>
/// Consecutive pooled frames handed to the localizer in one call (the GPU needs batches; the CPU
/// spreads them over its cores). Reused: the pipeline returns its leases and keeps the object.
/// </summary>
public sealed class FrameBatch : IReadOnlyList<Frame>
{
    private readonly FrameLease[] _leases;

    public FrameBatch(int capacity)
    {
        _leases = new FrameLease[capacity];
    }

    public int Capacity => _leases.Length;

    public int Count { get; private set; }

    public bool IsFull => Count == _leases.Length;

    public Frame this[int index] => (uint)index < (uint)Count ? _leases[index].Frame : throw new ArgumentOutOfRangeException(nameof(index));

    public void Add(FrameLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (IsFull)
        {
            throw new InvalidOperationException($"FrameBatch holds {Capacity} frames already.");
        }

        _leases[Count++] = lease;
    }

    /// <summary>Returns every frame to its pool and empties the batch.</summary>
    public void ReturnFrames()
    {
        for (int i = 0; i < Count; i++)
        {
            _leases[i].Dispose();
            _leases[i] = null!;
        }

        Count = 0;
    }

    public IEnumerator<Frame> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return _leases[i].Frame;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
