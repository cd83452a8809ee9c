namespace LiveSmlm.Core;

/// <summary>
/// One camera frame of 16-bit pixels, row-major (index = y · Width + x), with its place in time.
/// Buffers are reused: a frame source fills a caller-owned <see cref="Frame"/>; a stage that keeps
/// pixels beyond its call copies them.
/// </summary>
public sealed class Frame
{
    public Frame(int width, int height)
        : this(width, height, new ushort[checked(ValidateSize(width, height))])
    {
    }

    public Frame(int width, int height, ushort[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ValidateSize(width, height);
        if (pixels.Length < width * height)
        {
            throw new ArgumentException(
                $"Frame buffer holds {pixels.Length} pixels but {width}×{height} = {width * height} are needed.",
                nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Pixels in ADU, row-major; may be longer than Width·Height when pooled.</summary>
    public ushort[] Pixels { get; }

    /// <summary>Frame number, counted from 0 internally (file formats convert at their border).</summary>
    public long Index { get; set; }

    /// <summary>Start of the exposure in seconds since the acquisition (or stack) began.</summary>
    public double TimestampSeconds { get; set; }

    public int PixelCount => Width * Height;

    public Span<ushort> Span => Pixels.AsSpan(0, PixelCount);

    public ushort this[int x, int y]
    {
        get => Pixels[(y * Width) + x];
        set => Pixels[(y * Width) + x] = value;
    }

    public void CopyTo(Frame destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Width != Width || destination.Height != Height)
        {
            throw new ArgumentException(
                $"Destination frame is {destination.Width}×{destination.Height}, source is {Width}×{Height}.",
                nameof(destination));
        }

        Span.CopyTo(destination.Span);
        destination.Index = Index;
        destination.TimestampSeconds = TimestampSeconds;
    }

    private static int ValidateSize(int width, int height)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(width), $"Frame size must be positive; got {width}×{height}.");
        }

        return width * height;
    }
}
