using System.Buffers.Binary;
using System.Text;

namespace LiveSmlm.IO;

/// <summary>
/// Minimal reader of TIFF structure (TIFF 6.0 and the BigTIFF design notes): header, the IFD chain,
/// and the tags a microscopy stack needs, in either byte order. Pixels are read by the caller.
/// </summary>
/// <remarks>
/// Not LibTiff.NET: its directory index is a 16-bit short, which stops at 32767 pages, while an SMLM
/// acquisition has 10⁴–10⁵ frames. Compressed and tiled images are refused with a clear message.
/// </remarks>
internal sealed class TiffFile : IDisposable
{
    private const ushort ClassicVersion = 42;
    private const ushort BigTiffVersion = 43;

    private readonly FileStream _stream;
    private readonly byte[] _scratch = new byte[16];

    public TiffFile(string path)
    {
        FileChecks.RequireExists(path, "TIFF file");
        Path = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        try
        {
            ReadHeader(out long firstIfd);
            PageOffsets = WalkChain(firstIfd);
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public bool BigEndian { get; private set; }

    public bool IsBigTiff { get; private set; }

    public long Length => _stream.Length;

    /// <summary>
    /// Null for a whole file; for a file cut short after at least one page, what is missing (the chain
    /// is read up to the last IFD that lies wholly in the file).
    /// </summary>
    public string? Truncation { get; private set; }

    /// <summary>File offsets of every IFD, in chain order.</summary>
    public IReadOnlyList<long> PageOffsets { get; }

    public TiffPage ReadPage(int index)
    {
        long offset = PageOffsets[index];
        _stream.Position = offset;
        long count = IsBigTiff ? (long)ReadU64() : ReadU16();
        int entryBytes = IsBigTiff ? 20 : 12;
        var entries = new byte[checked((int)count * entryBytes)];
        ReadExactly(entries, $"IFD {index}");

        var page = new TiffPage();
        for (int i = 0; i < count; i++)
        {
            var entry = entries.AsSpan(i * entryBytes, entryBytes);
            ushort tag = U16(entry);
            ushort type = U16(entry[2..]);
            long n = IsBigTiff ? (long)U64(entry[4..]) : U32(entry[4..]);
            var inline = IsBigTiff ? entry.Slice(12, 8) : entry.Slice(8, 4);
            page = tag switch
            {
                256 => page with { Width = (int)Values(tag, type, n, inline)[0] },
                257 => page with { Height = (int)Values(tag, type, n, inline)[0] },
                258 => page with { BitsPerSample = (int)Values(tag, type, n, inline)[0] },
                259 => page with { Compression = (int)Values(tag, type, n, inline)[0] },
                270 => page with { Description = Ascii(type, n, inline) },
                273 => page with { StripOffsets = Values(tag, type, n, inline) },
                277 => page with { SamplesPerPixel = (int)Values(tag, type, n, inline)[0] },
                279 => page with { StripByteCounts = Values(tag, type, n, inline) },
                282 => page with { XResolution = Rational(type, n, inline) },
                322 or 324 => page with { Tiled = true },
                339 => page with { SampleFormat = (int)Values(tag, type, n, inline)[0] },
                _ => page,
            };
        }

        if (page.Width <= 0 || page.Height <= 0)
        {
            throw FileChecks.Corrupt(Path, $"page {index} has no valid ImageWidth/ImageLength (got {page.Width}×{page.Height}).");
        }

        return page;
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>.</summary>
    public void ReadAt(long offset, Span<byte> buffer, string what)
    {
        if (offset < 0 || offset + buffer.Length > _stream.Length)
        {
            throw FileChecks.Corrupt(Path, $"{what} needs bytes {offset}–{offset + buffer.Length} but the file has {_stream.Length}: it is truncated.");
        }

        _stream.Position = offset;
        _stream.ReadExactly(buffer);
    }

    public void Dispose() => _stream.Dispose();

    private void ReadHeader(out long firstIfd)
    {
        if (_stream.Length < 8)
        {
            throw FileChecks.Corrupt(Path, $"{_stream.Length} bytes is too short for a TIFF header (8 bytes, 16 for BigTIFF).");
        }

        ReadExactly(_scratch.AsSpan(0, 4), "header");
        BigEndian = (_scratch[0], _scratch[1]) switch
        {
            ((byte)'I', (byte)'I') => false,
            ((byte)'M', (byte)'M') => true,
            _ => throw FileChecks.Corrupt(Path, $"starts with 0x{_scratch[0]:X2}{_scratch[1]:X2}; a TIFF starts with 'II' or 'MM'."),
        };
        ushort version = U16(_scratch.AsSpan(2));
        if (version == ClassicVersion)
        {
            firstIfd = ReadU32();
        }
        else if (version == BigTiffVersion)
        {
            IsBigTiff = true;
            ushort offsetSize = ReadU16();
            ReadU16();
            if (offsetSize != 8)
            {
                throw FileChecks.Corrupt(Path, $"BigTIFF offset size is {offsetSize}; it must be 8.");
            }

            firstIfd = (long)ReadU64();
        }
        else
        {
            throw FileChecks.Corrupt(Path, $"TIFF version is {version}; expected 42 (TIFF) or 43 (BigTIFF).");
        }
    }

    private List<long> WalkChain(long offset)
    {
        var offsets = new List<long>();
        var seen = new HashSet<long>();
        while (offset != 0)
        {
            int countBytes = IsBigTiff ? 8 : 2;
            if (offsets.Count > 0 && offset + countBytes > _stream.Length)
            {
                Truncation = $"'{Path}' is cut short (as a crash leaves it): IFD {offsets.Count} at offset {offset} lies past the end of the file ({_stream.Length} bytes)";
                break;
            }

            if (offset < 0 || offset + countBytes > _stream.Length)
            {
                throw FileChecks.Corrupt(Path, $"IFD {offsets.Count} is at offset {offset}, past the end of the file ({_stream.Length} bytes): the file is truncated.");
            }

            if (!seen.Add(offset))
            {
                throw FileChecks.Corrupt(Path, $"IFD chain loops back to offset {offset}.");
            }

            _stream.Position = offset;
            long count = IsBigTiff ? (long)ReadU64() : ReadU16();
            long next = offset + countBytes + (count * (IsBigTiff ? 20 : 12));
            if (next + (IsBigTiff ? 8 : 4) > _stream.Length && offsets.Count > 0)
            {
                Truncation = $"'{Path}' is cut short (as a crash leaves it): IFD {offsets.Count} ({count} entries at offset {offset}) runs past the end of the file ({_stream.Length} bytes)";
                break;
            }

            if (next + (IsBigTiff ? 8 : 4) > _stream.Length)
            {
                throw FileChecks.Corrupt(Path, $"IFD {offsets.Count} ({count} entries at offset {offset}) runs past the end of the file ({_stream.Length} bytes): the file is truncated.");
            }

            offsets.Add(offset);
            _stream.Position = next;
            offset = IsBigTiff ? (long)ReadU64() : ReadU32();
        }

        if (offsets.Count == 0)
        {
            throw FileChecks.Corrupt(Path, "the TIFF has no image (first IFD offset is 0).");
        }

        return offsets;
    }

    private long[] Values(ushort tag, ushort type, long count, ReadOnlySpan<byte> inline)
    {
        int size = type switch
        {
            1 or 6 or 7 => 1,
            3 or 8 => 2,
            4 or 9 or 13 => 4,
            16 or 17 or 18 => 8,
            _ => throw FileChecks.Corrupt(Path, $"tag {tag} has type {type}; an integer type (BYTE, SHORT, LONG, LONG8) was expected."),
        };
        if (count <= 0 || count > int.MaxValue / 8)
        {
            throw FileChecks.Corrupt(Path, $"tag {tag} has {count} values.");
        }

        byte[] bytes = Data(count * size, inline, $"tag {tag}");
        var values = new long[count];
        for (int i = 0; i < count; i++)
        {
            var v = bytes.AsSpan(i * size, size);
            values[i] = size switch
            {
                1 => v[0],
                2 => U16(v),
                4 => U32(v),
                _ => (long)U64(v),
            };
        }

        return values;
    }

    private string Ascii(ushort type, long count, ReadOnlySpan<byte> inline)
    {
        if (type != 2 && type != 1 && type != 7)
        {
            throw FileChecks.Corrupt(Path, $"ImageDescription has type {type}; ASCII (2) was expected.");
        }

        byte[] bytes = Data(count, inline, "ImageDescription");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0');
    }

    private double? Rational(ushort type, long count, ReadOnlySpan<byte> inline)
    {
        if (type != 5 || count < 1)
        {
            return null;
        }

        byte[] bytes = Data(8, inline, "XResolution");
        uint numerator = U32(bytes);
        uint denominator = U32(bytes.AsSpan(4));
        return denominator == 0 ? null : (double)numerator / denominator;
    }

    private byte[] Data(long byteCount, ReadOnlySpan<byte> inline, string what)
    {
        if (byteCount <= inline.Length)
        {
            return inline[..(int)byteCount].ToArray();
        }

        long offset = IsBigTiff ? (long)U64(inline) : U32(inline);
        if (offset < 0 || byteCount > _stream.Length - offset)
        {
            // Checked before allocating, so that a corrupt count cannot ask for gigabytes.
            throw FileChecks.Corrupt(Path, $"{what} needs {byteCount} bytes at offset {offset} but the file has {_stream.Length}: it is truncated or corrupt.");
        }

        var bytes = new byte[byteCount];
        long position = _stream.Position;
        ReadAt(offset, bytes, what);
        _stream.Position = position;
        return bytes;
    }

    private void ReadExactly(Span<byte> buffer, string what)
    {
        if (_stream.Position + buffer.Length > _stream.Length)
        {
            throw FileChecks.Corrupt(Path, $"{what} runs past the end of the file ({_stream.Length} bytes): the file is truncated.");
        }

        _stream.ReadExactly(buffer);
    }

    private ushort ReadU16()
    {
        ReadExactly(_scratch.AsSpan(0, 2), "header");
        return U16(_scratch);
    }

    private uint ReadU32()
    {
        ReadExactly(_scratch.AsSpan(0, 4), "header");
        return U32(_scratch);
    }

    private ulong ReadU64()
    {
        ReadExactly(_scratch.AsSpan(0, 8), "header");
        return U64(_scratch);
    }

    private ushort U16(ReadOnlySpan<byte> b) => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    private uint U32(ReadOnlySpan<byte> b) => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    private ulong U64(ReadOnlySpan<byte> b) => BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);
}
