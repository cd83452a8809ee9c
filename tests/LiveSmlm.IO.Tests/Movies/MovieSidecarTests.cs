using System.Buffers.Binary;
using LiveSmlm.Core;

namespace LiveSmlm.IO.Tests.Movies;

/// <summary>
/// The sidecar cases the writers never produce: a little-endian .dax, .inf and .yaml that lack or
/// misstate a field, byte orders and sample types Picasso writes, and frames of the wrong size.
/// Every movie is built here byte by byte.
/// </summary>
public sealed class MovieSidecarTests : IDisposable
{
    private const int Width = 5;
    private const int Height = 3;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Dax_LittleEndianInf_ReadsLittleEndianPixels()
    {
        string path = Pixels("little.dax", bigEndian: false, frames: 2);
        File.WriteAllText(_dir.File("little.inf"), $"data type = 16 bit integers (binary, little endian)\nframe dimensions = {Width} x {Height}\nnumber of frames = 2\n");

        using var reader = new DaxReader(path);
        Frames.AssertMatches(Frames.ReadAll(reader), Width, Height, 2);
        Assert.Equal(2, reader.FrameCount);
    }

    [Fact]
    public void Dax_InfWithoutDataType_IsBigEndianAsStormAnalysisAssumes()
    {
        string path = Pixels("plain.dax", bigEndian: true, frames: 1);
        File.WriteAllText(_dir.File("plain.inf"), $"frame dimensions = {Width} x {Height}\nnumber of frames = 1\n");

        using var reader = new DaxReader(path);
        Frames.AssertMatches(Frames.ReadAll(reader), Width, Height, 1);
    }

    [Theory]
    [InlineData("data type = 32 bit float (binary, big endian)\nframe dimensions = 5 x 3\nnumber of frames = 1\n", "32 bit float")]
    [InlineData("number of frames = 1\n", "frame dimensions")]
    [InlineData("frame dimensions = 5 x 3\n", "number of frames")]
    [InlineData("frame dimensions = 0 x 3\nnumber of frames = 1\n", "0×3")]
    public void Dax_InfThatDoesNotDescribeA16BitMovie_ThrowsInvalidDataNamingTheInf(string inf, string named)
    {
        string path = Pixels("bad.dax", bigEndian: true, frames: 1);
        File.WriteAllText(_dir.File("bad.inf"), inf);

        var ex = Assert.Throws<InvalidDataException>(() => new DaxReader(path));
        Assert.Contains("bad.inf", ex.Message, StringComparison.Ordinal);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(">", true)]
    [InlineData("big", true)]
    [InlineData("<", false)]
    [InlineData("little", false)]
    [InlineData("=", false)]
    public void Raw_ByteOrder_SelectsTheEndianness(string order, bool bigEndian)
    {
        string path = Pixels("order.raw", bigEndian, frames: 2);
        File.WriteAllText(_dir.File("order.yaml"), $"Byte Order: '{order}'\nData Type: uint16\nFrames: 2\nHeight: {Height}\nWidth: {Width}\n");

        using var reader = new PicassoRawReader(path);
        Frames.AssertMatches(Frames.ReadAll(reader), Width, Height, 2);
    }

    [Fact]
    public void Raw_UInt8_IsReadOneBytePerPixel()
    {
        string path = _dir.File("bytes.raw");
        byte[] bytes = Enumerable.Range(0, Width * Height).Select(i => (byte)(i * 17)).ToArray();
        File.WriteAllBytes(path, bytes);
        File.WriteAllText(_dir.File("bytes.yaml"), $"Data Type: uint8\nFrames: 1\nHeight: {Height}\nWidth: {Width}\n");

        using var reader = new PicassoRawReader(path);
        var frame = new Frame(Width, Height);
        Assert.True(reader.TryReadNext(frame));
        Assert.Equal(bytes.Select(b => (ushort)b), frame.Span.ToArray());
        Assert.False(reader.TryReadNext(frame));
    }

    [Theory]
    [InlineData("Byte Order: '@'\nData Type: uint16\nFrames: 1\nHeight: 3\nWidth: 5\n", "Byte Order")]
    [InlineData("Data Type: uint16\nFrames: 1\nWidth: 5\n", "Height")]
    public void Raw_YamlWithABadField_ThrowsInvalidDataNamingIt(string yaml, string field)
    {
        string path = Pixels("bad.raw", bigEndian: false, frames: 1);
        File.WriteAllText(_dir.File("bad.yaml"), yaml);

        var ex = Assert.Throws<InvalidDataException>(() => new PicassoRawReader(path));
        Assert.Contains("bad.yaml", ex.Message, StringComparison.Ordinal);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_IntoAFrameOfAnotherSize_ThrowsArgumentNamingBothSizes()
    {
        string path = Pixels("size.raw", bigEndian: false, frames: 1);
        File.WriteAllText(_dir.File("size.yaml"), $"Data Type: uint16\nFrames: 1\nHeight: {Height}\nWidth: {Width}\n");

        using var reader = new PicassoRawReader(path);
        var ex = Assert.Throws<ArgumentException>(() => reader.TryReadNext(new Frame(Height, Width)));
        Assert.Contains("3×5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("5×3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AfterDispose_ThrowsObjectDisposed()
    {
        string path = Pixels("gone.dax", bigEndian: true, frames: 1);
        File.WriteAllText(_dir.File("gone.inf"), $"frame dimensions = {Width} x {Height}\nnumber of frames = 1\n");
        var reader = new DaxReader(path);
        reader.Dispose();
        reader.Dispose(); // twice is fine
        Assert.Throws<ObjectDisposedException>(() => reader.TryReadNext(new Frame(Width, Height)));
    }

    [Fact]
    public void Writers_AfterComplete_RefuseMoreFrames()
    {
        var dax = DaxWriter.Create(_dir.File("done.dax"), Width, Height);
        dax.Write(Frames.Make(Width, Height, 0));
        dax.Complete();
        Assert.Throws<ObjectDisposedException>(() => dax.Write(Frames.Make(Width, Height, 1)));
        Assert.Contains("number of frames = 1", File.ReadAllText(_dir.File("done.inf")), StringComparison.Ordinal);

        var raw = PicassoRawWriter.Create(_dir.File("done.raw"), Width, Height);
        raw.Write(Frames.Make(Width, Height, 0));
        raw.Complete();
        Assert.Throws<ObjectDisposedException>(() => raw.Write(Frames.Make(Width, Height, 1)));
        Assert.Equal(Width * Height * 2, new FileInfo(_dir.File("done.raw")).Length);
    }

    private string Pixels(string name, bool bigEndian, int frames)
    {
        var bytes = new byte[frames * Width * Height * 2];
        for (int t = 0; t < frames; t++)
        {
            for (int i = 0; i < Width * Height; i++)
            {
                var span = bytes.AsSpan(((t * Width * Height) + i) * 2);
                ushort v = Frames.Expected(i % Width, i / Width, t);
                if (bigEndian)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(span, v);
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(span, v);
                }
            }
        }

        string path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
