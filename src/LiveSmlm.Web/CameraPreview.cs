using LiveSmlm.Core;

namespace LiveSmlm.Web;

/// <summary>A camera frame made small and visible: binned, contrast-stretched to 8 bits.</summary>
/// <param name="Frame">The frame's index.</param>
/// <param name="Bin">Camera pixels per preview pixel along each axis.</param>
/// <param name="BlackAdu">The mean ADU shown as 0.</param>
/// <param name="WhiteAdu">The mean ADU shown as 255.</param>
public sealed record CameraPreviewImage(long Frame, int Bin, int Width, int Height, float BlackAdu, float WhiteAdu, byte[] Grey);

/// <summary>
/// Takes a copy of a camera frame now and then, on the camera reader's thread, without ever blocking it:
/// at most one frame per <see cref="Interval"/> is copied (a memcpy), none while the last copy still waits
/// for its localizations, and the slow part (binning, the
/// contrast stretch) runs later on the live feed's own task (<see cref="Render"/>).
/// </summary>
public sealed class CameraPreview
{
    /// <summary>Longest side of the preview, pixels: enough to see the blinking, little to send.</summary>
    public const int MaxSidePx = 256;

    /// <summary>Percentiles of the binned pixels shown as black and white (the contrast stretch).</summary>
    public const double BlackPercentile = 0.5;
    public const double WhitePercentile = 99.9;

    private readonly TimeProvider _clock;
    private long _lastTicks = long.MinValue;

    // Invariant: at most one frame waits; the reader sets it only when none waits, the feed takes it.
    private Frame? _pending;
    private Frame? _spare;

    public CameraPreview(TimeSpan interval, TimeProvider? clock = null)
    {
        Interval = interval;
        _clock = clock ?? TimeProvider.System;
    }

    public TimeSpan Interval { get; }

    /// <summary>The pipeline's PreviewFrame hook: copies the frame when a preview is due, else returns at once.</summary>
    public void Offer(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        long now = _clock.GetTimestamp();
        if (_lastTicks != long.MinValue && _clock.GetElapsedTime(_lastTicks, now) < Interval)
        {
            return;
        }

        // One frame waits until the localizer has reached it (its detections are then known): a lagging
        // localizer shows older frames, never none.
        if (Volatile.Read(ref _pending) is not null)
        {
            return;
        }

        _lastTicks = now;
        Frame copy = Interlocked.Exchange(ref _spare, null) is { } spare && spare.Width == frame.Width && spare.Height == frame.Height
            ? spare
            : new Frame(frame.Width, frame.Height);
        frame.CopyTo(copy);
        if (Interlocked.Exchange(ref _pending, copy) is { } replaced)
        {
            Interlocked.Exchange(ref _spare, replaced);
        }
    }

    /// <summary>The frame waiting to be shown, if any (its index); the feed takes it with <see cref="Take"/>.</summary>
    public long? PendingIndex => Volatile.Read(ref _pending)?.Index;

    /// <summary>Takes the waiting frame and renders it; null when none waits.</summary>
    public CameraPreviewImage? Take()
    {
        Frame? frame = Interlocked.Exchange(ref _pending, null);
        if (frame is null)
        {
            return null;
        }

        CameraPreviewImage image = Render(frame);
        Interlocked.Exchange(ref _spare, frame);
        return image;
    }

    /// <summary>
    /// Bins the frame by b = ⌈longest side / <see cref="MaxSidePx"/>⌉ (mean of each b × b block; a partial
    /// block at the edge is dropped) and maps the <see cref="BlackPercentile"/> … <see cref="WhitePercentile"/>
    /// range of the binned values linearly onto 0 … 255.
    /// </summary>
    public static CameraPreviewImage Render(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int bin = Math.Max(1, (Math.Max(frame.Width, frame.Height) + MaxSidePx - 1) / MaxSidePx);
        int w = Math.Max(1, frame.Width / bin), h = Math.Max(1, frame.Height / bin);
        var mean = new float[w * h];
        ushort[] px = frame.Pixels;
        float inv = 1f / (bin * bin);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int sum = 0;
                for (int dy = 0; dy < bin && (y * bin) + dy < frame.Height; dy++)
                {
                    int row = (((y * bin) + dy) * frame.Width) + (x * bin);
                    for (int dx = 0; dx < bin && (x * bin) + dx < frame.Width; dx++)
                    {
                        sum += px[row + dx];
                    }
                }

                mean[(y * w) + x] = sum * inv;
            }
        }

        float[] sorted = (float[])mean.Clone();
        Array.Sort(sorted);
        float black = sorted[Rank(BlackPercentile, sorted.Length)];
        float white = sorted[Rank(WhitePercentile, sorted.Length)];
        if (white <= black)
        {
            white = black + 1;
        }

        var grey = new byte[mean.Length];
        float scale = 255f / (white - black);
        for (int i = 0; i < mean.Length; i++)
        {
            grey[i] = (byte)Math.Clamp(MathF.Round((mean[i] - black) * scale), 0, 255);
        }

        return new CameraPreviewImage(frame.Index, bin, w, h, black, white, grey);
    }

    private static int Rank(double percentile, int n) => Math.Clamp((int)Math.Ceiling(percentile / 100 * n) - 1, 0, n - 1);
}
