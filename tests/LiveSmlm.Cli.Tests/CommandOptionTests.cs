using System.Globalization;
using System.Text.Json;

namespace LiveSmlm.Cli.Tests;

/// <summary>The options of simulate, evaluate and bench take effect, checked against what the test wrote or read independently.</summary>
public class CommandOptionTests
{
    private static readonly string StormProfile = CliRunner.RepoFile("hardware-profiles", "simulated-storm.json");
    private const string TruthHeader = "\"id\",\"frame\",\"x [nm]\",\"y [nm]\",\"z [nm]\",\"intensity [photon]\"";

    [Fact]
    public void Simulate_Seed_ChangesTheData_AndFramesSetsTheStackLength()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", StormProfile, "--frames", "3", "--out", a.Path, "--seed", "1").ExitCode);
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", StormProfile, "--frames", "3", "--out", b.Path, "--seed", "2").ExitCode);

        Assert.NotEqual(File.ReadAllText(a.File("ground-truth.csv")), File.ReadAllText(b.File("ground-truth.csv")));
        Assert.NotEqual(File.ReadAllBytes(a.File("raw.ome.tif")), File.ReadAllBytes(b.File("raw.ome.tif")));
        foreach (TempDir dir in new[] { a, b })
        {
            string info = EndToEndTests.RunTool("tiffinfo", dir.File("raw.ome.tif"));
            Assert.Equal(3, info.Split("TIFF Directory at offset").Length - 1);
            int[] frames = File.ReadAllLines(dir.File("ground-truth.csv")).Skip(1).Select(l => int.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
            Assert.All(frames, f => Assert.InRange(f, 1, 3));
        }
    }

    [Fact]
    public void Simulate_Profile_SetsTheCameraOfTheStack()
    {
        using var tmp = new TempDir();
        string text = File.ReadAllText(StormProfile)
            .Replace("\"widthPx\": 256", "\"widthPx\": 48", StringComparison.Ordinal)
            .Replace("\"heightPx\": 256", "\"heightPx\": 32", StringComparison.Ordinal)
            .Replace("\"pixelSizeNm\": 100", "\"pixelSizeNm\": 117", StringComparison.Ordinal);
        File.WriteAllText(tmp.File("rig.json"), text);
        var (code, _, err) = CliRunner.Run("simulate", "--profile", tmp.File("rig.json"), "--frames", "2", "--out", tmp.File("sim"));
        Assert.True(code == 0, err);

        // tiffinfo (independent) sees the profile's sensor and pixel size.
        string info = EndToEndTests.RunTool("tiffinfo", tmp.File("sim/raw.ome.tif"));
        Assert.Contains("Image Width: 48 Image Length: 32", info, StringComparison.Ordinal);
        Assert.Contains("PhysicalSizeX=\"117\"", info, StringComparison.Ordinal);
        double[] xs = File.ReadAllLines(tmp.File("sim/ground-truth.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)).ToArray();
        Assert.All(xs, x => Assert.InRange(x, -500, (48 * 117) + 500));
    }

    [Theory]
    [InlineData(25, 0)]
    [InlineData(35, 1)]
    public void Evaluate_RadiusNm_DecidesWhetherA30NmShiftMatches(double radius, double jaccard)
    {
        using var tmp = new TempDir();
        File.WriteAllLines(tmp.File("truth.csv"), [TruthHeader, "1,1,1000,1000,0,2000", "2,1,3000,2500,0,2000", "3,2,1500,4000,0,2000"]);
        File.WriteAllLines(tmp.File("locs.csv"), [TruthHeader, "1,1,1018,976,0,2000", "2,1,3018,2476,0,2000", "3,2,1518,3976,0,2000"]); // 18² + 24² = 30²

        using var json = Evaluate(tmp, "--radius-nm", radius.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(jaccard, json.RootElement.GetProperty("jaccard").GetDouble(), 1e-9);
        Assert.Equal(jaccard == 1 ? 3 : 0, json.RootElement.GetProperty("tp").GetInt32());
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("150", 1)]
    [InlineData("50", 0)]
    public void Evaluate_AxialRadiusNm_DecidesWhetherA100NmDepthErrorMatches(string? axial, double jaccard)
    {
        using var tmp = new TempDir();
        File.WriteAllLines(tmp.File("truth.csv"), [TruthHeader, "1,1,1000,1000,0,2000", "2,2,3000,2500,-200,2000"]);
        File.WriteAllLines(tmp.File("locs.csv"), [TruthHeader, "1,1,1000,1000,100,2000", "2,2,3000,2500,-300,2000"]);

        using var json = axial is null ? Evaluate(tmp) : Evaluate(tmp, "--axial-radius-nm", axial);
        Assert.Equal(jaccard, json.RootElement.GetProperty("jaccard").GetDouble(), 1e-9);
    }

    [Fact]
    public void Bench_AccuracyOnlyFramesKeep_RunTheChosenProfileAndKeepItsFiles()
    {
        using var tmp = new TempDir();
        var (code, stdout, err) = CliRunner.Run(
            "bench", "--accuracy", "--frames", "10", "--only", "STORM", "--profiles", CliRunner.RepoFile("hardware-profiles"), "--keep", tmp.Path, "--json");
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(stdout);
        var rows = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(6, rows.Length); // as shipped, then 0.25, 0.5, 1, 2 and 4 per µm²
        Assert.All(rows, r => Assert.Equal("simulated-storm.json", r.GetProperty("profile").GetString()));
        Assert.All(rows, r => Assert.Equal(10, r.GetProperty("frames").GetInt64()));

        // --keep: each run's stack, truth and localizations stay; the stack has --frames pages (tiffinfo).
        string[] runs = Directory.GetDirectories(tmp.Path);
        Assert.Equal(6, runs.Length);
        foreach (string run in runs)
        {
            Assert.True(File.Exists(Path.Combine(run, "ground-truth.csv")), run);
            Assert.True(File.Exists(Path.Combine(run, "analysis", "locs.csv")), run);
            Assert.Equal(10, EndToEndTests.RunTool("tiffinfo", Path.Combine(run, "raw.ome.tif")).Split("TIFF Directory at offset").Length - 1);
        }
    }

    private static JsonDocument Evaluate(TempDir tmp, params string[] options)
    {
        var (code, stdout, err) = CliRunner.Run(["evaluate", "--locs", tmp.File("locs.csv"), "--truth", tmp.File("truth.csv"), .. options]);
        Assert.True(code == 0, err);
        return JsonDocument.Parse(stdout);
    }
}
