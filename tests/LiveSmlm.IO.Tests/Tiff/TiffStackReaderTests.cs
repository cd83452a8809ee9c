using System.Buffers.Binary;
using BitMiracle.LibTiff.Classic;
using LiveSmlm.Core;

namespace LiveSmlm.IO.Tests.Tiffs;

public sealed class TiffStackReaderTests : IDisposable
{
    private const int Width = 5;
    private const int Height = 3;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Read_ClassicBigEndianStackWrittenByLibTiff_ReturnsEveryPixel()
    {
        string path = _dir.File("big-endian.tif");
        WriteWithLibTiff(path, "wb", 16, SampleFormat.UINT, 4, (x, y, t) => BitConverter.GetBytes(Frames.Expected(x, y, t)));
        Assert.Equal("MM", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(path), 0, 2));

        using var reader = new TiffStackReader(path);
        Assert.Equal(4, reader.FrameCount);
        Frames.AssertMatches(Frames.ReadAll(reader), Width, Height, 4);
    }

    [Fact]
    public void Read_EightBitStack_WidensWithoutClipping()
    {
        string path = _dir.File("eight.tif");
        WriteWithLibTiff(path, "w", 8, SampleFormat.UINT, 2, (x, y, t) => [(byte)((x * 40) + y + t)]);

        using var reader = new TiffStackReader(path);
        var frames = Frames.ReadAll(reader);
        Assert.Equal(2, frames.Count);
        Assert.Equal((ushort)((4 * 40) + 2 + 1), frames[1][(2 * Width) + 4]);
        Assert.Equal(0, reader.ClippedPixels);
    }

    [Fact]
    public void Read_ThirtyTwoBitUnsigned_ClampsAbove65535AndCountsClippedPixels()
    {
        string path = _dir.File("thirtytwo.tif");

        // Pixel x = 0 of each row holds 70000 + y (out of range); the rest hold x·1000.
        WriteWithLibTiff(path, "w", 32, SampleFormat.UINT, 2, (x, y, t) => BitConverter.GetBytes(x == 0 ? 70000u + (uint)y : (uint)(x * 1000)));

        using var reader = new TiffStackReader(path);
        var frames = Frames.ReadAll(reader);
        Assert.Equal(ushort.MaxValue, frames[0][0]);
        Assert.Equal(3000, frames[1][3]);
        Assert.Equal(2 * Height, reader.ClippedPixels);
    }

    [Fact]
    public void Read_FloatStack_RoundsAndClampsNegativeAndHugeValues()
    {
        string path = _dir.File("float.tif");
        WriteWithLibTiff(path, "w", 32, SampleFormat.IEEEFP, 1, (x, y, t) => BitConverter.GetBytes((x, y) switch
        {
            (0, 0) => -5f,
            (1, 0) => 1e6f,
            _ => 100.6f + x,
        }));

        using var reader = new TiffStackReader(path);
        var frame = Frames.ReadAll(reader)[0];
        Assert.Equal(0, frame[0]);
        Assert.Equal(ushort.MaxValue, frame[1]);
        Assert.Equal(103, frame[2]); // 102.6 rounds to 103
        Assert.Equal(2, reader.ClippedPixels);
    }

    [Fact]
    public void Read_MicroManagerStyleOmeTiff_TakesPixelSizeInMicrometresByDefault()
    {
        // Micro-Manager writes classic little-endian OME-TIFF; OME's default PhysicalSizeX unit is µm.
        string path = _dir.File("mm.ome.tif");
        string ome = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\">"
            + $"<Image ID=\"Image:0\"><Pixels ID=\"Pixels:0\" DimensionOrder=\"XYCZT\" Type=\"uint16\" SizeX=\"{Width}\" SizeY=\"{Height}\" SizeZ=\"1\" SizeC=\"1\" SizeT=\"2\" PhysicalSizeX=\"0.16\" PhysicalSizeY=\"0.16\">"
            + "<Channel ID=\"Channel:0:0\" SamplesPerPixel=\"1\"/><TiffData IFD=\"0\" PlaneCount=\"2\"/></Pixels></Image></OME>";
        WriteWithLibTiff(path, "w", 16, SampleFormat.UINT, 2, (x, y, t) => BitConverter.GetBytes(Frames.Expected(x, y, t)), ome);

        using var reader = new TiffStackReader(path);
        Assert.Equal(160, reader.PixelSizeNm!.Value, 9);
        Frames.AssertMatches(Frames.ReadAll(reader), Width, Height, 2);
    }

    [Fact]
    public void Read_ImageJHyperstackWithAllFramesInOneStrip_ReadsImagesFramesAndPixelSize()
    {
        // ImageJ (big-endian, one IFD) describes a stack of `images=3` stored back to back.
        const int images = 3;
        var builder = new ClassicTiffBuilder(bigEndian: true);
        const int entries = 11;
        builder.Add(256, ClassicTiffBuilder.Short, Width)
            .Add(257, ClassicTiffBuilder.Short, Height)
            .Add(258, ClassicTiffBuilder.Short, 16)
            .Add(259, ClassicTiffBuilder.Short, 1)
            .Add(262, ClassicTiffBuilder.Short, 1)
            .AddText(270, "ImageJ=1.54f\nimages=3\nslices=3\nunit=micron\nloop=false\n")
            .Add(273, ClassicTiffBuilder.Long, builder.PixelOffset(entries))
            .Add(277, ClassicTiffBuilder.Short, 1)
            .Add(278, ClassicTiffBuilder.Short, Height)
            .Add(279, ClassicTiffBuilder.Long, Width * Height * 2) // ImageJ gives the first image's size only
            .Add(282, ClassicTiffBuilder.Rational, 10, 1);         // 10 pixels per micron = 100 nm pixels
        var pixels = new byte[images * Width * Height * 2];
        for (int t = 0; t < images; t++)
        {
            for (int i = 0; i < Width * Height; i++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(pixels.AsSpan(((t * Width * Height) + i) * 2), Frames.Expected(i % Width, i / Width, t));
            }
        }

        string path = _dir.File("imagej.tif");
        File.WriteAllBytes(path, builder.Build(pixels));

        using var reader = new TiffStackReader(path);
        Assert.Equal(images, reader.FrameCount);
        Assert.Equal(100, reader.PixelSizeNm!.Value, 9);
        Frames.AssertMatches(Frames.ReadAll(reader), Width, Height, images);
    }

    [Fact]
    public void Open_TwelveBitSamples_ThrowsInvalidDataNamingFileAndSupportedDepths()
    {
        var builder = new ClassicTiffBuilder(bigEndian: false);
        builder.Add(256, ClassicTiffBuilder.Short, Width)
            .Add(257, ClassicTiffBuilder.Short, Height)
            .Add(258, ClassicTiffBuilder.Short, 12)
            .Add(259, ClassicTiffBuilder.Short, 1)
            .Add(273, ClassicTiffBuilder.Long, builder.PixelOffset(6))
            .Add(279, ClassicTiffBuilder.Long, 24);
        string path = _dir.File("twelve.tif");
        File.WriteAllBytes(path, builder.Build(new byte[24]));

        var ex = Assert.Throws<InvalidDataException>(() => new TiffStackReader(path));
        Assert.Contains("twelve.tif", ex.Message, StringComparison.Ordinal);
        Assert.Contains("12-bit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TagCountPastEndOfFile_ThrowsInvalidDataNamingFile()
    {
        var builder = new ClassicTiffBuilder(bigEndian: false);
        builder.Add(256, ClassicTiffBuilder.Short, Width)
            .Add(257, ClassicTiffBuilder.Short, Height)
            .Add(258, ClassicTiffBuilder.Short, 16)
            .Add(259, ClassicTiffBuilder.Short, 1)
            .Add(273, ClassicTiffBuilder.Long, builder.PixelOffset(6))
            .Add(279, ClassicTiffBuilder.Long, Width * Height * 2);
        byte[] bytes = builder.Build(new byte[Width * Height * 2]);

        // Entry 4 (tag 273, StripOffsets) now claims a million offsets: 4 MB the file does not have.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(10 + (12 * 4) + 4), 1_000_000);
        string path = _dir.File("corrupt-count.tif");
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<InvalidDataException>(() => new TiffStackReader(path));
        Assert.Contains("corrupt-count.tif", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TruncatedTiff_ThrowsInvalidDataNamingFile()
    {
        string path = _dir.File("truncated.ome.tif");
        using (var writer = OmeTiffWriter.Create(path, Width, Height, 100))
        {
            for (int t = 0; t < 3; t++)
            {
                writer.Write(Frames.Make(Width, Height, t));
            }

            writer.Complete();
        }

        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 40)]);

        // Cut short as a crash leaves it: read up to the last whole frame, with a warning naming the file.
        using var reader = new TiffStackReader(path);
        Assert.Equal(2, reader.FrameCount);
        Assert.NotNull(reader.Warning);
        Assert.Contains("truncated.ome.tif", reader.Warning, StringComparison.Ordinal);
        Assert.Contains("cut short", reader.Warning, StringComparison.Ordinal);
        var frame = new Frame(Width, Height);
        for (int t = 0; t < 2; t++)
        {
            Assert.True(reader.TryReadNext(frame));
            Assert.Equal(Frames.Make(Width, Height, t).Pixels, frame.Pixels);
        }

        Assert.False(reader.TryReadNext(frame));
    }

    [Fact]
    public void Open_CorruptHeader_ThrowsInvalidDataNamingFile()
    {
        string path = _dir.File("not-a-tiff.tif");
        File.WriteAllBytes(path, "GIF89a-not-a-tiff-at-all"u8.ToArray());

        var ex = Assert.Throws<InvalidDataException>(() => new TiffStackReader(path));
        Assert.Contains("not-a-tiff.tif", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingFile_ThrowsFileNotFoundNamingFile()
    {
        string path = _dir.File("missing.tif");
        var ex = Assert.Throws<FileNotFoundException>(() => new TiffStackReader(path));
        Assert.Contains("missing.tif", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadNext_AfterLastFrame_ReturnsFalse()
    {
        string path = _dir.File("one.ome.tif");
        using (var writer = OmeTiffWriter.Create(path, Width, Height, 100))
        {
            writer.Write(Frames.Make(Width, Height, 0));
            writer.Complete();
        }

        using var reader = new TiffStackReader(path);
        var frame = new Frame(Width, Height);
        Assert.True(reader.TryReadNext(frame));
        Assert.False(reader.TryReadNext(frame));
    }

    /// <summary>Writes a stack with LibTiff.NET, whose rows take samples in host (little-endian) order.</summary>
    private static void WriteWithLibTiff(string path, string mode, int bits, SampleFormat format, int frames, Func<int, int, int, byte[]> sample, string? description = null)
    {
        using var tiff = Tiff.Open(path, mode) ?? throw new InvalidOperationException("LibTiff could not create " + path);
        int bytesPerSample = bits / 8;
        var row = new byte[Width * bytesPerSample];
        for (int t = 0; t < frames; t++)
        {
            tiff.SetField(TiffTag.IMAGEWIDTH, Width);
            tiff.SetField(TiffTag.IMAGELENGTH, Height);
            tiff.SetField(TiffTag.BITSPERSAMPLE, bits);
            tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tiff.SetField(TiffTag.SAMPLEFORMAT, format);
            tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
            tiff.SetField(TiffTag.COMPRESSION, Compression.NONE);
            tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tiff.SetField(TiffTag.ROWSPERSTRIP, Height);
            if (t == 0 && description is not null)
            {
                tiff.SetField(TiffTag.IMAGEDESCRIPTION, description);
            }

            for (int y = 0; y < Height; y++)
            {
                for (int x = 0; x < Width; x++)
                {
                    sample(x, y, t).CopyTo(row, x * bytesPerSample);
                }

                Assert.True(tiff.WriteScanline(row, y));
            }

            Assert.True(tiff.WriteDirectory());
        }

    }
}
