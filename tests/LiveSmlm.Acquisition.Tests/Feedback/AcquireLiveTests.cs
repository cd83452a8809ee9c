using System.Globalization;
using System.Text.Json;
using LiveSmlm.Acquisition.Feedback;
using LiveSmlm.Acquisition.Session;
using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Devices.Safety;
using LiveSmlm.Devices.Simulated;
using LiveSmlm.Reconstruction;
using LiveSmlm.Simulation;

namespace LiveSmlm.Acquisition.Tests.Feedback;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// `acquire` with the live parts on: the activation feedback (density_log, plots, live setpoint, the exhausted
/// stop), the live drift against the simulator's drift, the live FRC against the offline FRC of the written file.
/// </summary>
public sealed class AcquireLiveTests : IDisposable
{
    private readonly string _dir = AcquisitionSupport.NewDir();
    private readonly LaserSafetyRegistry _registry = new();

    public void Dispose()
    {
        _registry.Dispose();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Feedback_DensityLogMatchesTheWrittenLocalizations_AndTheSetpointChangesLive()
    {
        // 200-frame drift windows: seven over the run, so RCC can look at windows far apart.
        HardwareProfile profile = ClosedLoop.FeedbackProfile with { Monitoring = new MonitoringProfile { DriftWindowFrames = 200, DriftUpdateFrames = 500 } };
        using var rig = new SimulatedRig(profile, seed: 4);
        var live = new AcquisitionLive();
        ActivationController? controller = null;
        live.ControllerStarted += c => controller = c;
        const int Frames = 1500;
        bool changed = false;
        var powers = new List<(double Sample, double Controller)>();

        // At the profile's camera rate (100 frames/s, 15 s): the status callback (every 0.5 s, wall clock) then sees
        // the run every ~50 frames, so the setpoint change lands mid-run however busy the machine is. As fast as
        // possible, the whole run could end between two status calls.
        AcquisitionSummary summary = AcquisitionRun.Run(
            Request(profile, Frames, rig) with { Feedback = true, Live = live, AsFastAsPossible = false },
            status =>
            {
                // What the simulated sample receives is what the controller last set (read twice round it to skip a change in between).
                double before = rig.Sample.ActivationPowerMw, set = live.Controller!.PowerMw, after = rig.Sample.ActivationPowerMw;
                if (before == after && status.FramesAcquired is > 0 and < Frames)
                {
                    powers.Add((after, set));
                }

                // From the control plane, while the camera runs: a new setpoint.
                if (!changed && status.FramesLocalized >= 600)
                {
                    changed = true;
                    live.Controller!.SetpointLocalizationsPerFrame = 24;
                }
            });

        Assert.NotNull(controller);
        Assert.Same(controller, live.Controller);
        Assert.True(changed, "the status callback never saw 600 frames localized");

        // python3 reads summary.json and counts locs.csv's rows per 100-frame window itself (ThunderSTORM frames from 1).
        const string Script = """
            import csv, json, sys
            s = json.load(open(sys.argv[1]))
            counts = {}
            for row in csv.DictReader(open(sys.argv[2])):
                w = (int(row["frame"]) - 1) // 100
                counts[w] = counts.get(w, 0) + 1
            out = []
            for e in s["density_log"]:
                out.append([e["frame"], e["frames"], e["localizations_per_frame"], counts.get(e["frame"] // 100, 0) / e["frames"], e["setpoint"], e["power_405_mw"]])
            print(json.dumps({"log": out, "feedback": s["feedback"]}))
            """;
        (string stdout, _) = AcquisitionSupport.Tool("python3", "-c", Script, Path.Combine(_dir, "summary.json"), Path.Combine(_dir, "locs.csv"));
        using JsonDocument read = JsonDocument.Parse(stdout);
        JsonElement[] log = [.. read.RootElement.GetProperty("log").EnumerateArray()];
        Assert.Equal(Frames / 100, log.Length);
        foreach (JsonElement e in log)
        {
            Assert.Equal(100, e[1].GetInt32());
            Assert.Equal(e[3].GetDouble(), e[2].GetDouble(), 2);
            Assert.True(e[5].GetDouble() is > 0 and <= 100);
        }

        double[] setpoints = [.. log.Select(e => e[4].GetDouble())];
        Assert.Equal(18, setpoints[0]);
        Assert.Equal(24, setpoints[^1]);

        // The controller really drove the rig's 405 laser: the sample received the powers it set, and they changed.
        JsonElement feedback = read.RootElement.GetProperty("feedback");
        Assert.True(feedback.GetProperty("updates").GetInt32() > 5);
        Assert.NotEmpty(powers);
        Assert.All(powers, p => Assert.Equal(p.Controller, p.Sample, 9));
        Assert.True(log.Select(e => e[5].GetDouble()).Distinct().Count() > 3);
        Assert.Equal(24, feedback.GetProperty("setpoint_localizations_per_frame").GetDouble());

        foreach (string png in new[] { FeedbackPlots.DensityFileName, FeedbackPlots.PowerFileName })
        {
            AcquisitionSupport.Tool("pngcheck", Path.Combine(_dir, png));
        }

        // The live drift monitor ran beside the controller. Whether RCC finds the dyes' own reappearances enough to follow
        // depends on how the 405 power moved (the controller runs live, so that is not the same in every run); either way
        // it must not invent drift the simulator does not have (none), and live and summary must say the same.
        Assert.Equal(summary.Drift!.Reliable, live.Drift!.Reliable);
        Assert.All(live.Drift.Trace.XNm.Concat(live.Drift.Trace.YNm), d => Assert.InRange(d, -10, 10));
        Assert.Equal(summary.Drift.Reliable, File.Exists(Path.Combine(_dir, "drift.csv")));
    }

    [Fact]
    public void LiveDrift_UniformDyesWithoutStructure_IsReportedUnreliable_AndNothingIsCorrected()
    {
        // Uniform random dyes that bleach (no structure, no beads, no drift), at a constant 405 power: RCC has nothing
        // that persists over the run to correlate, so the drift is reported unreliable, live and in summary.json, and
        // nothing is "corrected". 200-frame windows: eight over the run, so RCC looks at windows far apart.
        HardwareProfile profile = ClosedLoop.FeedbackProfile with { Monitoring = new MonitoringProfile { DriftWindowFrames = 200, DriftUpdateFrames = 500 } };
        using var rig = new SimulatedRig(profile, seed: 4);
        var live = new AcquisitionLive();

        AcquisitionSummary summary = AcquisitionRun.Run(Request(profile, 1500, rig) with { Feedback = false, Live = live });

        Assert.False(live.Drift!.Reliable);
        Assert.All(live.Drift.Trace.XNm, x => Assert.Equal(0, x));
        Assert.False(summary.Drift!.Reliable);
        Assert.Contains("no structure persists", summary.Drift.UnreliableReason, StringComparison.Ordinal);
        Assert.Contains("beads", summary.Drift.Advice, StringComparison.Ordinal);
        Assert.Null(summary.Drift.Csv);
        foreach (string file in new[] { "drift.csv", "drift.png", "locs_drift-corrected.csv", "render-drift-corrected.png" })
        {
            Assert.False(File.Exists(Path.Combine(_dir, file)), file);
        }

        using JsonDocument written = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json")));
        JsonElement drift = written.RootElement.GetProperty("drift");
        Assert.False(drift.GetProperty("reliable").GetBoolean());
        Assert.Equal(summary.Drift.UnreliableReason, drift.GetProperty("unreliable_reason").GetString());
    }

    [Fact]
    public void Feedback_SampleExhausted_IsReportedAndEndsTheAcquisitionWhenAsked()
    {
        HardwareProfile profile = ClosedLoop.FeedbackProfile;
        profile = profile with
        {
            // Few dyes and a weak laser: the controller soon sits at maximum below setpoint.
            Lasers = [.. profile.Lasers.Select(l => l.Role == LaserProfile.ActivationRole ? l with { MaxPowerMw = 5 } : l)],
            Simulation = profile.Simulation! with { Sample = profile.Simulation.Sample with { Uniform = new UniformSettings { DensityPerUm2 = 20 } } },
            Feedback = profile.Feedback! with { ExhaustedWindows = 5, StopWhenExhausted = true },
        };
        using var rig = new SimulatedRig(profile, seed: 2);

        AcquisitionSummary summary = AcquisitionRun.Run(Request(profile, 20_000, rig) with { Feedback = true, Monitor = false });

        Assert.Contains("exhausted", summary.StoppedEarly, StringComparison.Ordinal);
        Assert.InRange(summary.FramesAcquired, 100, 19_999);
        Assert.True(summary.Feedback!.Exhausted);
        Assert.Equal(5, summary.Feedback.FinalPowerMw);
        Assert.Equal(summary.FramesAcquired, summary.FramesRecorded);
        (int pages, _, _) = AcquisitionSupport.TiffinfoPages(Path.Combine(_dir, "raw.ome.tif"));
        Assert.Equal(summary.FramesRecorded, pages);
        Assert.All(rig.Lasers, l => Assert.Equal(0, l.EmittedPowerMw));
    }

    [Fact]
    public void LiveDrift_BeadsProfile_FollowsTheSimulatorsDriftWithinTwoNm()
    {
        HardwareProfile profile = Small("simulated-drift-beads.json");
        using var rig = new SimulatedRig(profile, seed: 6);
        var live = new AcquisitionLive();
        const int Frames = 2000;

        AcquisitionSummary summary = AcquisitionRun.Run(Request(profile, Frames, rig) with { Live = live });

        Assert.Equal("fiducials", summary.Drift!.Method);
        Assert.True(summary.Drift.LiveUpdates >= 3);
        Assert.Equal(Frames - 1, live.Drift!.LastFrame);
        double[][] estimate = ReadDriftCsv(Path.Combine(_dir, "drift.csv"));
        double[][] truth = ReadDriftCsv(Path.Combine(_dir, "ground-truth-drift.csv"));
        Assert.Equal(Frames, estimate.Length);
        Assert.Equal(Frames, truth.Length);
        double rms = RmsWithoutOffset(estimate, truth);
        Assert.InRange(rms, 0, 2);

        // The corrected file, streamed: python3 reads both CSVs and drift.csv and checks every row (same order) is the
        // uncorrected one minus the drift at its frame (ThunderSTORM frames from 1; drift.csv frames from 0).
        Assert.True(summary.Drift.Reliable);
        Assert.True(live.Drift.Reliable);
        const string Script = """
            import csv, json, sys
            drift = {int(r[0]): (float(r[1]), float(r[2])) for r in list(csv.reader(open(sys.argv[3])))[1:]}
            raw = list(csv.DictReader(open(sys.argv[1])))
            cor = list(csv.DictReader(open(sys.argv[2])))
            worst = 0.0
            for a, b in zip(raw, cor):
                assert a["frame"] == b["frame"]
                dx, dy = drift[int(a["frame"]) - 1]
                worst = max(worst, abs(float(a["x [nm]"]) - dx - float(b["x [nm]"])), abs(float(a["y [nm]"]) - dy - float(b["y [nm]"])))
            print(json.dumps({"raw": len(raw), "corrected": len(cor), "worst": worst}))
            """;
        (string stdout, _) = AcquisitionSupport.Tool("python3", "-c", Script, Path.Combine(_dir, "locs.csv"), Path.Combine(_dir, "locs_drift-corrected.csv"), Path.Combine(_dir, "drift.csv"));
        using JsonDocument read = JsonDocument.Parse(stdout);
        Assert.Equal(summary.Localizations, read.RootElement.GetProperty("raw").GetInt64());
        Assert.Equal(summary.Localizations, read.RootElement.GetProperty("corrected").GetInt64());
        Assert.InRange(read.RootElement.GetProperty("worst").GetDouble(), 0, 0.01);
    }

    [Fact]
    public void LiveFrc_GrowingImage_ImprovesAndEndsAtTheOfflineFrcOfTheWrittenLocalizations()
    {
        HardwareProfile profile = Small("simulated-drift.json");
        using var rig = new SimulatedRig(profile, seed: 8);
        var live = new AcquisitionLive();

        AcquisitionSummary summary = AcquisitionRun.Run(Request(profile, 3000, rig) with { Live = live });

        ResolutionSummary frc = summary.Resolution!;
        double[] resolved = [.. frc.History.Where(h => h.FrcNm is not null).Select(h => h.FrcNm!.Value)];
        Assert.True(resolved.Length >= 3, $"{resolved.Length} of {frc.History.Count} live FRC updates resolved");
        Assert.True(resolved[^1] < resolved[0], $"live FRC {string.Join(", ", resolved)} nm: it should improve as localizations accumulate");
        Assert.Equal(live.Resolution!.ResolutionNm, frc.FrcNm!.Value, 0.01);

        // Offline: the same FRC over the file acquire wrote (read back), all at once.
        IReadOnlyList<Localization> locs = IO.LocalizationFiles.Read(Path.Combine(_dir, "locs.csv"));
        var offline = new FrcResolutionMonitor(new FrcOptions { WidthNm = 6400, HeightNm = 6400, PixelNm = 10, BlockFrames = 100 });
        offline.Add([.. locs]);
        Assert.Equal(frc.Localizations, offline.LocalizationCount);
        Assert.Equal(offline.Compute().ResolutionNm, frc.FrcNm!.Value, 0.05);
    }

    [Fact]
    public void ResolutionStop_WhenTheFrcStopsImproving_EndsTheAcquisitionWithTheReason()
    {
        HardwareProfile profile = Small("simulated-drift.json");
        using var rig = new SimulatedRig(profile, seed: 8);

        // Any improvement under 1000 nm over 500 frames counts as "stopped improving": it stops at the first chance.
        AcquisitionSummary summary = AcquisitionRun.Run(Request(profile, 6000, rig) with { StopResolutionImprovementNm = 1000, StopResolutionOverFrames = 500 });

        Assert.Contains("FRC resolution", summary.StoppedEarly, StringComparison.Ordinal);
        Assert.InRange(summary.FramesAcquired, 1000, 5999);
        Assert.Equal(summary.FramesAcquired, summary.FramesLocalized);
    }

    /// <summary>A shipped drift profile on a 64 × 64 field, with live updates every 500 frames.</summary>
    private static HardwareProfile Small(string file)
    {
        HardwareProfile p = HardwareProfile.Load(Path.Combine(AppContext.BaseDirectory, "hardware-profiles", file));
        return p with
        {
            Camera = p.Camera with { WidthPx = 64, HeightPx = 64 },
            Monitoring = new MonitoringProfile { DriftWindowFrames = 500, DriftUpdateFrames = 500, FrcBlockFrames = 100, FrcUpdateFrames = 500, FrcPixelNm = 10 },
        };
    }

    private static double[][] ReadDriftCsv(string path) =>
        [.. File.ReadLines(path).Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];

    private static double RmsWithoutOffset(double[][] a, double[][] b)
    {
        double mx = a.Zip(b).Average(p => p.First[1] - p.Second[1]), my = a.Zip(b).Average(p => p.First[2] - p.Second[2]);
        return Math.Sqrt(a.Zip(b).Average(p => Math.Pow(p.First[1] - p.Second[1] - mx, 2) + Math.Pow(p.First[2] - p.Second[2] - my, 2)));
    }

    private AcquisitionRequest Request(HardwareProfile profile, long frames, SimulatedRig rig) => new()
    {
        Profile = profile,
        Frames = frames,
        OutDir = _dir,
        Engine = "cpu",
        Rig = rig,
        SafetyRegistry = _registry,
        AsFastAsPossible = true,
        WindowFrames = 100,
    };
}
