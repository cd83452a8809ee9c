using System.Globalization;
using System.Text.Json;
using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.IO;
using LiveSmlm.Simulation;

namespace LiveSmlm.Cli.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>`livesmlm drift` on files with a known drift, and `simulate`'s ground-truth-drift.csv.</summary>
public class DriftCommandTests
{
    private static readonly string DriftProfile = CliRunner.RepoFile("hardware-profiles", "simulated-drift.json");

    [Fact]
    public void Drift_ThunderStormCsvWithKnownDrift_WritesTraceWithinFiveNmAndCorrectedFiles()
    {
        using var tmp = new TempDir();
        DriftSettings drift = HardwareProfile.Load(DriftProfile).ToSimulationSettings().Drift;
        string locs = tmp.File("locs.csv");
        int rows = WriteDriftingLocalizations(locs, drift, frames: 6_000, seed: 3, picasso: false);

        var (code, stdout, err) = CliRunner.Run("drift", locs, "--window-frames", "1500");

        Assert.True(code == 0, err);
        Assert.Contains("\"method\":\"rcc\"", stdout, StringComparison.Ordinal);
        Assert.Contains("\"reliable\":true", stdout, StringComparison.Ordinal);
        double[][] trace = ReadCsv(tmp.File("drift.csv"), "frame,x [nm],y [nm]");
        Assert.Equal(6_000, trace.Length);
        Assert.InRange(RmsAgainst(trace, drift), 0, 5);
        Assert.Equal(rows + 1, File.ReadLines(tmp.File("locs_drift-corrected.csv")).Count());
        AssertPng(tmp.File("drift.png"));
        AssertPng(tmp.File("render-drift-corrected.png"));
    }

    [Fact]
    public void Drift_PicassoHdf5WithKnownDrift_WritesTraceInOut()
    {
        using var tmp = new TempDir();
        DriftSettings drift = HardwareProfile.Load(DriftProfile).ToSimulationSettings().Drift;
        string locs = tmp.File("locs.hdf5");
        WriteDriftingLocalizations(locs, drift, frames: 6_000, seed: 4, picasso: true);

        var (code, _, err) = CliRunner.Run("drift", locs, "--out", tmp.File("out"), "--window-frames", "1000", "--method", "rcc");

        Assert.True(code == 0, err);
        double[][] trace = ReadCsv(tmp.File("out/drift.csv"), "frame,x [nm],y [nm]");
        Assert.Equal(6_000, trace.Length);
        Assert.InRange(RmsAgainst(trace, drift), 0, 5);

        // The Picasso twin: h5dump (independent of our reader) sees the locs table with every row.
        string hdf5 = tmp.File("out/locs_drift-corrected.hdf5");
        var dump = Process("h5dump", "-H", hdf5);
        Assert.Contains("DATASET \"locs\"", dump, StringComparison.Ordinal);
        Assert.Contains("( 120000 )", dump, StringComparison.Ordinal);
        Assert.Contains("Pixelsize: 100", File.ReadAllText(tmp.File("out/locs_drift-corrected.yaml")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--window-frames", "0", "--window-frames")]
    [InlineData("--pixel-size-nm", "-4", "--pixel-size-nm")]
    [InlineData("--method", "magic", "--method")]
    public void Drift_BadOption_NamesItAndExitsWithTwo(string option, string value, string named)
    {
        using var tmp = new TempDir();
        string locs = tmp.File("locs.csv");
        WriteDriftingLocalizations(locs, new DriftSettings(), frames: 20, seed: 5, picasso: false);
        var (code, _, err) = CliRunner.Run("drift", locs, option, value);
        Assert.Equal(2, code);
        Assert.Contains(named, err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void Drift_MissingOrEmptyOrUnknownFile_NamesItAndExitsWithTwo()
    {
        using var tmp = new TempDir();
        var (code, _, err) = CliRunner.Run("drift", tmp.File("nope.csv"));
        Assert.Equal(2, code);
        Assert.Contains("nope.csv", err, StringComparison.Ordinal);

        string empty = tmp.File("empty.csv");
        File.WriteAllText(empty, ThunderStormCsvWriter.Header2D + "\n");
        (code, _, err) = CliRunner.Run("drift", empty);
        Assert.Equal(2, code);
        Assert.Contains("no localizations", err, StringComparison.Ordinal);

        string unknown = tmp.File("locs.txt");
        File.WriteAllText(unknown, "1 2 3\n");
        (code, _, err) = CliRunner.Run("drift", unknown);
        Assert.Equal(2, code);
        Assert.Contains(".txt", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Drift_FiducialsAskedForWithoutBeads_SaysSoAndExitsWithTwo()
    {
        using var tmp = new TempDir();
        string locs = tmp.File("locs.csv");
        WriteDriftingLocalizations(locs, new DriftSettings(), frames: 300, seed: 6, picasso: false);
        var (code, _, err) = CliRunner.Run("drift", locs, "--method", "fiducials");
        Assert.Equal(2, code);
        Assert.Contains("fiducial", err, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Drift_StructurelessLocalizations_ReportsUnreliableAndCorrectsNothing()
    {
        using var tmp = new TempDir();
        string locs = tmp.File("locs.csv");

        // Every localization an independent uniform random site: no structure two windows could share.
        var rng = new Xoshiro256(8);
        var batch = new List<Localization>();
        for (int f = 0; f < 6000; f++)
        {
            for (int k = 0; k < 20; k++)
            {
                var loc = Localization.Create(f, (float)(rng.NextDouble() * 6400), (float)(rng.NextDouble() * 6400), 3000);
                loc.UncertaintyXNm = 10;
                loc.UncertaintyYNm = 10;
                batch.Add(loc);
            }
        }

        using (var writer = new ThunderStormCsvWriter(locs, new LocalizationSetInfo { PixelSizeNm = 100, WidthPx = 64, HeightPx = 64, Frames = 6000 }))
        {
            writer.Write(batch.ToArray());
            writer.Complete();
        }

        var (code, stdout, err) = CliRunner.Run("drift", locs, "--window-frames", "1000");

        Assert.Equal(0, code);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.False(json.RootElement.GetProperty("reliable").GetBoolean());
        Assert.Contains("correlation peak", json.RootElement.GetProperty("unreliable_reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("beads", json.RootElement.GetProperty("advice").GetString(), StringComparison.Ordinal);
        Assert.Contains("not reliable", err, StringComparison.Ordinal);
        foreach (string file in new[] { "drift.csv", "drift.png", "locs_drift-corrected.csv", "render-drift-corrected.png" })
        {
            Assert.False(File.Exists(tmp.File(file)), file);
        }
    }

    [Fact]
    public void Simulate_WritesTheTrueDriftOfEveryFrame()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("simulate", "--profile", DriftProfile, "--frames", "4", "--out", tmp.Path).ExitCode);

        double[][] rows = ReadCsv(tmp.File("ground-truth-drift.csv"), "frame,x [nm],y [nm]");

        // The profile, read here as plain numbers: 100 frames/s, 10 ms exposure, drift at mid-exposure.
        Assert.Equal(4, rows.Length);
        for (int f = 0; f < 4; f++)
        {
            double t = (f / 100.0) + 0.005;
            Assert.Equal(f, rows[f][0]);
            Assert.Equal((0.25 * t) + (20 * Math.Sin(2 * Math.PI * t / 100)), rows[f][1], 9);
            Assert.Equal((-0.25 * t) + (20 * Math.Sin(2 * Math.PI * t / 100)), rows[f][2], 9);
        }
    }

    // Microtubule labels of the drift profile over a 6.4 µm field; 20 localizations per frame at 10 nm
    // precision, displaced by the profile's drift at mid-exposure (100 frames/s, 10 ms).
    private static int WriteDriftingLocalizations(string path, DriftSettings drift, int frames, ulong seed, bool picasso)
    {
        SampleSettings sample = HardwareProfile.Load(DriftProfile).ToSimulationSettings().Sample;
        var rng = new Xoshiro256(seed);
        List<SampleLabel> labels = SampleGenerator.Generate(sample, 6400, 6400, ref rng);
        var batch = new List<Localization>();
        for (int f = 0; f < frames; f++)
        {
            (double dx, double dy, _) = drift.OffsetAt((f / 100.0) + 0.005);
            for (int k = 0; k < 20; k++)
            {
                SampleLabel l = labels[(int)(rng.NextDouble() * labels.Count)];
                var loc = Localization.Create(
                    f,
                    (float)(l.XNm + dx + (10 * RandomDistributions.StandardNormal(ref rng))),
                    (float)(l.YNm + dy + (10 * RandomDistributions.StandardNormal(ref rng))),
                    3000);
                loc.UncertaintyXNm = 10;
                loc.UncertaintyYNm = 10;
                batch.Add(loc);
            }
        }

        var info = new LocalizationSetInfo { PixelSizeNm = 100, WidthPx = 64, HeightPx = 64, Frames = frames };
        using ILocalizationWriter writer = picasso ? new PicassoHdf5Writer(path, info) : new ThunderStormCsvWriter(path, info);
        writer.Write(batch.ToArray());
        writer.Complete();
        return batch.Count;
    }

    private static string Process(string exe, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(exe) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output;
    }

    private static double[][] ReadCsv(string path, string header)
    {
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(header, lines[0]);
        return lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
    }

    // RMS 2D distance between the trace and the truth relative to frame 0, with the constant offset removed.
    private static double RmsAgainst(double[][] trace, DriftSettings drift)
    {
        (double x0, double y0, _) = drift.OffsetAt(0.005);
        var ex = new double[trace.Length];
        var ey = new double[trace.Length];
        for (int f = 0; f < trace.Length; f++)
        {
            (double x, double y, _) = drift.OffsetAt((f / 100.0) + 0.005);
            ex[f] = trace[f][1] - (x - x0);
            ey[f] = trace[f][2] - (y - y0);
        }

        double mx = ex.Average(), my = ey.Average();
        return Math.Sqrt(ex.Zip(ey, (a, b) => ((a - mx) * (a - mx)) + ((b - my) * (b - my))).Average());
    }

    private static void AssertPng(string path)
    {
        byte[] head = File.ReadAllBytes(path).Take(24).ToArray();
        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, head[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(head, 12, 4));
        Assert.True(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(16)) >= 64);
    }
}
