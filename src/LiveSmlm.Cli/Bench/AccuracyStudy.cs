using System.Globalization;
using LiveSmlm.Acquisition.Analysis;
using LiveSmlm.Acquisition.Recording;
using LiveSmlm.Cli.Commands;
using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.IO;
using LiveSmlm.Localization;
using LiveSmlm.Reconstruction;
using LiveSmlm.Simulation;

namespace LiveSmlm.Cli.Bench;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The accuracy benchmark behind the README's table: simulate → analyze → evaluate on each shipped
/// profile as it is, and on each profile's camera and optics with a uniform sample at a fixed density
/// of active emitters (0.25, 0.5, 1, 2, 4 per µm²). The regression test runs the same code on fewer frames.
/// </summary>
public static class AccuracyStudy
{
    public static IReadOnlyList<string> Profiles { get; } = ["simulated-storm.json", "simulated-paint.json", "simulated-emccd.json"];

    public static IReadOnlyList<double> DensitiesPerUm2 { get; } = [0.25, 0.5, 1.0, 2.0, 4.0];

    public sealed record Row(string Profile, string Sample, double? DensityPerUm2, long Frames, double MeasuredDensityPerUm2, EvaluationResult Result, string Engine = "cpu");

    /// <summary>Runs one cell: the profile as shipped (density null) or with a uniform sample at the density, on the CPU engine.</summary>
    public static Row Run(string profilePath, double? densityPerUm2, long frames, ulong seed, string workDir) =>
        Run(profilePath, densityPerUm2, frames, seed, workDir, ["cpu"])[0];

    /// <summary>One cell on each engine, all on the same simulated stack (analysis-ENGINE/ beside it; the CPU engine's is analysis/).</summary>
    public static IReadOnlyList<Row> Run(string profilePath, double? densityPerUm2, long frames, ulong seed, string workDir, IReadOnlyList<string> engines, string? modelPath = null)
    {
        ArgumentNullException.ThrowIfNull(engines);
        HardwareProfile profile = HardwareProfile.Load(profilePath);
        SimulationSettings settings = profile.ToSimulationSettings();
        if (densityPerUm2 is { } rho)
        {
            settings = UniformDensity.At(settings, rho);
        }

        string dir = Path.Combine(workDir, Path.GetFileNameWithoutExtension(profilePath) + (densityPerUm2 is { } d ? string.Create(CultureInfo.InvariantCulture, $"-{d}") : "-as-shipped"));
        long emitterFrames = SimulatedAcquisition.Record(settings, frames, seed, dir);
        CameraModel camera = profile.ToCameraModel();
        var localizer = new LocalizerSettings
        {
            Camera = camera,
            PsfSigmaNm = profile.Optics.ToOpticsSettings().SigmaNm,
            Background = settings.Photophysics.Kind == PhotophysicsKind.Binding && densityPerUm2 is null ? BackgroundMode.TemporalMedian : BackgroundMode.Wavelet,
        };
        List<GroundTruthEmitter> truth = GroundTruthCsvReader.Read(Path.Combine(dir, "ground-truth.csv")).ToList();
        double areaUm2 = settings.Camera.WidthPx * settings.Camera.HeightPx * camera.PixelSizeNm * camera.PixelSizeNm * 1e-6;
        var rows = new List<Row>();
        foreach (string engine in engines)
        {
            string analysis = Path.Combine(dir, engine == "cpu" ? "analysis" : "analysis-" + engine);
            StackAnalysis.Run(new AnalysisRequest
            {
                StackPath = Path.Combine(dir, "raw.ome.tif"),
                OutDir = analysis,
                Localizer = localizer with { ModelPath = modelPath },
                Engine = engine,
            });
            IReadOnlyList<Localization> locs = LocalizationFiles.Read(Path.Combine(analysis, "locs.csv"));
            rows.Add(new Row(
                Path.GetFileName(profilePath),
                densityPerUm2 is null ? settings.Sample.Structure.ToString() : "uniform",
                densityPerUm2,
                frames,
                emitterFrames / (double)frames / areaUm2,
                LocalizationMatcher.Evaluate(locs, truth),
                engine));
        }

        return rows;
    }
}
