using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace LiveSmlm.IO.Tests.Tiffs;

public sealed class OmeTiffWriterTests : IDisposable
{
    private const int Width = 6;
    private const int Height = 4;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Write_ThreeFrames_TiffinfoSeesThreeSixteenBitPagesOfABigTiff()
    {
        string path = WriteStack(3, complete: true);

        string info = Tool.Run("tiffinfo", path);
        Assert.Equal(3, Regex.Matches(info, "TIFF Directory at offset").Count);
        Assert.Equal(3, Regex.Matches(info, @"Bits/Sample: 16").Count);
        Assert.Equal(3, Regex.Matches(info, $"Image Width: {Width} Image Length: {Height}").Count);
        Assert.Contains("Version: 0x2b <BigTIFF>", Tool.Run("tiffdump", path), StringComparison.Ordinal);

        // BigTIFF header, byte by byte: "II", 43, offset size 8, reserved 0.
        byte[] header = File.ReadAllBytes(path)[..8];
        Assert.Equal(new byte[] { 0x49, 0x49, 43, 0, 8, 0, 0, 0 }, header);
    }

    [Fact]
    public void Complete_OmeXmlInFirstPage_SaysSizeTFramesWrittenAndPixelSizeInNm()
    {
        string path = WriteStack(5, complete: true);

        var pixels = OmePixels(Tool.Run("tiffinfo", path));
        Assert.Equal("5", pixels.Attribute("SizeT")!.Value);
        Assert.Equal("XYZCT", pixels.Attribute("DimensionOrder")!.Value);
        Assert.Equal("uint16", pixels.Attribute("Type")!.Value);
        Assert.Equal(Width.ToString(), pixels.Attribute("SizeX")!.Value);
        Assert.Equal(Height.ToString(), pixels.Attribute("SizeY")!.Value);
        Assert.Equal("107.5", pixels.Attribute("PhysicalSizeX")!.Value);
        Assert.Equal("107.5", pixels.Attribute("PhysicalSizeY")!.Value);
        Assert.Equal("nm", pixels.Attribute("PhysicalSizeXUnit")!.Value);
        var tiffData = pixels.Elements().Single(e => e.Name.LocalName == "TiffData");
        Assert.Equal("5", tiffData.Attribute("PlaneCount")!.Value);
    }

    [Fact]
    public void Write_StripBytes_AreTheFramePixelsLittleEndian()
    {
        string path = WriteStack(1, complete: true);

        // tiffinfo -d dumps the strip as hex bytes; pixel (x, y) is bytes 2i, 2i+1 low byte first.
        string dump = Tool.Run("tiffinfo", "-d", path);
        string hex = dump[(dump.IndexOf("Strip 0:", StringComparison.Ordinal) + 8)..];
        byte[] bytes = Regex.Matches(hex, @"\b[0-9a-f]{2}\b").Select(m => Convert.ToByte(m.Value, 16)).Take(Width * Height * 2).ToArray();
        for (int i = 0; i < Width * Height; i++)
        {
            ushort expected = Frames.Expected(i % Width, i / Width, 0);
            Assert.Equal((byte)(expected & 0xFF), bytes[2 * i]);
            Assert.Equal((byte)(expected >> 8), bytes[(2 * i) + 1]);
        }
    }

    [Fact]
    public void Write_WithoutComplete_FileStillOpensWithEveryWrittenFrame()
    {
        string path = _dir.File("crash.ome.tif");
        var writer = OmeTiffWriter.Create(path, Width, Height, 100);
        for (int t = 0; t < 4; t++)
        {
            writer.Write(Frames.Make(Width, Height, t));
        }

        // The writer is still open, as in a crashed process: the OS already has every page.
        string info = Tool.Run("tiffinfo", path);
        Assert.Equal(4, Regex.Matches(info, "TIFF Directory at offset").Count);
        Assert.Equal("4", OmePixels(info).Attribute("SizeT")!.Value);
        using (var reader = new TiffStackReader(path))
        {
            Frames.AssertMatches(Frames.ReadAll(reader), Width, Height, 4);
        }

        writer.Dispose();
    }

    [Fact]
    public void Write_ThenRead_TiffStackReaderReturnsSamePixelsAndPixelSize()
    {
        string path = WriteStack(3, complete: true);

        using var reader = new TiffStackReader(path);
        Assert.Equal(Width, reader.Width);
        Assert.Equal(Height, reader.Height);
        Assert.Equal(3, reader.FrameCount);
        Assert.Equal(107.5, reader.PixelSizeNm);
        Frames.AssertMatches(Frames.ReadAll(reader), Width, Height, 3);
        Assert.Equal(0, reader.ClippedPixels);
    }

    [Fact]
    public void Write_FrameOfWrongSize_ThrowsArgumentExceptionNamingTheFile()
    {
        string path = _dir.File("size.ome.tif");
        using var writer = OmeTiffWriter.Create(path, Width, Height, 100);
        var ex = Assert.Throws<ArgumentException>(() => writer.Write(new Core.Frame(Width + 1, Height)));
        Assert.Contains("size.ome.tif", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NonPositivePixelSize_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => OmeTiffWriter.Create(_dir.File("bad.ome.tif"), Width, Height, 0));
    }

    private static XElement OmePixels(string tiffinfo)
    {
        var match = Regex.Match(tiffinfo, "ImageDescription: (<\\?xml.*?</OME>)", RegexOptions.Singleline);
        Assert.True(match.Success, "tiffinfo shows no OME-XML ImageDescription.");
        return XDocument.Parse(match.Groups[1].Value).Descendants().Single(e => e.Name.LocalName == "Pixels");
    }

    private string WriteStack(int frames, bool complete)
    {
        string path = _dir.File("stack.ome.tif");
        var writer = OmeTiffWriter.Create(path, Width, Height, 107.5);
        for (int t = 0; t < frames; t++)
        {
            writer.Write(Frames.Make(Width, Height, t));
            Assert.Equal(t + 1, writer.FramesWritten);
        }

        if (complete)
        {
            writer.Complete();
        }

        writer.Dispose();
        return path;
    }
}
