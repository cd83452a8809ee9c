namespace LiveSmlm.IO.Tests.Movies;

public sealed class FrameSourcesTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("a.tif", typeof(TiffStackReader))]
    [InlineData("a.TIFF", typeof(TiffStackReader))]
    [InlineData("a.ome.tif", typeof(TiffStackReader))]
    [InlineData("a.ome.tiff", typeof(TiffStackReader))]
    [InlineData("a.dax", typeof(DaxReader))]
    [InlineData("a.raw", typeof(PicassoRawReader))]
    public void Open_KnownExtension_ReturnsTheMatchingReader(string name, Type expected)
    {
        string path = _dir.File(name);
        IFrameWriter writer = expected == typeof(TiffStackReader) ? OmeTiffWriter.Create(path, 3, 2, 100)
            : expected == typeof(DaxReader) ? DaxWriter.Create(path, 3, 2)
            : PicassoRawWriter.Create(path, 3, 2);
        writer.Write(Frames.Make(3, 2, 0));
        writer.Complete();
        writer.Dispose();

        using var source = FrameSources.Open(path);
        Assert.IsType(expected, source);
        Frames.AssertMatches(Frames.ReadAll(source), 3, 2, 1);
    }

    [Fact]
    public void Open_UnknownExtension_ThrowsArgumentExceptionListingSupportedOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => FrameSources.Open(_dir.File("movie.avi")));
        Assert.Contains("movie.avi", ex.Message, StringComparison.Ordinal);
        Assert.Contains(".dax", ex.Message, StringComparison.Ordinal);
    }
}
