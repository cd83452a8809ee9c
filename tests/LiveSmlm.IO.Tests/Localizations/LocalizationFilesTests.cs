using LiveSmlm.Core;

namespace LiveSmlm.IO.Tests.Localizations;

public sealed class LocalizationFilesTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("locs.csv")]
    [InlineData("locs.hdf5")]
    [InlineData("locs.h5")]
    public void Read_KnownExtension_ReturnsTheWrittenLocalizations(string name)
    {
        string path = _dir.File(name);
        var locs = Locs.Make(12, is3D: false);
        var info = new LocalizationSetInfo { PixelSizeNm = 100, WidthPx = 32, HeightPx = 32, Frames = 4 };
        using (ILocalizationWriter writer = name.EndsWith(".csv", StringComparison.Ordinal)
            ? new ThunderStormCsvWriter(path, info)
            : new PicassoHdf5Writer(path, info))
        {
            writer.Write(locs);
            writer.Complete();
        }

        var read = LocalizationFiles.Read(path);
        Assert.Equal(locs.Length, read.Count);
        Assert.Equal(locs.Select(l => l.Frame), read.Select(l => l.Frame));
        for (int i = 0; i < locs.Length; i++)
        {
            Assert.Equal(locs[i].XNm, read[i].XNm, 0.01f);
            Assert.Equal(locs[i].YNm, read[i].YNm, 0.01f);
        }
    }

    [Fact]
    public void Read_UnknownExtension_ThrowsArgumentExceptionNamingTheFile()
    {
        var ex = Assert.Throws<ArgumentException>(() => LocalizationFiles.Read(_dir.File("locs.xlsx")));
        Assert.Contains("locs.xlsx", ex.Message, StringComparison.Ordinal);
    }
}
