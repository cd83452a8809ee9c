using System.Text.Json;

namespace LiveSmlm.Cli.Tests;

/// <summary>
/// `analyze` of .dax (+ .inf) and Picasso .raw (+ .yaml) stacks end to end: the localizations match the
/// emitters the test drew, and equal those from the same frames written as OME-TIFF.
/// </summary>
public class StackFormatTests
{
    // Not square, so that a swapped width and height or a transposed read cannot pass.
    private const int Width = 56;
    private const int Height = 40;
    private const int FrameCount = 6;
    private const double PixelNm = 100;
    private const double SigmaPx = 1.3;

    [Theory]
    [InlineData("stack.dax")]
    [InlineData("stack.raw")]
    public void Analyze_MovieFormat_FindsTheDrawnEmittersAndEqualsTheTiffResult(string name)
    {
        using var tmp = new TempDir();
        var camera = new DrawCamera();
        List<DrawnEmitter> truth = SpotStacks.Grid(Width, Height, FrameCount, photons: 3000);
        var frames = SpotStacks.Draw(Width, Height, FrameCount, truth, camera, SigmaPx, backgroundPhotons: 10, noiseSeed: 21);
        SpotStacks.WriteTiff(tmp.File("stack.ome.tif"), frames, PixelNm);
        if (name.EndsWith(".dax", StringComparison.Ordinal))
        {
            SpotStacks.WriteDax(tmp.File(name), frames);
        }
        else
        {
            SpotStacks.WriteRaw(tmp.File(name), frames);
        }

        string[] options = [.. camera.Options(PixelNm), "--psf-sigma-nm", "130", "--engine", "cpu"];
        var (code, _, err) = CliRunner.Run(["analyze", tmp.File(name), "--out", tmp.File("movie"), .. options]);
        Assert.True(code == 0, err);
        var (tiffCode, _, tiffErr) = CliRunner.Run(["analyze", tmp.File("stack.ome.tif"), "--out", tmp.File("tiff"), .. options]);
        Assert.True(tiffCode == 0, tiffErr);

        // Against the drawn truth: every emitter found within 25 nm (σ_CRLB ≈ 3 nm here), nothing else.
        List<CsvLoc> locs = LocsCsv.Read(tmp.File("movie/locs.csv"));
        var matches = LocsCsv.Match(truth, locs, PixelNm, radiusNm: 25);
        Assert.All(matches, m => Assert.True(m.Found is not null, $"emitter {m.Truth} not found"));
        Assert.Equal(truth.Count, locs.Count);
        double rmse = Math.Sqrt(matches.Average(m => Math.Pow(m.Found!.XNm - (m.Truth.XPx * PixelNm), 2) + Math.Pow(m.Found.YNm - (m.Truth.YPx * PixelNm), 2)));
        Assert.True(rmse < 8, $"RMSE {rmse} nm");

        using var summary = JsonDocument.Parse(File.ReadAllText(tmp.File("movie/summary.json")));
        Assert.Equal(FrameCount, summary.RootElement.GetProperty("frames").GetInt64());
        Assert.Equal(Width, summary.RootElement.GetProperty("width_px").GetInt32());
        Assert.Equal(Height, summary.RootElement.GetProperty("height_px").GetInt32());

        // Same frames, same engine: the same table, byte for byte.
        Assert.Equal(File.ReadAllText(tmp.File("tiff/locs.csv")), File.ReadAllText(tmp.File("movie/locs.csv")));
    }
}
