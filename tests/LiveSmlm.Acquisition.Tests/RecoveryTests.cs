using LiveSmlm.Acquisition.Session;
using LiveSmlm.Core;
using LiveSmlm.IO;

namespace LiveSmlm.Acquisition.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>What a kill leaves in an acquisition folder, made by hand, and `recover` on it.</summary>
public sealed class RecoveryTests : IDisposable
{
    private const int W = 16, H = 12;
    private readonly string _dir = AcquisitionSupport.NewDir();

    public RecoveryTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void KilledMidPage_CutsThePartialPage_FixesTheCount()
    {
        string raw = WriteRaw(frames: 5);

        // The state of a kill in the middle of writing the last page, after the earlier link and
        // count had been patched: the link points past the end and SizeT says 5.
        byte[] bytes = File.ReadAllBytes(raw);
        File.WriteAllBytes(raw, bytes[..(bytes.Length - 100)]);

        OmeTiffRecoveryResult result = OmeTiffRecovery.Recover(raw);

        (int pages, string err, string info) = AcquisitionSupport.TiffinfoPages(raw);
        Assert.Equal(4, pages);
        Assert.Equal(4, result.Pages);
        Assert.DoesNotContain("rror", err, StringComparison.Ordinal);
        Assert.Contains("SizeT=\"4\"", info, StringComparison.Ordinal);
        Assert.Contains("PlaneCount=\"4\"", info, StringComparison.Ordinal);
        Assert.True(result.CountPatched);
        AssertPixels(raw, 4);

        // Idempotent.
        Assert.Equal(new OmeTiffRecoveryResult(4, 0, false), OmeTiffRecovery.Recover(raw));
    }

    [Fact]
    public void KilledBeforeLink_RemovesTheUnlinkedPage()
    {
        string raw = WriteRaw(frames: 3);
        long whole = new FileInfo(raw).Length;
        using (var stream = new FileStream(raw, FileMode.Append))
        {
            stream.Write(new byte[(W * H * 2) + 40]);   // a page written but never linked
        }

        OmeTiffRecoveryResult result = OmeTiffRecovery.Recover(raw);

        Assert.Equal(new OmeTiffRecoveryResult(3, (W * H * 2) + 40, false), result);
        Assert.Equal(whole, new FileInfo(raw).Length);
        Assert.Equal(3, AcquisitionSupport.TiffinfoPages(raw).Pages);
    }

    [Fact]
    public void Recover_Folder_BuildsHdf5FromSpill_TrimsCsv()
    {
        WriteRaw(frames: 3);
        var info = new LocalizationSetInfo { PixelSizeNm = 100, WidthPx = W, HeightPx = H, Frames = 3 };
        string hdf = Path.Combine(_dir, "locs.hdf5");
        var writer = new PicassoHdf5Writer(hdf, info);
        writer.Write([Loc(0, 150), Loc(1, 250), Loc(2, 350)]);
        writer.Dispose();   // killed: spill only
        using (var spill = new FileStream(PicassoHdf5Writer.SpillPath(hdf), FileMode.Append))
        {
            spill.Write(new byte[7]);   // half a row
        }

        File.WriteAllText(Path.Combine(_dir, "locs.csv"), "\"id\",\"frame\"\n1,1\n2,2\n3,");

        RecoveryReport report = AcquisitionRecovery.Recover(_dir);

        Assert.Equal(3, report.RawFrames);
        Assert.Equal(3, report.Localizations);
        Assert.Equal(2, report.CsvBytesRemoved);
        Assert.Equal("\"id\",\"frame\"\n1,1\n2,2\n", File.ReadAllText(Path.Combine(_dir, "locs.csv")));
        (string header, _) = AcquisitionSupport.Tool("h5dump", "-H", hdf);
        Assert.Contains("( 3 )", header, StringComparison.Ordinal);
        Assert.False(File.Exists(PicassoHdf5Writer.SpillPath(hdf)));
    }

    private static Localization Loc(int frame, float x) => Localization.Create(frame, x, 300, 1000);

    private string WriteRaw(int frames)
    {
        string raw = Path.Combine(_dir, "raw.ome.tif");
        var writer = OmeTiffWriter.Create(raw, W, H, 100);
        for (int t = 0; t < frames; t++)
        {
            writer.Write(Make(t));
        }

        writer.Dispose();   // never completed, as after a kill
        return raw;
    }

    private static Frame Make(int t)
    {
        var f = new Frame(W, H) { Index = t };
        for (int i = 0; i < f.PixelCount; i++)
        {
            f.Pixels[i] = (ushort)((t * 1000) + i);
        }

        return f;
    }

    private static void AssertPixels(string raw, int frames)
    {
        using var reader = new TiffStackReader(raw);
        Assert.Null(reader.Warning);
        var frame = new Frame(W, H);
        for (int t = 0; t < frames; t++)
        {
            Assert.True(reader.TryReadNext(frame));
            Assert.Equal(Make(t).Pixels, frame.Pixels);
        }

        Assert.False(reader.TryReadNext(frame));
    }
}
