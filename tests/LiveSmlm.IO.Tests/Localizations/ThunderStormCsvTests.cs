using System.Globalization;
using LiveSmlm.Core;

namespace LiveSmlm.IO.Tests.Localizations;

public sealed class ThunderStormCsvTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Write_2D_HeaderIsThunderStorm13ByteForByteThenChi2()
    {
        string path = Write(Locs.Make(2, is3D: false), is3D: false);

        string header = File.ReadAllLines(path)[0];
        Assert.Equal(
            "\"id\",\"frame\",\"x [nm]\",\"y [nm]\",\"sigma [nm]\",\"intensity [photon]\",\"offset [photon]\",\"bkgstd [photon]\",\"uncertainty [nm]\",\"chi2\"",
            header);
    }

    [Fact]
    public void Write_3D_HeaderAddsZAndUncertaintyZ()
    {
        string path = Write(Locs.Make(2, is3D: true), is3D: true);

        string header = File.ReadAllLines(path)[0];
        Assert.Equal(
            "\"id\",\"frame\",\"x [nm]\",\"y [nm]\",\"z [nm]\",\"sigma [nm]\",\"intensity [photon]\",\"offset [photon]\",\"bkgstd [photon]\",\"uncertainty [nm]\",\"uncertainty_z [nm]\",\"chi2\"",
            header);
    }

    [Fact]
    public void Write_Row_HasIdAndFrameFromOneMeanSigmaAndPoissonBkgstd()
    {
        var loc = Localization.Create(frame: 4, xNm: 1234.5f, yNm: 99.25f, photons: 2000);
        loc.SigmaXNm = 100;
        loc.SigmaYNm = 120;
        loc.BackgroundPhotons = 16;
        loc.UncertaintyXNm = 6;
        loc.UncertaintyYNm = 8;
        loc.LogLikelihoodRatio = 42.5f;
        string path = Write([loc, loc], is3D: false);

        string[] fields = File.ReadAllLines(path)[2].Split(',');
        double F(int i) => double.Parse(fields[i], CultureInfo.InvariantCulture);
        Assert.Equal("2", fields[0]);      // ids count from 1
        Assert.Equal("5", fields[1]);      // frame 4 (from 0) is ThunderSTORM frame 5
        Assert.Equal(1234.5, F(2));
        Assert.Equal(99.25, F(3));
        Assert.Equal(110, F(4));           // (100 + 120) / 2
        Assert.Equal(2000, F(5));
        Assert.Equal(16, F(6));
        Assert.Equal(4, F(7));             // √16
        Assert.Equal(7, F(8));             // (6 + 8) / 2
        Assert.Equal(42.5, F(9));
    }

    [Fact]
    public void WriteThenRead_3D_RoundTripsEveryFieldThunderStormKeeps()
    {
        var locs = Locs.Make(50, is3D: true);
        string path = Write(locs, is3D: true);

        var read = ThunderStormCsvReader.Read(path).ToList();
        Assert.Equal(locs.Length, read.Count);
        for (int i = 0; i < locs.Length; i++)
        {
            Assert.Equal(locs[i].Frame, read[i].Frame);
            Assert.Equal(locs[i].XNm, read[i].XNm);
            Assert.Equal(locs[i].YNm, read[i].YNm);
            Assert.Equal(locs[i].ZNm, read[i].ZNm);
            Assert.Equal(locs[i].Photons, read[i].Photons);
            Assert.Equal(locs[i].BackgroundPhotons, read[i].BackgroundPhotons);
            Assert.Equal(0.5f * (locs[i].SigmaXNm + locs[i].SigmaYNm), read[i].SigmaXNm);
            Assert.Equal(0.5f * (locs[i].UncertaintyXNm + locs[i].UncertaintyYNm), read[i].UncertaintyYNm);
            Assert.Equal(locs[i].UncertaintyZNm, read[i].UncertaintyZNm);
            Assert.Equal(locs[i].LogLikelihoodRatio, read[i].LogLikelihoodRatio);
        }
    }

    [Fact]
    public void Read_NewerSpellingsAndUnknownColumns_AreAcceptedAndIgnored()
    {
        string path = _dir.File("newer.csv");
        File.WriteAllText(path,
            "\"id\",\"frame\",\"x [nm]\",\"y [nm]\",\"sigma1 [nm]\",\"sigma2 [nm]\",\"intensity [photon]\",\"offset [photon]\",\"bkgstd [photon]\",\"uncertainty_xy [nm]\",\"detections\",\"mystery [a.u.]\"\n"
            + "1.0,3.0,100.5,200.25,90.0,130.0,1500.0,12.0,3.4641,7.5,2.0,99\n");

        var loc = Assert.Single(ThunderStormCsvReader.Read(path));
        Assert.Equal(2, loc.Frame);
        Assert.Equal(100.5f, loc.XNm);
        Assert.Equal(200.25f, loc.YNm);
        Assert.Equal(90f, loc.SigmaXNm);
        Assert.Equal(130f, loc.SigmaYNm);
        Assert.Equal(1500f, loc.Photons);
        Assert.Equal(12f, loc.BackgroundPhotons);
        Assert.Equal(7.5f, loc.UncertaintyXNm);
        Assert.True(float.IsNaN(loc.ZNm));
        Assert.True(float.IsNaN(loc.LogLikelihoodRatio));
    }

    [Fact]
    public void Read_MicrometreColumns_AreConvertedToNm()
    {
        string path = _dir.File("um.csv");
        File.WriteAllText(path, "\"frame\",\"x [µm]\",\"y [um]\"\n1,1.5,0.25\n");

        var loc = Assert.Single(ThunderStormCsvReader.Read(path));
        Assert.Equal(1500f, loc.XNm);
        Assert.Equal(250f, loc.YNm);
    }

    [Fact]
    public void Read_MalformedLine_ThrowsInvalidDataNamingFileAndLine()
    {
        string path = _dir.File("malformed.csv");
        File.WriteAllText(path, ThunderStormCsvWriter.Header2D + "\n1,1,10,10,100,1000,5,2.2,8\n2,1,abc,10,100,1000,5,2.2,8\n");

        var ex = Assert.Throws<InvalidDataException>(() => ThunderStormCsvReader.Read(path).ToList());
        Assert.Contains("malformed.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RowWithTooFewFields_ThrowsInvalidDataNamingLine()
    {
        string path = _dir.File("short.csv");
        File.WriteAllText(path, ThunderStormCsvWriter.Header2D + "\n1,1,10\n");

        var ex = Assert.Throws<InvalidDataException>(() => ThunderStormCsvReader.Read(path).ToList());
        Assert.Contains("short.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderWithoutX_ThrowsInvalidDataAtTheCall()
    {
        string path = _dir.File("nox.csv");
        File.WriteAllText(path, "\"id\",\"frame\",\"y [nm]\"\n1,1,3\n");

        var ex = Assert.Throws<InvalidDataException>(() => ThunderStormCsvReader.Read(path));
        Assert.Contains("nox.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'x'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFoundAtTheCall()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => ThunderStormCsvReader.Read(_dir.File("gone.csv")));
        Assert.Contains("gone.csv", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WithoutComplete_RowsOfReturnedBatchesAreReadable()
    {
        string path = _dir.File("crash.csv");
        var writer = new ThunderStormCsvWriter(path, new LocalizationSetInfo());
        writer.Write(Locs.Make(5, is3D: false));

        Assert.Equal(5, ThunderStormCsvReader.Read(path).Count());
        writer.Dispose();
    }

    private string Write(Localization[] locs, bool is3D)
    {
        string path = _dir.File(is3D ? "locs3d.csv" : "locs.csv");
        using var writer = new ThunderStormCsvWriter(path, new LocalizationSetInfo { Is3D = is3D });
        writer.Write(locs.AsSpan(0, locs.Length / 2));
        writer.Write(locs.AsSpan(locs.Length / 2));
        writer.Complete();
        return path;
    }
}
