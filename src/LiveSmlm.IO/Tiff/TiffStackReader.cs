using System.Globalization;
using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Streams the pages of a multi-page TIFF, OME-TIFF or BigTIFF (either byte order) as 16-bit frames,
/// one page in memory at a time; 8/32-bit unsigned and 32-bit float are clamped into uint16.
/// Also reads ImageJ stacks whose frames lie in one contiguous block after a single IFD.
/// </summary>
/// <remarks>
/// Micro-Manager OME stacks are read page by page from this file only; a data set split across
/// several files must be opened file by file. Compressed or tiled pages are refused.
/// </remarks>
public sealed class TiffStackReader : IFrameSource
{
    private readonly TiffFile _tiff;
    private readonly SampleType _sampleType;
    private readonly int _frameBytes;
    private readonly byte[] _buffer;

    // ImageJ "images=N" with one IFD: all frames in one block starting here; otherwise -1.
    private readonly long _contiguousStart = -1;
    private long _next;
    private bool _disposed;

    public TiffStackReader(string path)
    {
        _tiff = new TiffFile(path);
        try
        {
            TiffPage first = _tiff.ReadPage(0);
            _sampleType = RequireSupported(first, 0);
            Width = first.Width;
            Height = first.Height;
            _frameBytes = checked(Width * Height * SampleConverter.BytesPerSample(_sampleType));
            _buffer = new byte[_frameBytes];
            FrameCount = _tiff.PageOffsets.Count;

            string description = first.Description ?? string.Empty;
            if (description.StartsWith("ImageJ=", StringComparison.Ordinal))
            {
                var imageJ = ParseImageJ(description);
                PixelSizeNm = ImageJPixelSizeNm(imageJ, first.XResolution);
                if (imageJ.TryGetValue("images", out string? images)
                    && long.TryParse(images, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)
                    && n > 1 && _tiff.PageOffsets.Count == 1)
                {
                    _contiguousStart = first.StripOffsets[0];
                    long needed = _contiguousStart + (n * _frameBytes);
                    if (needed > _tiff.Length)
                    {
                        throw FileChecks.Corrupt(path,
                            $"ImageJ says images={n} in one block of {n * _frameBytes} bytes from offset {_contiguousStart}, but the file ends at {_tiff.Length}: it is truncated.");
                    }

                    FrameCount = n;
                }
            }
            else if (description.Contains("<OME", StringComparison.Ordinal))
            {
                PixelSizeNm = OmeXml.PixelSizeNm(description);
            }

            if (_contiguousStart < 0)
            {
                FrameCount = WholePages(out string? cut);
                if (cut is not null || _tiff.Truncation is not null)
                {
                    Warning = $"{cut ?? _tiff.Truncation}; reading its first {FrameCount} whole frames.";
                }
            }
        }
        catch
        {
            _tiff.Dispose();
            throw;
        }
    }

    public string Path => _tiff.Path;

    /// <summary>
    /// Null for a whole file. For a stack cut short (a crash during recording), what is missing: the
    /// reader then delivers the frames up to the last whole one instead of refusing the file.
    /// </summary>
    public string? Warning { get; }

    public int Width { get; }

    public int Height { get; }

    public long? FrameCount { get; }

    /// <summary>Pixel size from the OME-XML or ImageJ metadata, nm; null when the file does not say.</summary>
    public double? PixelSizeNm { get; }

    /// <summary>Pixels clamped into [0, 65535] so far (32-bit and float stacks only).</summary>
    public long ClippedPixels { get; private set; }

    public bool TryReadNext(Frame destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Width != Width || destination.Height != Height)
        {
            throw new ArgumentException(
                $"Destination frame is {destination.Width}×{destination.Height}; '{Path}' holds {Width}×{Height}.", nameof(destination));
        }

        long index = _next;
        if (!LoadNext())
        {
            return false;
        }

        ClippedPixels += SampleConverter.ToUInt16(_buffer, _sampleType, _tiff.BigEndian, destination.Span);
        destination.Index = index;
        destination.TimestampSeconds = 0;
        return true;
    }

    /// <summary>
    /// Reads the next page as floats, unclamped (calibration maps, not camera frames). Returns false
    /// at the end of the stack.
    /// </summary>
    public bool TryReadNext(Span<float> destination)
    {
        if (destination.Length != Width * Height)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values; '{Path}' pages hold {Width}×{Height}.", nameof(destination));
        }

        if (!LoadNext())
        {
            return false;
        }

        SampleConverter.ToSingle(_buffer, _sampleType, _tiff.BigEndian, destination);
        return true;
    }

    // Reads the raw bytes of the next page into _buffer and advances; false at the end.
    private bool LoadNext()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_next >= FrameCount)
        {
            return false;
        }

        if (_contiguousStart >= 0)
        {
            _tiff.ReadAt(_contiguousStart + (_next * _frameBytes), _buffer, $"frame {_next}");
        }
        else
        {
            ReadPagePixels((int)_next);
        }

        _next++;
        return true;
    }

    /// <summary>Starts again at the first frame, with the same file handle, page table and buffer.</summary>
    public bool TryRewind()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _next = 0;
        return true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _tiff.Dispose();
    }

    private void ReadPagePixels(int index)
    {
        TiffPage page = _tiff.ReadPage(index);
        if (page.Width != Width || page.Height != Height)
        {
            throw FileChecks.Corrupt(Path, $"page {index} is {page.Width}×{page.Height} but page 0 is {Width}×{Height}; a stack needs one size.");
        }

        if (RequireSupported(page, index) != _sampleType)
        {
            throw FileChecks.Corrupt(Path, $"page {index} has a different sample type from page 0.");
        }

        if (page.StripOffsets.Length != page.StripByteCounts.Length || page.StripOffsets.Length == 0)
        {
            throw FileChecks.Corrupt(Path, $"page {index} has {page.StripOffsets.Length} strip offsets and {page.StripByteCounts.Length} strip byte counts.");
        }

        int filled = 0;
        for (int s = 0; s < page.StripOffsets.Length && filled < _frameBytes; s++)
        {
            int take = (int)Math.Min(page.StripByteCounts[s], _frameBytes - filled);
            _tiff.ReadAt(page.StripOffsets[s], _buffer.AsSpan(filled, take), $"page {index} strip {s}");
            filled += take;
        }

        if (filled < _frameBytes)
        {
            throw FileChecks.Corrupt(Path, $"page {index} strips hold {filled} bytes; {Width}×{Height} pixels need {_frameBytes}.");
        }
    }

    // Pages from the end whose pixels run past the end of the file are left out (a crash cuts the tail).
    private long WholePages(out string? cut)
    {
        cut = null;
        int pages = _tiff.PageOffsets.Count;
        while (pages > 1)
        {
            TiffPage last = _tiff.ReadPage(pages - 1);
            long end = 0;
            for (int s = 0; s < Math.Min(last.StripOffsets.Length, last.StripByteCounts.Length); s++)
            {
                end = Math.Max(end, last.StripOffsets[s] + last.StripByteCounts[s]);
            }

            if (end <= _tiff.Length)
            {
                break;
            }

            cut = $"'{Path}' is cut short (as a crash leaves it): page {pages - 1} needs bytes up to {end} but the file has {_tiff.Length}";
            pages--;
        }

        return pages;
    }

    private SampleType RequireSupported(TiffPage page, int index)
    {
        if (page.Compression != 1)
        {
            throw FileChecks.Corrupt(Path, $"page {index} uses TIFF compression {page.Compression}; only uncompressed (1) stacks are supported.");
        }

        if (page.Tiled)
        {
            throw FileChecks.Corrupt(Path, $"page {index} is tiled; only strip-organised stacks are supported.");
        }

        if (page.SamplesPerPixel != 1)
        {
            throw FileChecks.Corrupt(Path, $"page {index} has {page.SamplesPerPixel} samples per pixel; a camera stack has 1.");
        }

        return (page.BitsPerSample, page.SampleFormat) switch
        {
            (8, 1) => SampleType.UInt8,
            (16, 1) => SampleType.UInt16,
            (32, 1) => SampleType.UInt32,
            (32, 3) => SampleType.Float32,
            _ => throw FileChecks.Corrupt(Path,
                $"page {index} has {page.BitsPerSample}-bit samples of SampleFormat {page.SampleFormat}; supported are 8-, 16-, 32-bit unsigned (1) and 32-bit float (3)."),
        };
    }

    private static Dictionary<string, string> ParseImageJ(string description)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in description.Split('\n'))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
        }

        return values;
    }

    private static double? ImageJPixelSizeNm(Dictionary<string, string> imageJ, double? pixelsPerUnit)
    {
        if (pixelsPerUnit is not > 0 || !imageJ.TryGetValue("unit", out string? unit))
        {
            return null;
        }

        // ImageJ writes "µ" escaped as the six characters \u00B5.
        unit = unit.Replace("\\u00B5", "µ", StringComparison.Ordinal);
        return LengthUnits.ToNm(1.0 / pixelsPerUnit.Value, unit);
    }
}
