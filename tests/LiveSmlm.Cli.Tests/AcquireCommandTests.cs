using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using LiveSmlm.Devices.Profiles;

namespace LiveSmlm.Cli.Tests;

/// <summary>`livesmlm acquire` and `livesmlm recover` as a user runs them, the kill -9 test included.</summary>
public sealed partial class AcquireCommandTests
{
    [Fact]
    public void Acquire_WritesEveryOutput_AndSummary()
    {
        using var tmp = new TempDir();
        string profile = SmallProfile(tmp);
        var (code, _, err) = CliRunner.Run("acquire", "--profile", profile, "--frames", "40", "--out", tmp.File("run"), "--engine", "cpu", "--as-fast-as-possible");

        Assert.True(code == 0, err);
        Assert.Contains("40 frames acquired, 40 recorded, 0 dropped", err, StringComparison.Ordinal);
        foreach (string name in new[] { "raw.ome.tif", "locs.csv", "locs.hdf5", "locs.yaml", "render.png", "summary.json" })
        {
            Assert.True(File.Exists(tmp.File(Path.Combine("run", name))), name);
        }

        Assert.Equal(40, DirectoryLine().Matches(Tool("tiffinfo", tmp.File("run/raw.ome.tif")).Out).Count);
        using var json = JsonDocument.Parse(File.ReadAllText(tmp.File("run/summary.json")));
        Assert.Equal(40, json.RootElement.GetProperty("frames_recorded").GetInt64());
    }

    [Fact]
    public void Acquire_Replay_LoopsTheStack_RecordsEveryFrame()
    {
        using var tmp = new TempDir();
        string profile = SmallProfile(tmp);
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", profile, "--frames", "20", "--out", tmp.File("sim")).ExitCode);
        var (code, _, err) = CliRunner.Run(
            "acquire", "--profile", profile, "--frames", "50", "--out", tmp.File("run"), "--engine", "cpu", "--replay", tmp.File("sim/raw.ome.tif"), "--replay-fps", "200");

        Assert.True(code == 0, err);
        (string info, _) = Tool("tiffinfo", tmp.File("run/raw.ome.tif"));
        Assert.Equal(50, DirectoryLine().Matches(info).Count);
        using var json = JsonDocument.Parse(File.ReadAllText(tmp.File("run/summary.json")));
        Assert.StartsWith("replay of", json.RootElement.GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, json.RootElement.GetProperty("frame_rate_hz").GetDouble());
        Assert.Equal(50, json.RootElement.GetProperty("frames_localized").GetInt64());

        // Frame 20 is the stack's frame 0 again: libtiff's own pixel dump of both pages agrees.
        (string page0, _) = Tool("tiffinfo", "-d", "-0", tmp.File("run/raw.ome.tif"));
        (string page20, _) = Tool("tiffinfo", "-d", "-20", tmp.File("run/raw.ome.tif"));
        Assert.Equal(PixelDump(page0), PixelDump(page20));
    }

    [Fact]
    public void Analyze_StackCutShort_ReadsWholeFramesWithWarning()
    {
        using var tmp = new TempDir();
        string profile = SmallProfile(tmp);
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", profile, "--frames", "6", "--out", tmp.File("sim")).ExitCode);
        string raw = tmp.File("sim/raw.ome.tif");
        byte[] bytes = File.ReadAllBytes(raw);
        File.WriteAllBytes(raw, bytes[..(bytes.Length - 100)]);   // as a crash leaves it: the last page is cut

        var (code, _, err) = CliRunner.Run("analyze", raw, "--profile", profile, "--out", tmp.File("analysis"), "--engine", "cpu");

        Assert.True(code == 0, err);
        Assert.Contains("warning:", err, StringComparison.Ordinal);
        Assert.Contains("cut short", err, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(tmp.File("analysis/summary.json")));
        Assert.Equal(5, json.RootElement.GetProperty("frames").GetInt64());
    }

    [Fact]
    public void Acquire_FeedbackOn_WritesTheDensityLogAndPlotsBesideTheSummary()
    {
        using var tmp = new TempDir();
        string profile = CliRunner.RepoFile("hardware-profiles", "simulated-feedback.json");
        var (code, _, err) = CliRunner.Run("acquire", "--profile", profile, "--frames", "300", "--out", tmp.File("run"), "--engine", "cpu", "--as-fast-as-possible", "--feedback", "on", "--setpoint", "15", "--monitor", "off");

        Assert.True(code == 0, err);
        Assert.Contains("feedback: setpoint 15 localizations/frame", err, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(tmp.File("run/summary.json")));
        JsonElement[] log = [.. json.RootElement.GetProperty("density_log").EnumerateArray()];
        Assert.Equal(3, log.Length);
        Assert.All(log, e =>
        {
            Assert.Equal(15, e.GetProperty("setpoint").GetDouble());
            Assert.True(e.GetProperty("power_405_mw").GetDouble() > 0);
            Assert.True(e.GetProperty("localizations_per_frame").GetDouble() > 0);
        });
        Assert.Equal([0, 100, 200], log.Select(e => e.GetProperty("frame").GetInt64()));
        Tool("pngcheck", tmp.File("run/density.png"));
        Tool("pngcheck", tmp.File("run/power-405.png"));
        Assert.False(File.Exists(tmp.File("run/drift.csv")));
    }

    [Theory]
    [InlineData("--feedback,maybe", "--feedback")]
    [InlineData("--feedback,on,--setpoint,0", "--setpoint must be > 0")]
    [InlineData("--setpoint,10", "--setpoint needs --feedback on")]
    [InlineData("--stop-resolution-nm,-1", "--stop-resolution-nm must be ≥ 0 nm")]
    [InlineData("--stop-resolution-frames,0", "--stop-resolution-frames must be at least 1")]
    [InlineData("--monitor,off,--stop-resolution-nm,5", "need --monitor on")]
    public void Acquire_BadFeedbackOrMonitorOption_IsAUsageErrorNamingIt(string options, string message)
    {
        using var tmp = new TempDir();
        var (code, _, err) = CliRunner.Run(["acquire", "--profile", SmallProfile(tmp), "--frames", "10", "--out", tmp.File("run"), .. options.Split(',')]);
        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    [Fact]
    public void Acquire_ReplayFpsWithoutReplay_IsAUsageError()
    {
        using var tmp = new TempDir();
        var (code, _, err) = CliRunner.Run("acquire", "--profile", SmallProfile(tmp), "--frames", "10", "--out", tmp.File("run"), "--replay-fps", "50");
        Assert.Equal(2, code);
        Assert.Contains("--replay-fps needs --replay", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Acquire_UnwritableOut_OneLineError_NonZero()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("file"), "x");
        var (code, _, err) = CliRunner.Run("acquire", "--profile", SmallProfile(tmp), "--frames", "10", "--out", tmp.File("file/run"), "--engine", "cpu");
        Assert.Equal(1, code);
        string line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("cannot be written", line, StringComparison.Ordinal);
    }

    [Fact]
    public void KillDuringAcquire_Recover_EveryCompletedFrameOpens()
    {
        using var tmp = new TempDir();
        string profile = SmallProfile(tmp);
        string outDir = tmp.File("run");
        string raw = Path.Combine(outDir, "raw.ome.tif");
        var start = new ProcessStartInfo(Cli())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "acquire", "--profile", profile, "--frames", "1000000", "--out", outDir, "--engine", "cpu", "--as-fast-as-possible" })
        {
            start.ArgumentList.Add(a);
        }

        const long framesBeforeKill = 100;
        long pageBytes = (64 * 64 * 2) + 256;   // pixels + IFD (+ the OME-XML once, below)
        using (var process = Process.Start(start)!)
        {
            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            var waited = Stopwatch.StartNew();
            while (!(File.Exists(raw) && new FileInfo(raw).Length > ((framesBeforeKill + 1) * pageBytes) + 4096) && !process.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(20);
            }

            Assert.False(process.HasExited, "acquire ended before it could be killed");
            process.Kill();   // SIGKILL: no handler, no flush
            process.WaitForExit();
        }

        var (code, _, err) = CliRunner.Run("recover", outDir);
        Assert.True(code == 0, err);
        Match m = Regex.Match(err, @"recovered .*: (\d+) whole frames");
        Assert.True(m.Success, err);
        long frames = long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(frames >= framesBeforeKill, $"{frames} frames recovered");

        // libtiff opens every page; -D reads each page's pixels (it complains on stderr about any it cannot).
        var (info, infoErr) = Tool("tiffinfo", "-D", raw);
        Assert.Equal(frames, DirectoryLine().Matches(info).Count);
        Assert.DoesNotContain("rror", infoErr, StringComparison.Ordinal);
        Assert.Contains($"SizeT=\"{frames}\"", info, StringComparison.Ordinal);

        // The localizations of every flushed batch: a valid HDF5 that h5dump reads.
        Assert.True(File.Exists(Path.Combine(outDir, "locs.hdf5")));
        Assert.Contains("DATASET \"locs\"", Tool("h5dump", "-H", Path.Combine(outDir, "locs.hdf5")).Out, StringComparison.Ordinal);

        // And the stack is analysed up to its last frame.
        var (aCode, _, aErr) = CliRunner.Run("analyze", raw, "--profile", profile, "--out", tmp.File("analysis"), "--engine", "cpu");
        Assert.True(aCode == 0, aErr);
        using var json = JsonDocument.Parse(File.ReadAllText(tmp.File("analysis/summary.json")));
        Assert.Equal(frames, json.RootElement.GetProperty("frames").GetInt64());
    }

    /// <summary>simulated-storm.json with a 64 × 64 sensor.</summary>
    private static string SmallProfile(TempDir tmp)
    {
        HardwareProfile storm = HardwareProfile.Load(CliRunner.RepoFile("hardware-profiles", "simulated-storm.json"));
        string path = tmp.File("small-storm.json");
        (storm with { Schema = null, Camera = storm.Camera with { WidthPx = 64, HeightPx = 64 } }).Save(path);
        return path;
    }

    private static string Cli() => CliRunner.Executable();

    private static (string Out, string Err) Tool(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} exited {process.ExitCode}: {stderr.Result}");
        return (stdout, stderr.Result);
    }

    // The hex pixel rows of the first page of a `tiffinfo -d -N` listing (it lists page N and those after it).
    private static string PixelDump(string info)
    {
        string first = info.Split("TIFF Directory", StringSplitOptions.RemoveEmptyEntries)[0];
        string rows = string.Join('\n', first.Split('\n').Where(l => l.StartsWith(' ') && !l.Contains(':', StringComparison.Ordinal) && !l.Contains("offset", StringComparison.Ordinal)));
        Assert.True(rows.Length > 64 * 64, "tiffinfo -d printed no pixel rows");
        return rows;
    }

    [GeneratedRegex("^TIFF Directory at offset", RegexOptions.Multiline)]
    private static partial Regex DirectoryLine();
}
