using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// Writes 8-bit greyscale and RGB PNG files (ISO/IEC 15948): signature, IHDR, one zlib IDAT of
/// unfiltered scanlines, IEND, each chunk with its own CRC-32. No dependency beyond the BCL.
/// </summary>
public static class PngWriter
{
    // PNG spec §5.2: the eight signature bytes 137 80 78 71 13 10 26 10.
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    // PNG spec §11.2.2, IHDR colour types.
    private const byte ColourTypeGrey = 0;
    private const byte ColourTypeRgb = 2;
    private const byte BitDepth8 = 8;

    // Filter type 0 (None) before each scanline (§9.2): simple and exact; zlib does the squeezing.
    private const byte FilterNone = 0;

    // §12.11 / §5.3: chunk and image dimensions are limited to 2^31 − 1.
    private const int MaxDimension = int.MaxValue;

    /// <summary>Writes a greyscale image, row-major, one byte per pixel.</summary>
    public static void WriteGray8(string path, int width, int height, ReadOnlySpan<byte> pixels)
    {
        using var file = CreateFile(path);
        WriteGray8(file, width, height, pixels);
    }

    /// <summary>Writes a greyscale image, row-major, one byte per pixel, to a stream.</summary>
    public static void WriteGray8(Stream stream, int width, int height, ReadOnlySpan<byte> pixels) =>
        Write(stream, width, height, pixels, ColourTypeGrey, bytesPerPixel: 1, nameof(pixels));

    /// <summary>Writes an RGB image, row-major, three bytes (R, G, B) per pixel.</summary>
    public static void WriteRgb8(string path, int width, int height, ReadOnlySpan<byte> rgb)
    {
        using var file = CreateFile(path);
        WriteRgb8(file, width, height, rgb);
    }

    /// <summary>Writes an RGB image, row-major, three bytes (R, G, B) per pixel, to a stream.</summary>
    public static void WriteRgb8(Stream stream, int width, int height, ReadOnlySpan<byte> rgb) =>
        Write(stream, width, height, rgb, ColourTypeRgb, bytesPerPixel: 3, nameof(rgb));

    private static FileStream CreateFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
    }

    private static void Write(Stream stream, int width, int height, ReadOnlySpan<byte> pixels, byte colourType, int bytesPerPixel, string pixelsName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"PNG size must be positive; got {width}×{height}.");
        }

        long rowBytes = (long)width * bytesPerPixel;
        long expected = rowBytes * height;
        if (pixels.Length != expected)
        {
            throw new ArgumentException(
                $"PNG pixel buffer holds {pixels.Length} bytes but {width}×{height}×{bytesPerPixel} = {expected} are needed.",
                pixelsName);
        }

        stream.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = BitDepth8;
        header[9] = colourType;
        header[10] = 0; // compression method 0: deflate (§10.1)
        header[11] = 0; // filter method 0: adaptive, five types (§9.1)
        header[12] = 0; // no interlace (§8.1)
        WriteChunk(stream, "IHDR", header);

        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                int row = (int)rowBytes;
                for (int y = 0; y < height; y++)
                {
                    zlib.WriteByte(FilterNone);
                    zlib.Write(pixels.Slice(y * row, row));
                }
            }

            if (compressed.Length > MaxDimension)
            {
                throw new ArgumentException($"Compressed PNG data of {compressed.Length} bytes exceed one chunk (2^31 − 1 bytes).", pixelsName);
            }

            WriteChunk(stream, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }

        WriteChunk(stream, "IEND", []);
    }

    /// <summary>Length (big-endian), type, data, CRC-32 over type and data (§5.3).</summary>
    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        stream.Write(typeBytes);
        stream.Write(data);
        uint crc = Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, typeBytes), data));
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        stream.Write(word);
    }
}
