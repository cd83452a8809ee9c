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

    /// <summary>Density of labelled sites for the density runs; each site is on a fraction ρ/sites of the time.</summary>
    public const double SitesPerUm2 = 20;

    /// <summary>Mean on time of an emitter in the density runs, frames (a typical dSTORM/PAINT event spans a few frames).</summary>
    public const double MeanOnFrames = 3;

    public sealed record Row(string Profile, string Sample, double? DensityPerUm2, long Frames, double MeasuredDensityPerUm2, EvaluationResult Result);

    /// <summary>Runs one cell: the profile as shipped (density null) or with a uniform sample at the density.</summary>
    public static Row Run(string profilePath, double? densityPerUm2, long frames, ulong seed, string workDir)
    {
        HardwareProfile profile = HardwareProfile.Load(profilePath);
        SimulationSettings settings = profile.ToSimulationSettings();
        if (densityPerUm2 is { } rho)
        {
            settings = AtDensity(settings, rho);
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
        StackAnalysis.Run(new AnalysisRequest
        {
            StackPath = Path.Combine(dir, "raw.ome.tif"),
            OutDir = Path.Combine(dir, "analysis"),
            Localizer = localizer,
            Engine = "cpu",
        });
        IReadOnlyList<Localization> locs = LocalizationFiles.Read(Path.Combine(dir, "analysis", "locs.csv"));
        List<GroundTruthEmitter> truth = GroundTruthCsvReader.Read(Path.Combine(dir, "ground-truth.csv")).ToList();
        double areaUm2 = settings.Camera.WidthPx * settings.Camera.HeightPx * camera.PixelSizeNm * camera.PixelSizeNm * 1e-6;
        return new Row(
            Path.GetFileName(profilePath),
            densityPerUm2 is null ? settings.Sample.Structure.ToString() : "uniform",
            densityPerUm2,
            frames,
            emitterFrames / (double)frames / areaUm2,
            LocalizationMatcher.Evaluate(locs, truth));
    }

    /// <summary>
    /// The profile's camera, optics, background and brightness with a uniform random sample whose sites
    /// bind and unbind (stationary, no bleaching) so that on average ρ emitters per µm² are on.
    /// </summary>
    public static SimulationSettings AtDensity(SimulationSettings settings, double densityPerUm2)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!(densityPerUm2 > 0 && densityPerUm2 < SitesPerUm2))
        {
            throw new ArgumentOutOfRangeException(nameof(densityPerUm2), densityPerUm2, $"Density must be within (0, {SitesPerUm2}) per µm².");
        }

        double offPerS = settings.Camera.FrameRateHz / MeanOnFrames;
        // An event of M frames on average touches M + 1 exposures, and the ground truth lists an emitter in
        // every frame it was on at all: so the fraction of time on is ρ/sites · M/(M + 1).
        double onFraction = densityPerUm2 / SitesPerUm2 * MeanOnFrames / (MeanOnFrames + 1);
        double bindPerS = offPerS * onFraction / (1 - onFraction);
        PhotophysicsSettings p = settings.Photophysics;
        double photonsPerS = p.EmissionRatePerS(settings.ExcitationPowerMw);
        return settings with
        {
            Sample = settings.Sample with
            {
                Structure = SampleStructure.Uniform,
                Uniform = new UniformSettings { DensityPerUm2 = SitesPerUm2 },
                LabelingEfficiency = 1,
                Fiducials = null,
            },
            Photophysics = p with
            {
                Kind = PhotophysicsKind.Binding,
                UnbindingPerS = offPerS,
                // kon·c in 1/s: the settings hold kon (1/M/s) and c (nM).
                BindingOnRatePerMPerS = bindPerS / (p.ImagerConcentrationNm * 1e-9),
                EmissionPhotonsPerS = photonsPerS,
                ReferenceExcitationPowerMw = settings.ExcitationPowerMw,
            },
        };
    }
}
