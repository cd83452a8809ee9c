namespace LiveSmlm.Localization;

/// <summary>
/// Per-pixel median of the last K frames (including the current one): a background that follows slow
/// changes but ignores emitters that are on in fewer than half of the window (DNA-PAINT binding events).
/// Not thread-safe: frames are pushed in order from one thread; the median itself runs in parallel rows.
/// </summary>
public sealed class TemporalMedianBackground
{
    // Invariant: _count ≤ window; _next is where the next frame goes; overflow overwrites the oldest.
    private readonly float[][] _history;
    private readonly int _pixels;
    private int _next;
    private int _count;

    public TemporalMedianBackground(int pixelCount, int windowFrames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pixelCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowFrames, 1);
        _pixels = pixelCount;
        _history = new float[windowFrames][];
        for (int k = 0; k < windowFrames; k++)
        {
            _history[k] = new float[pixelCount];
        }
    }

    public int PixelCount => _pixels;

    /// <summary>Frames currently in the window.</summary>
    public int Count => _count;

    /// <summary>Adds a frame (photoelectrons) to the window, replacing the oldest when full.</summary>
    public void Push(ReadOnlySpan<float> frame)
    {
        frame[.._pixels].CopyTo(_history[_next]);
        _next = (_next + 1) % _history.Length;
        _count = Math.Min(_count + 1, _history.Length);
    }

    /// <summary>Writes the per-pixel median of the window into <paramref name="destination"/>.</summary>
    public void Median(float[] destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_count == 0)
        {
            throw new InvalidOperationException("The temporal background has no frames yet; push one first.");
        }

        const int RowBlock = 4096;
        int blocks = (_pixels + RowBlock - 1) / RowBlock;
        Parallel.For(0, blocks, () => new float[_history.Length], (block, _, values) =>
        {
            int end = Math.Min(_pixels, (block + 1) * RowBlock);
            for (int i = block * RowBlock; i < end; i++)
            {
                for (int k = 0; k < _count; k++)
                {
                    values[k] = _history[k][i];
                }

                destination[i] = MedianInPlace(values.AsSpan(0, _count));
            }

            return values;
        }, _ => { });
    }

    // Insertion sort: the window is small (≤ 255) and nearly sorted runs are common; no allocation.
    private static float MedianInPlace(Span<float> values)
    {
        for (int i = 1; i < values.Length; i++)
        {
            float v = values[i];
            int k = i - 1;
            while (k >= 0 && values[k] > v)
            {
                values[k + 1] = values[k];
                k--;
            }

            values[k + 1] = v;
        }

        int mid = values.Length / 2;
        return (values.Length & 1) == 1 ? values[mid] : 0.5f * (values[mid - 1] + values[mid]);
    }
}
