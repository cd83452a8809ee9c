using System.Buffers.Binary;
using System.Text;

namespace LiveSmlm.Reconstruction.Tests;

/// <summary>
/// PNG files read back by an independent decoder (python3 zlib + struct), plus byte-by-byte checks of
/// the signature and IHDR against the PNG specification and the CRC-32 check value.
/// </summary>
public sealed class PngWriterTests
{
    [Fact]
    public void WriteGray8_IndependentDecoder_ReadsSamePixelsAndValidCrcs()
    {
        const int width = 37;
        const int height = 23;
        var pixels = new byte[width * height];
        new Random(1234).NextBytes(pixels);
        using var file = new TempFile("gray.png");

        PngWriter.WriteGray8(file.Path, width, height, pixels);
        PythonPngReader.Decoded png = PythonPngReader.Read(file.Path);

        Assert.True(png.CrcOk);
        Assert.Equal(["IHDR", "IDAT", "IEND"], png.Chunks);
        Assert.Equal(0, png.Trailing);
        Assert.Equal((width, height, 8, 0, 0), (png.Width, png.Height, png.Depth, png.ColourType, png.Interlace));
        Assert.Equal(pixels, png.Pixels);
    }

    [Fact]
    public void WriteRgb8_IndependentDecoder_ReadsSamePixelsAndValidCrcs()
    {
        const int width = 19;
        const int height = 31;
        var rgb = new byte[width * height * 3];
        new Random(99).NextBytes(rgb);
        using var file = new TempFile("rgb.png");

        PngWriter.WriteRgb8(file.Path, width, height, rgb);
        PythonPngReader.Decoded png = PythonPngReader.Read(file.Path);

        Assert.True(png.CrcOk);
        Assert.Equal((width, height, 8, 2), (png.Width, png.Height, png.Depth, png.ColourType));
        Assert.Equal(rgb, png.Pixels);
    }

    [Fact]
    public void WriteGray8_SignatureAndHeader_MatchSpecByteForByte()
    {
        using var stream = new MemoryStream();
        PngWriter.WriteGray8(stream, 300, 2, new byte[600]);
        byte[] bytes = stream.ToArray();

        // PNG spec §5.2 signature, then IHDR: length 13, "IHDR", width, height, depth 8, type 0, 0, 0, 0.
        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, bytes[..8]);
        Assert.Equal(13, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8)));
        Assert.Equal("IHDR", Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(300, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        Assert.Equal(new byte[] { 8, 0, 0, 0, 0 }, bytes[24..29]);

        // The file ends with the fixed IEND chunk: length 0, "IEND", CRC AE 42 60 82 (spec example).
        Assert.Equal(new byte[] { 0, 0, 0, 0, 73, 69, 78, 68, 0xAE, 0x42, 0x60, 0x82 }, bytes[^12..]);
    }

    [Fact]
    public void WriteGray8AndRgb8_Pngcheck_FindsNoErrors()
    {
        using var gray = new TempFile("gray.png");
        using var rgb = new TempFile("rgb.png");
        var random = new Random(5);
        var grayPixels = new byte[64 * 48];
        var rgbPixels = new byte[64 * 48 * 3];
        random.NextBytes(grayPixels);
        random.NextBytes(rgbPixels);
        PngWriter.WriteGray8(gray.Path, 64, 48, grayPixels);
        PngWriter.WriteRgb8(rgb.Path, 64, 48, rgbPixels);

        ExternalTool.Result g = ExternalTool.Run("pngcheck", "-v", gray.Path);
        ExternalTool.Result c = ExternalTool.Run("pngcheck", "-v", rgb.Path);

        Assert.True(g.ExitCode == 0, g.Stdout + g.Stderr);
        Assert.Contains("64 x 48 image, 8-bit grayscale, non-interlaced", g.Stdout, StringComparison.Ordinal);
        Assert.Contains("No errors detected", g.Stdout, StringComparison.Ordinal);
        Assert.True(c.ExitCode == 0, c.Stdout + c.Stderr);
        Assert.Contains("64 x 48 image, 24-bit RGB, non-interlaced", c.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Pngcheck_OnOurFileWithOneFlippedBit_ReportsTheCrcError()
    {
        // Control: pngcheck really checks our CRCs, so its "no errors" above means something.
        using var file = new TempFile("flipped.png");
        PngWriter.WriteGray8(file.Path, 8, 8, new byte[64]);
        byte[] bytes = File.ReadAllBytes(file.Path);
        bytes[16 + 3] ^= 1; // lowest bit of the IHDR width
        File.WriteAllBytes(file.Path, bytes);

        ExternalTool.Result r = ExternalTool.Run("pngcheck", file.Path);

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("CRC error in chunk IHDR", r.Stdout + r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Crc32_OfCheckString_IsTheStandardCheckValue()
    {
        // CRC-32/ISO-HDLC check value of "123456789" (the catalogue value every implementation quotes).
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    [Fact]
    public void WriteRgb8_WrongBufferLength_ThrowsNamingTheSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => PngWriter.WriteRgb8(new MemoryStream(), 4, 4, new byte[47]));
        Assert.Contains("4×4×3 = 48", ex.Message, StringComparison.Ordinal);
    }
}
