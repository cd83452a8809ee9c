using System.Text.RegularExpressions;
using BitMiracle.LibTiff.Classic;
using LiveSmlm.Core;

namespace LiveSmlm.IO.Tests.Calibration;

public sealed class ScmosCalibrationFileTests : IDisposable
{
    private const int W = 6;
    private const int H = 4;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Write_ThreeFloatPages_ThatTiffinfoSeesAsThreeIeeeFloatDirectories()
    {
        string path = _dir.File("maps.tif");
        ScmosCalibrationFile.Write(path, Maps(), W, H);
        string info = Tool.Run("tiffinfo", path);
        Assert.Equal(3, Regex.Matches(info, "TIFF Directory at offset").Count);
        Assert.Equal(3, Regex.Matches(info, "Bits/Sample: 32").Count);
        Assert.Equal(3, Regex.Matches(info, "Sample Format: IEEE floating point").Count);
    }

    [Fact]
    public void Read_FileWrittenByLibTiff_GivesTheMapsPixelByPixel()
    {
        string path = _dir.File("maps.tif");
        PixelCalibrationMaps expected = Maps();
        WriteWithLibTiff(path, [expected.BaselineAdu, expected.VarianceAdu2, expected.ElectronsPerAdu]);
        PixelCalibrationMaps read = ScmosCalibrationFile.Read(path, W, H);
        Assert.Equal(expected.BaselineAdu, read.BaselineAdu);
        Assert.Equal(expected.VarianceAdu2, read.VarianceAdu2);
        Assert.Equal(expected.ElectronsPerAdu, read.ElectronsPerAdu);
    }

    [Fact]
    public void Read_MapsOfAnotherSize_NamesBothSizes()
    {
        string path = _dir.File("maps.tif");
        ScmosCalibrationFile.Write(path, Maps(), W, H);
        var ex = Assert.Throws<InvalidDataException>(() => ScmosCalibrationFile.Read(path, 256, 256));
        Assert.Contains("maps.tif", ex.Message, StringComparison.Ordinal);
        Assert.Contains("6×4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("256×256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TwoPages_SaysThreeAreNeeded()
    {
        string path = _dir.File("two.tif");
        PixelCalibrationMaps m = Maps();
        WriteWithLibTiff(path, [m.BaselineAdu, m.VarianceAdu2]);
        var ex = Assert.Throws<InvalidDataException>(() => ScmosCalibrationFile.Read(path, W, H));
        Assert.Contains("holds 2 pages", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NegativeVarianceOrZeroGain_NamesPageAndPixel()
    {
        PixelCalibrationMaps m = Maps();
        float[] variance = (float[])m.VarianceAdu2.Clone();
        variance[(2 * W) + 3] = -1f;
        string path = _dir.File("badvar.tif");
        WriteWithLibTiff(path, [m.BaselineAdu, variance, m.ElectronsPerAdu]);
        var ex = Assert.Throws<InvalidDataException>(() => ScmosCalibrationFile.Read(path, W, H));
        Assert.Contains("page 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 2)", ex.Message, StringComparison.Ordinal);

        float[] gain = (float[])m.ElectronsPerAdu.Clone();
        gain[0] = 0f;
        path = _dir.File("badgain.tif");
        WriteWithLibTiff(path, [m.BaselineAdu, m.VarianceAdu2, gain]);
        ex = Assert.Throws<InvalidDataException>(() => ScmosCalibrationFile.Read(path, W, H));
        Assert.Contains("page 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_IsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => ScmosCalibrationFile.Read(_dir.File("none.tif"), W, H));
    }

    private static PixelCalibrationMaps Maps()
    {
        var offset = new float[W * H];
        var variance = new float[W * H];
        var gain = new float[W * H];
        for (int i = 0; i < offset.Length; i++)
        {
            offset[i] = 100 + (i % 7) * 0.25f;
            variance[i] = 2.5f + (i % 5);
            gain[i] = 0.45f + (i % 3) * 0.01f;
        }

        return new PixelCalibrationMaps(offset, variance, gain);
    }

    private static void WriteWithLibTiff(string path, float[][] pages)
    {
        using Tiff tiff = Tiff.Open(path, "w");
        var row = new byte[W * 4];
        foreach (float[] page in pages)
        {
            tiff.SetField(TiffTag.IMAGEWIDTH, W);
            tiff.SetField(TiffTag.IMAGELENGTH, H);
            tiff.SetField(TiffTag.BITSPERSAMPLE, 32);
            tiff.SetField(TiffTag.SAMPLEFORMAT, SampleFormat.IEEEFP);
            tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
            tiff.SetField(TiffTag.ROWSPERSTRIP, H);
            for (int y = 0; y < H; y++)
            {
                Buffer.BlockCopy(page, y * W * 4, row, 0, row.Length);
                tiff.WriteScanline(row, y);
            }

            tiff.WriteDirectory();
        }
    }
}
