namespace LiveSmlm.IO;

/// <summary>What one TIFF image file directory (IFD) says about its page.</summary>
internal sealed record TiffPage
{
    public int Width { get; init; }

    public int Height { get; init; }

    public int BitsPerSample { get; init; } = 1;

    public int SamplesPerPixel { get; init; } = 1;

    public int Compression { get; init; } = 1;

    /// <summary>TIFF SampleFormat: 1 unsigned integer, 2 signed integer, 3 IEEE float.</summary>
    public int SampleFormat { get; init; } = 1;

    public bool Tiled { get; init; }

    public string? Description { get; init; }

    /// <summary>XResolution, pixels per resolution unit (ImageJ uses its "unit=" as that unit).</summary>
    public double? XResolution { get; init; }

    public long[] StripOffsets { get; init; } = [];

    public long[] StripByteCounts { get; init; } = [];
}
