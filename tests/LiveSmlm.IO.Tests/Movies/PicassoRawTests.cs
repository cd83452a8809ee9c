using System.Buffers.Binary;

namespace LiveSmlm.IO.Tests.Movies;

public sealed class PicassoRawTests : IDisposable
{
    private const int Width = 4;
    private const int Height = 6;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Write_Frames_AreLittleEndianWithYamlGivingShapeTypeAndOrder()
    {
        string path = WriteRaw("movie.raw", 3);

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(3 * Width * Height * 2, bytes.Length);
        int last = ((2 * Width * Height) + (Width * Height) - 1) * 2;
        Assert.Equal(Frames.Expected(Width - 1, Height - 1, 2), BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(last)));

        string[] yaml = File.ReadAllLines(_dir.File("movie.yaml"));
        Assert.Contains($"Width: {Width}", yaml);
        Assert.Contains($"Height: {Height}", yaml);
        Assert.Contains("Frames: 3", yaml);
        Assert.Contains("Data Type: uint16", yaml);
        Assert.Contains("Byte Order: <", yaml);
    }

    [Fact]
    public void Read_WrittenRaw_ReturnsSameFrames()
    {
        string path = WriteRaw("movie.raw", 2);

        using var reader = new PicassoRawReader(path);
        Assert.Equal(2, reader.FrameCount);
        Frames.AssertMatches(Frames.ReadAll(reader), Width, Height, 2);
    }

    [Fact]
    public void Read_BigEndianFloatRaw_ConvertsAndCountsClippedPixels()
    {
        string path = _dir.File("float.raw");
        var bytes = new byte[Width * Height * 4];
        for (int i = 0; i < Width * Height; i++)
        {
            BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(i * 4), i == 0 ? 1e9f : i + 0.25f);
        }

        File.WriteAllBytes(path, bytes);
        File.WriteAllText(_dir.File("float.yaml"), $"Byte Order: '>'\nData Type: float32\nFrames: 1\nHeight: {Height}\nWidth: {Width}\n");

        using var reader = new PicassoRawReader(path);
        var frame = Frames.ReadAll(reader)[0];
        Assert.Equal(ushort.MaxValue, frame[0]);
        Assert.Equal(5, frame[5]);
        Assert.Equal(1, reader.ClippedPixels);
    }

    [Fact]
    public void Open_YamlFramesDisagreeWithLength_ThrowsInvalidDataNamingBothFiles()
    {
        string path = WriteRaw("bad.raw", 2);
        File.AppendAllText(_dir.File("bad.yaml"), "---\nFrames: 3\n");

        var ex = Assert.Throws<InvalidDataException>(() => new PicassoRawReader(path));
        Assert.Contains("bad.raw", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bad.yaml", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_UnsupportedDataType_ThrowsInvalidDataNamingYaml()
    {
        string path = WriteRaw("odd.raw", 1);
        File.WriteAllText(_dir.File("odd.yaml"), $"Byte Order: <\nData Type: complex128\nFrames: 1\nHeight: {Height}\nWidth: {Width}\n");

        var ex = Assert.Throws<InvalidDataException>(() => new PicassoRawReader(path));
        Assert.Contains("odd.yaml", ex.Message, StringComparison.Ordinal);
        Assert.Contains("complex128", ex.Message, StringComparison.Ordinal);
    }

    private string WriteRaw(string name, int frames)
    {
        string path = _dir.File(name);
        using var writer = PicassoRawWriter.Create(path, Width, Height);
        for (int t = 0; t < frames; t++)
        {
            writer.Write(Frames.Make(Width, Height, t));
        }

        writer.Complete();
        return path;
    }
}
