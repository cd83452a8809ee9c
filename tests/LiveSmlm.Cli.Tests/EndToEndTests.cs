using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace LiveSmlm.Cli.Tests;

/// <summary>simulate → analyze → evaluate through the command line, checked by independent readers and by identity.</summary>
public class EndToEndTests
{
    private static readonly string StormProfile = CliRunner.RepoFile("hardware-profiles", "simulated-storm.json");

    [Fact]
    public void Simulate_WritesRawStackTruthAndProfile_ThatIndependentReadersOpen()
    {
        using var tmp = new TempDir();
        var (code, _, err) = CliRunner.Run("simulate", "--profile", StormProfile, "--frames", "12", "--out", tmp.Path, "--seed", "5");
        Assert.True(code == 0, err);

        string tiffinfo = RunTool("tiffinfo", tmp.File("raw.ome.tif"));
        Assert.Equal(12, CountOccurrences(tiffinfo, "TIFF Directory at offset"));
        Assert.Contains("Bits/Sample: 16", tiffinfo, StringComparison.Ordinal);
        Assert.Contains("SizeT=\"12", tiffinfo, StringComparison.Ordinal);

        string[] truth = File.ReadAllLines(tmp.File("ground-truth.csv"));
        Assert.Equal("\"id\",\"frame\",\"x [nm]\",\"y [nm]\",\"z [nm]\",\"intensity [photon]\"", truth[0]);
        int[] frames = truth.Skip(1).Select(l => int.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.NotEmpty(frames);
        Assert.Equal(1, frames.Min()); // ThunderSTORM counts frames from 1
        Assert.True(frames.Max() <= 12);

        using var profile = JsonDocument.Parse(File.ReadAllText(tmp.File("profile.json")));
        Assert.Equal(256, profile.RootElement.GetProperty("camera").GetProperty("widthPx").GetInt32());
    }

    [Fact]
    public void Simulate_SameSeed_GivesIdenticalFiles()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", StormProfile, "--frames", "5", "--out", a.Path, "--seed", "9").ExitCode);
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", StormProfile, "--frames", "5", "--out", b.Path, "--seed", "9").ExitCode);
        Assert.Equal(File.ReadAllBytes(a.File("ground-truth.csv")), File.ReadAllBytes(b.File("ground-truth.csv")));
        Assert.Equal(File.ReadAllBytes(a.File("raw.ome.tif")), File.ReadAllBytes(b.File("raw.ome.tif")));
    }

    [Fact]
    public void Evaluate_TruthAgainstItself_IsPerfect()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", StormProfile, "--frames", "5", "--out", tmp.Path).ExitCode);
        var (code, stdout, err) = CliRunner.Run("evaluate", "--locs", tmp.File("ground-truth.csv"), "--truth", tmp.File("ground-truth.csv"));
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(1.0, json.RootElement.GetProperty("jaccard").GetDouble());
        // Localizations hold float32 nm: ~0.001 nm resolution over a 25 µm field.
        Assert.Equal(0.0, json.RootElement.GetProperty("rmse_lateral_nm").GetDouble(), 0.01);
        Assert.Equal(0, json.RootElement.GetProperty("fp").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("fn").GetInt32());
    }

    [Fact]
    public void Evaluate_EveryLocalizationShiftedBy30Nm_ReportsRmse30AndEfficiency70()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", StormProfile, "--frames", "4", "--out", tmp.Path).ExitCode);
        string[] lines = File.ReadAllLines(tmp.File("ground-truth.csv"));
        var shifted = new List<string> { "\"id\",\"frame\",\"x [nm]\",\"y [nm]\"" };
        foreach (string line in lines.Skip(1))
        {
            string[] f = line.Split(',');
            double x = double.Parse(f[2], CultureInfo.InvariantCulture) + 18; // 18² + 24² = 30²
            double y = double.Parse(f[3], CultureInfo.InvariantCulture) - 24;
            shifted.Add(string.Join(',', f[0], f[1], x.ToString("R", CultureInfo.InvariantCulture), y.ToString("R", CultureInfo.InvariantCulture)));
        }

        File.WriteAllLines(tmp.File("shifted.csv"), shifted);
        var (code, stdout, err) = CliRunner.Run("evaluate", "--locs", tmp.File("shifted.csv"), "--truth", tmp.File("ground-truth.csv"));
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(1.0, json.RootElement.GetProperty("jaccard").GetDouble());
        Assert.Equal(30.0, json.RootElement.GetProperty("rmse_lateral_nm").GetDouble(), 0.01);
        Assert.Equal(70.0, json.RootElement.GetProperty("efficiency_lateral").GetDouble(), 0.01);
    }

    [Fact]
    public void Analyze_SimulatedStack_WritesEveryOutputAndFindsTheEmitters()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", StormProfile, "--frames", "40", "--out", tmp.Path, "--seed", "3").ExitCode);
        var (code, _, err) = CliRunner.Run("analyze", tmp.File("raw.ome.tif"), "--profile", tmp.File("profile.json"), "--out", tmp.File("analysis"));
        Assert.True(code == 0, err);
        foreach (string name in new[] { "locs.csv", "locs.hdf5", "locs.yaml", "render.png", "summary.json" })
        {
            Assert.True(File.Exists(tmp.File(Path.Combine("analysis", name))), name);
        }

        // h5dump (independent reader) sees the Picasso table; its row count equals the summary's.
        using var summary = JsonDocument.Parse(File.ReadAllText(tmp.File("analysis/summary.json")));
        long locs = summary.RootElement.GetProperty("localizations").GetInt64();
        Assert.Equal(40, summary.RootElement.GetProperty("frames").GetInt64());
        string engine = summary.RootElement.GetProperty("engine").GetString()!;
        Assert.Contains(engine, new[] { "cpu", "gpu" });
        Assert.False(string.IsNullOrWhiteSpace(summary.RootElement.GetProperty("device").GetString()));
        Assert.True(locs > 0);

        // Every stage of the data plane is timed, and each sink saw every batch with nothing dropped.
        JsonElement stages = summary.RootElement.GetProperty("stage_seconds");
        foreach (string stage in new[] { "reading", "photon_conversion", "detection", "single_fits", "duplicate_merge", "sink:csv", "sink:hdf5", "sink:render" })
        {
            Assert.True(stages.GetProperty(stage).GetDouble() > 0, $"stage {stage} took no time");
        }

        JsonElement sinks = summary.RootElement.GetProperty("sinks");
        Assert.Equal(4, sinks.GetArrayLength());
        foreach (JsonElement sink in sinks.EnumerateArray())
        {
            Assert.Equal(2, sink.GetProperty("batches").GetInt64()); // 40 frames in batches of 32
            Assert.Equal(0, sink.GetProperty("dropped_batches").GetInt64());
            Assert.Equal("Wait", sink.GetProperty("full_mode").GetString());
        }

        string header = RunTool("h5dump", "-H", tmp.File("analysis/locs.hdf5"));
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"( {locs} )"), header, StringComparison.Ordinal);

        var (evalCode, stdout, evalErr) = CliRunner.Run("evaluate", "--locs", tmp.File("analysis/locs.hdf5"), "--truth", tmp.File("ground-truth.csv"));
        Assert.True(evalCode == 0, evalErr);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("precision").GetDouble() > 0.95, stdout);
    }

    [Fact]
    public void Bench_Pipeline_PrintsEveryStageWithItsShare()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", StormProfile, "--frames", "12", "--out", tmp.Path, "--seed", "3").ExitCode);
        var (code, stdout, err) = CliRunner.Run("bench", "--pipeline", "--engine", "cpu", "--stack", tmp.File("raw.ome.tif"), "--profile", tmp.File("profile.json"));
        Assert.True(code == 0, err);
        Assert.Contains("12 frames 256×256", stdout, StringComparison.Ordinal);
        foreach (string stage in new[] { "| reading |", "| detection |", "| single_fits |", "| sink:csv |", "| sink:hdf5 |", "| sink:render |", "| channel_wait_reader |" })
        {
            Assert.Contains(stage, stdout, StringComparison.Ordinal);
        }

        // The busy stages' shares add up to 100 %.
        double shares = stdout.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains(" % |", StringComparison.Ordinal))
            .Sum(l => double.Parse(l.Split('|')[3].Replace("%", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture));
        Assert.InRange(shares, 99.0, 101.0);
        Assert.Contains("bench fits/s of the same engine, same run:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_Json_ReportsFiguresAndMachine()
    {
        var (code, stdout, err) = CliRunner.Run("bench", "--engine", "cpu", "--json", "--seconds", "0.05", "--frame-size", "64", "--emitters", "4");
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("fits_per_second").GetDouble() > 0);
        Assert.True(json.RootElement.GetProperty("frames_per_second").GetDouble() > 0);
        Assert.Equal("cpu", json.RootElement.GetProperty("engine").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("machine").GetString()));

        // --frame-size, --emitters and --seconds are the ones measured; 4 drawn spots (1000–3000 photons) per frame are found.
        Assert.Equal(64, json.RootElement.GetProperty("frame_width").GetInt32());
        Assert.Equal(64, json.RootElement.GetProperty("frame_height").GetInt32());
        Assert.Equal(4, json.RootElement.GetProperty("emitters_per_frame").GetInt32());
        Assert.Equal(0.05, json.RootElement.GetProperty("seconds_per_figure").GetDouble());
        Assert.InRange(json.RootElement.GetProperty("localizations_per_frame").GetDouble(), 3.5, 4.5);
    }

    [Fact]
    public void Bench_Network_ReportsFramesPerSecondStagesAndNoPerFrameAllocation()
    {
        // Its own process: the allocation figure is the process's, and other tests run in this one.
        var (code, stdout, err) = CliRunner.RunProcess("bench", "--engine", "network", "--json", "--seconds", "0.3", "--frame-size", "64", "--emitters", "4");
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("network", json.RootElement.GetProperty("engine").GetString());
        Assert.True(json.RootElement.GetProperty("frames_per_second").GetDouble() > 0);
        // The 4 drawn spots are found; the bench's spots (σ 1.3 px) are wider than the model's PSF (0.94 px)
        // and some are split, so the count is bounded loosely above.
        Assert.InRange(json.RootElement.GetProperty("localizations_per_frame").GetDouble(), 3.5, 8);
        // Inference is timed as the engine's device stage.
        Assert.True(json.RootElement.GetProperty("stage_milliseconds_per_frame").GetProperty("device").GetDouble() > 0);
        // A frame's input alone is 3 × 64² floats (48 kB): allocating it (or the maps) per frame would show.
        Assert.InRange(json.RootElement.GetProperty("allocated_bytes_per_frame").GetDouble(), 0, 4096);
    }

    [Fact]
    public void Bench_CompareCpu_GpuCodeOnIlgpuCpuAccelerator_IsEquivalentToCpuEngine()
    {
        var (code, stdout, err) = CliRunner.Run("bench", "--engine", "ilgpu-cpu", "--compare-cpu", "--frame-size", "96", "--emitters", "8");
        Assert.True(code == 0, err + stdout);
        using var json = JsonDocument.Parse(stdout);
        long cpu = json.RootElement.GetProperty("cpu_localizations").GetInt64();
        Assert.True(cpu >= 12, stdout); // 2 frames × 8 well-separated emitters: nearly all found
        Assert.Equal(cpu, json.RootElement.GetProperty("engine_localizations").GetInt64());
        Assert.True(json.RootElement.GetProperty("max_position_difference_px").GetDouble() <= 1e-3);
        Assert.True(json.RootElement.GetProperty("max_photon_relative_difference").GetDouble() <= 1e-3);
    }

    internal static string RunTool(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} did not start; is it installed (scripts/test.sh installs it)?");
        string stdout = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return stdout;
    }

    private static int CountOccurrences(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
