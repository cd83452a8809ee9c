namespace LiveSmlm.Cli.Tests;

/// <summary>Every bad input gets one line naming it and exit code 2, never a stack trace.</summary>
public class BadInputTests
{
    [Fact]
    public void Analyze_MissingStack_NamesTheFileAndExitsWithTwo()
    {
        using var tmp = new TempDir();
        string missing = tmp.File("nope.tif");
        var (code, _, err) = CliRunner.Run("analyze", missing, "--out", tmp.File("out"));
        Assert.Equal(2, code);
        Assert.Contains("nope.tif", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_BaselineAboveEveryPixel_SaysSoAndExitsWithTwo()
    {
        using var tmp = new TempDir();
        string profile = CliRunner.RepoFile("hardware-profiles", "simulated-storm.json");
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", profile, "--frames", "3", "--out", tmp.Path).ExitCode);
        var (code, _, err) = CliRunner.Run("analyze", tmp.File("raw.ome.tif"), "--baseline-adu", "60000", "--out", tmp.File("out"));
        Assert.Equal(2, code);
        Assert.Contains("baseline", err, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("raw.ome.tif", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--em-gain", "0.5", "emGain")]
    [InlineData("--qe", "1.5", "quantumEfficiency")]
    [InlineData("--pixel-size-nm", "-3", "pixelSizeNm")]
    [InlineData("--electrons-per-adu", "0", "electronsPerAdu")]
    public void Analyze_NonsensicalCameraOption_NamesTheFieldAndExitsWithTwo(string option, string value, string field)
    {
        using var tmp = new TempDir();
        string profile = CliRunner.RepoFile("hardware-profiles", "simulated-storm.json");
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", profile, "--frames", "2", "--out", tmp.Path).ExitCode);
        var (code, _, err) = CliRunner.Run("analyze", tmp.File("raw.ome.tif"), option, value, "--out", tmp.File("out"));
        Assert.Equal(2, code);
        Assert.Contains(field, err, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_ZeroFrames_ExitsWithTwo()
    {
        using var tmp = new TempDir();
        string profile = CliRunner.RepoFile("hardware-profiles", "simulated-storm.json");
        var (code, _, err) = CliRunner.Run("simulate", "--profile", profile, "--frames", "0", "--out", tmp.Path);
        Assert.Equal(2, code);
        Assert.Contains("--frames", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_ProfileWithFieldOutOfRange_NamesFieldAndFile()
    {
        using var tmp = new TempDir();
        string text = File.ReadAllText(CliRunner.RepoFile("hardware-profiles", "simulated-storm.json"))
            .Replace("\"quantumEfficiency\": 0.72", "\"quantumEfficiency\": 7.2", StringComparison.Ordinal);
        string bad = tmp.File("bad-rig.json");
        File.WriteAllText(bad, text);
        var (code, _, err) = CliRunner.Run("simulate", "--profile", bad, "--frames", "2", "--out", tmp.File("out"));
        Assert.Equal(2, code);
        Assert.Contains("camera.quantumEfficiency", err, StringComparison.Ordinal);
        Assert.Contains("bad-rig.json", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_MalformedCsv_NamesTheFileAndExitsWithTwo()
    {
        using var tmp = new TempDir();
        string locs = tmp.File("broken.csv");
        File.WriteAllText(locs, "\"id\",\"frame\",\"x [nm]\",\"y [nm]\"\n1,1,abc,5\n");
        string truth = tmp.File("truth.csv");
        File.WriteAllText(truth, "\"id\",\"frame\",\"x [nm]\",\"y [nm]\",\"z [nm]\",\"intensity [photon]\"\n1,1,100,100,0,1000\n");
        var (code, _, err) = CliRunner.Run("evaluate", "--locs", locs, "--truth", truth);
        Assert.Equal(2, code);
        Assert.Contains("broken.csv", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NegativeRadius_ExitsWithTwo()
    {
        using var tmp = new TempDir();
        string truth = tmp.File("truth.csv");
        File.WriteAllText(truth, "\"id\",\"frame\",\"x [nm]\",\"y [nm]\",\"z [nm]\",\"intensity [photon]\"\n1,1,100,100,0,1000\n");
        var (code, _, err) = CliRunner.Run("evaluate", "--locs", truth, "--truth", truth, "--radius-nm", "-5");
        Assert.Equal(2, code);
        Assert.Contains("--radius-nm", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_EngineGpu_WithoutCuda_IsAClearErrorNotAFallback()
    {
        using var tmp = new TempDir();
        string profile = CliRunner.RepoFile("hardware-profiles", "simulated-storm.json");
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", profile, "--frames", "2", "--out", tmp.Path).ExitCode);
        var (code, _, err) = CliRunner.Run("analyze", tmp.File("raw.ome.tif"), "--engine", "gpu", "--out", tmp.File("out"));
        if (LiveSmlm.Localization.Gpu.GpuEngine.IsCudaAvailable(out string device))
        {
            Assert.True(code == 0, err);
            Assert.Contains(device, File.ReadAllText(tmp.File("out/summary.json")), StringComparison.Ordinal);
            return;
        }

        Assert.Equal(2, code);
        Assert.Contains("CUDA", err, StringComparison.Ordinal);
        Assert.False(File.Exists(tmp.File("out/summary.json")));
    }
}
