using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Localization.Network;
using LiveSmlm.Reconstruction;
using LiveSmlm.Simulation;

namespace LiveSmlm.Localization.Network.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The shipped simulated-storm model through the engine on a stack from the simulator, scored against the
/// simulator's ground truth by the evaluation's matcher (Sage et al. 2019, 250 nm).
/// </summary>
public class ShippedModelTests
{
    /// <summary>
    /// Floor on the Jaccard at 1 active emitter per µm² (100 nm sCMOS, 2000 photons per full frame). The
    /// shipped model reaches about 0.8 here (README); the MLE engine about 0.86 on the same kind of data.
    /// </summary>
    private const double JaccardFloor = 0.65;

    private static string RepoFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LiveSmlm.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine([dir?.FullName ?? throw new DirectoryNotFoundException("LiveSmlm.sln not found above the test folder."), .. parts]);
    }

    private static (HardwareProfile Profile, SimulationSettings Settings) Storm(int side)
    {
        HardwareProfile profile = HardwareProfile.Load(RepoFile("hardware-profiles", "simulated-storm.json"));
        SimulationSettings settings = profile.ToSimulationSettings();
        settings = settings with { Camera = settings.Camera with { WidthPx = side, HeightPx = side } };
        return (profile, UniformDensity.At(settings, 1.0));
    }

    [Fact]
    public void The_shipped_model_is_found_for_its_camera_and_localizes_a_simulated_stack_above_the_floor()
    {
        (HardwareProfile profile, SimulationSettings settings) = Storm(side: 96);
        CameraModel camera = profile.ToCameraModel();
        using NetworkLocalizer engine = NetworkEngine.Create(new LocalizerSettings { Camera = camera, PsfSigmaNm = settings.Optics.SigmaNm });
        Assert.Equal("simulated-storm", engine.Model.Profile);

        const int settle = 120;
        const int frames = 40;
        (List<Frame> batch, List<GroundTruthEmitter> truth) = Simulate(settings, seed: 31, settle, frames);

        var output = new List<Localization>();
        engine.Localize(batch, output);
        // The two lead-in frames are only history; score the rest.
        List<Localization> scored = output.Where(l => l.Frame >= settle).ToList();
        EvaluationResult result = LocalizationMatcher.Evaluate(scored, truth);

        Assert.True(truth.Count > 200, $"only {truth.Count} true emitters: the test's density is off.");
        Assert.True(result.Jaccard >= JaccardFloor, $"Jaccard {result.Jaccard:F3} below the floor {JaccardFloor} ({result.ToJson()}).");
        Assert.All(scored, l => Assert.True(l.Photons > 0 && l.UncertaintyXNm > 0 && l.BackgroundPhotons > 0, "every localization has photons, uncertainty and background"));
    }

    /// <summary>
    /// The shipped model's reported uncertainty is calibrated (issue 14: the RMS of error/σ per axis within
    /// 0.8–1.25) where emitters are sparse and where they overlap, on stacks of a seed that neither the
    /// training data (7), the calibration fit (4242…) nor the accuracy benchmark (2016) used; and the raw
    /// network σ is not (so the test can tell).
    /// </summary>
    [Theory]
    [InlineData(0.25, 60)]
    [InlineData(2.0, 20)]
    [InlineData(4.0, 12)]
    public void The_shipped_model_reports_calibrated_uncertainties_from_sparse_to_dense(double density, int frames)
    {
        (HardwareProfile profile, SimulationSettings settings) = Storm(side: 128);
        settings = UniformDensity.At(profile.ToSimulationSettings() with { Camera = settings.Camera }, density);
        var camera = new LocalizerSettings { Camera = profile.ToCameraModel(), PsfSigmaNm = settings.Optics.SigmaNm };
        int settle = UniformDensity.SettlingFrames(settings, density);
        (List<Frame> batch, List<GroundTruthEmitter> truth) = Simulate(settings, seed: 9001, settle, frames);

        EvaluationResult Score(bool uncalibrated)
        {
            using NetworkLocalizer engine = NetworkEngine.Create(camera, uncalibrated: uncalibrated);
            var output = new List<Localization>();
            engine.Localize(batch, output);
            return LocalizationMatcher.Evaluate(output.Where(l => l.Frame >= settle).ToList(), truth);
        }

        EvaluationResult calibrated = Score(uncalibrated: false);
        Assert.True(calibrated.Tp > 800, $"only {calibrated.Tp} matched pairs: too few to judge the calibration.");
        Assert.InRange(calibrated.NormalizedErrorRms, 0.8, 1.25);
        if (density >= 2)
        {
            Assert.True(Score(uncalibrated: true).NormalizedErrorRms > 1.4, "the raw network σ should be too small where emitters overlap (else this test cannot tell)");
        }
    }

    /// <summary>
    /// Each frame is localized from itself and the two frames before it, whatever the batches: one call,
    /// calls of 1, 5 and 6 frames, and (after a gap in the frame numbers) a fresh engine fed only from
    /// the gap on all give the same localizations. 94 px: not a multiple of 4, so the padding is used.
    /// </summary>
    [Fact]
    public void Localizations_do_not_depend_on_how_the_frames_are_batched_and_a_gap_restarts_the_window()
    {
        (HardwareProfile profile, SimulationSettings settings) = Storm(side: 94);
        var camera = new LocalizerSettings { Camera = profile.ToCameraModel(), PsfSigmaNm = settings.Optics.SigmaNm };
        using var sim = new SimulatedCamera(settings, seed: 5, frameLimit: 40, maxDegreeOfParallelism: 1);
        var frames = new List<Frame>();
        for (int f = 0; f < 40; f++)
        {
            var frame = new Frame(sim.Width, sim.Height);
            Assert.True(sim.TryReadNext(frame));
            if (f >= 28)
            {
                frames.Add(frame);
            }
        }

        // Frame numbers 28…33, then a gap: 50…55.
        for (int k = 6; k < 12; k++)
        {
            frames[k].Index = 44 + k;
        }

        static List<Localization> Run(LocalizerSettings s, IEnumerable<IReadOnlyList<Frame>> calls)
        {
            using NetworkLocalizer engine = NetworkEngine.Create(s);
            var output = new List<Localization>();
            foreach (IReadOnlyList<Frame> call in calls)
            {
                engine.Localize(call, output);
            }

            return output;
        }

        List<Localization> whole = Run(camera, [frames]);
        List<Localization> split = Run(camera, [frames[..1], frames[1..6], frames[6..]]);
        List<Localization> afterGap = Run(camera, [frames[6..]]);

        Assert.True(whole.Count > 100, $"only {whole.Count} localizations in 12 frames at 1 per µm²");
        Assert.Equal(whole.Select(l => (l.Frame, l.XNm, l.YNm, l.UncertaintyXNm)), split.Select(l => (l.Frame, l.XNm, l.YNm, l.UncertaintyXNm)));
        Assert.Equal(whole.Where(l => l.Frame >= 50).Select(l => (l.Frame, l.XNm, l.YNm)), afterGap.Select(l => (l.Frame, l.XNm, l.YNm)));
    }

    [Fact]
    public void The_shipped_model_is_refused_for_an_emccd_with_other_pixels()
    {
        var emccd = new CameraModel { PixelSizeNm = 160, EmGain = 300, ElectronsPerAdu = 12, QuantumEfficiency = 0.95 };
        string shipped = Path.Combine(NetworkEngine.ShippedModelsFolder, "simulated-storm.onnx");

        var given = Assert.Throws<NetworkModelException>(() => NetworkEngine.Create(new LocalizerSettings { Camera = emccd, ModelPath = shipped }));
        Assert.Contains("EMCCD", given.Message, StringComparison.Ordinal);
        Assert.Contains("160 nm", given.Message, StringComparison.Ordinal);

        var auto = Assert.Throws<NetworkModelException>(() => NetworkEngine.Create(new LocalizerSettings { Camera = emccd }));
        Assert.Contains("no shipped model fits", auto.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_refused_naming_it()
    {
        string dir = Directory.CreateTempSubdirectory("livesmlm-net-").FullName;
        try
        {
            string path = Path.Combine(dir, "not-a-model.onnx");
            File.WriteAllText(path, "not an ONNX file");
            var e = Assert.Throws<NetworkModelException>(() => NetworkEngine.ReadModel(path));
            Assert.Contains("not-a-model.onnx", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// <paramref name="frames"/> frames of the simulated rig after <paramref name="settle"/> frames of settling, with
    /// the two frames before them as the network's history, and the simulator's truth of the scored frames.
    /// </summary>
    private static (List<Frame> Batch, List<GroundTruthEmitter> Truth) Simulate(SimulationSettings settings, ulong seed, int settle, int frames)
    {
        using var sim = new SimulatedCamera(settings, seed, frameLimit: settle + frames, maxDegreeOfParallelism: 1);
        var truth = new List<GroundTruthEmitter>();
        var batch = new List<Frame>();
        for (int f = 0; f < settle + frames; f++)
        {
            var frame = new Frame(sim.Width, sim.Height);
            Assert.True(sim.TryReadNext(frame));
            if (f >= settle - 2)
            {
                batch.Add(frame);
                if (f >= settle)
                {
                    truth.AddRange(sim.LastFrameTruth);
                }
            }
        }

        return (batch, truth);
    }
}
