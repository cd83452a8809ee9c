using System.Buffers.Binary;

namespace LiveSmlm.IO.Tests.Movies;

public sealed class DaxTests : IDisposable
{
    private const int Width = 7;
    private const int Height = 3;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Write_Frames_AreBigEndianFrameMajorRowMajorWithMatchingInf()
    {
        string path = WriteDax("movie.dax", 2);

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(2 * Width * Height * 2, bytes.Length);
        for (int t = 0; t < 2; t++)
        {
            for (int i = 0; i < Width * Height; i++)
            {
                int offset = ((t * Width * Height) + i) * 2;
                Assert.Equal(Frames.Expected(i % Width, i / Width, t), BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(offset)));
            }
        }

        string[] inf = File.ReadAllLines(_dir.File("movie.inf"));
        Assert.Contains($"frame dimensions = {Width} x {Height}", inf);
        Assert.Contains("number of frames = 2", inf);
        Assert.Contains("data type = 16 bit integers (binary, big endian)", inf);
    }

    [Fact]
    public void Read_WrittenDax_ReturnsSameFrames()
    {
        string path = WriteDax("movie.dax", 3);

        using var reader = new DaxReader(path);
        Assert.Equal(Width, reader.Width);
        Assert.Equal(Height, reader.Height);
        Assert.Equal(3, reader.FrameCount);
        Frames.AssertMatches(Frames.ReadAll(reader), Width, Height, 3);
    }

    [Fact]
    public void Read_InfFromStormAnalysis_ReadsBigEndianPixels()
    {
        // A .dax and .inf as storm-analysis writes them, built here byte by byte.
        string path = _dir.File("storm.dax");
        var bytes = new byte[Width * Height * 2];
        for (int i = 0; i < Width * Height; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i * 2), Frames.Expected(i % Width, i / Width, 0));
        }

        File.WriteAllBytes(path, bytes);
        File.WriteAllText(_dir.File("storm.inf"),
            $"binning = 1 x 1\ndata type = 16 bit integers (binary, big endian)\nframe dimensions = {Width} x {Height}\nnumber of frames = 1\nLock Target = 0.0\nx_start = 1\nx_end = {Width}\ny_start = 1\ny_end = {Height}\n");

        using var reader = new DaxReader(path);
        Frames.AssertMatches(Frames.ReadAll(reader), Width, Height, 1);
    }

    [Fact]
    public void Open_InfFrameCountDisagreesWithDaxLength_ThrowsInvalidDataNamingBothFiles()
    {
        string path = WriteDax("short.dax", 2);
        string inf = _dir.File("short.inf");
        File.WriteAllText(inf, File.ReadAllText(inf).Replace("number of frames = 2", "number of frames = 5", StringComparison.Ordinal));

        var ex = Assert.Throws<InvalidDataException>(() => new DaxReader(path));
        Assert.Contains("short.dax", ex.Message, StringComparison.Ordinal);
        Assert.Contains("short.inf", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingInf_ThrowsFileNotFoundNamingTheInf()
    {
        string path = WriteDax("lonely.dax", 1);
        File.Delete(_dir.File("lonely.inf"));

        var ex = Assert.Throws<FileNotFoundException>(() => new DaxReader(path));
        Assert.Contains("lonely.inf", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingDax_ThrowsFileNotFoundNamingIt()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => new DaxReader(_dir.File("nothing.dax")));
        Assert.Contains("nothing.dax", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WithoutComplete_InfAlreadyDescribesTheFramesOnDisk()
    {
        string path = _dir.File("crash.dax");
        var writer = DaxWriter.Create(path, Width, Height);
        writer.Write(Frames.Make(Width, Height, 0));
        writer.Write(Frames.Make(Width, Height, 1));

        using (var reader = new DaxReader(path))
        {
            Frames.AssertMatches(Frames.ReadAll(reader), Width, Height, 2);
        }

        writer.Dispose();
    }

    private string WriteDax(string name, int frames)
    {
        string path = _dir.File(name);
        using var writer = DaxWriter.Create(path, Width, Height);
        for (int t = 0; t < frames; t++)
        {
            writer.Write(Frames.Make(Width, Height, t));
        }

        writer.Complete();
        Assert.Equal(frames, writer.FramesWritten);
        return path;
    }
}
