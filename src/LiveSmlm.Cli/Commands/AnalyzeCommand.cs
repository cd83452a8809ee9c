using System.CommandLine;
using System.Globalization;
using LiveSmlm.Acquisition.Analysis;
using LiveSmlm.Acquisition.Engines;
using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.IO;
using LiveSmlm.Localization;

namespace LiveSmlm.Cli.Commands;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// `livesmlm analyze STACK --out DIR`: localizes every frame of a TIFF/OME-TIFF, .dax or Picasso .raw
/// stack and writes locs.csv (ThunderSTORM), locs.hdf5 + locs.yaml (Picasso), render.png and summary.json.
/// </summary>
public static class AnalyzeCommand
{
    /// <summary>Fallback emission wavelength and NA for σ ≈ 0.21 λ/NA when neither profile nor option gives σ (Alexa 647, 1.45 NA oil objective).</summary>
    private const double DefaultWavelengthNm = 670;
    private const double DefaultNumericalAperture = 1.45;

    /// <summary>Pixel size assumed (with a warning) when nothing says otherwise: a common 100× / 6.5 µm sCMOS set-up.</summary>
    private const double DefaultPixelSizeNm = 100;

    public static Command Create(CliConsole console)
    {
        var stack = new Argument<FileInfo>("stack") { Description = "Stack to analyze: .tif/.ome.tif, .dax (+.inf) or Picasso .raw (+.yaml)." };
        var profile = new Option<FileInfo?>("--profile") { Description = "Hardware profile whose camera and optics describe the stack." };
        var cameraOptions = new CameraOptions();
        var multiEmitterOptions = new MultiEmitterCliOptions();
        var maps = new Option<FileInfo?>("--scmos-maps") { Description = "sCMOS per-pixel calibration: a TIFF of three float pages — offset (ADU), read variance (ADU²), gain (e⁻/ADU) — the stack's size; used in the likelihood (Huang et al. 2013)." };
        var sigma = new Option<double?>("--psf-sigma-nm") { Description = "PSF σ in nm (initial value of the fit; fixed with --fixed-sigma)." };
        var fixedSigma = new Option<bool>("--fixed-sigma") { Description = "Fit with σ fixed at --psf-sigma-nm instead of free." };
        var threshold = new Option<double?>("--threshold") { Description = "Detection threshold in units of the image's own noise level." };
        var temporal = new Option<bool>("--temporal-background") { Description = "Background as a running per-pixel median over recent frames (DNA-PAINT)." };
        var engine = new Option<string>("--engine") { Description = "Localization backend: auto (CUDA when present, else cpu), cpu, gpu (CUDA), ilgpu-cpu (the GPU code on ILGPU's CPU accelerator: slow, for checking), network (a trained model through ONNX Runtime).", DefaultValueFactory = _ => "auto" };
        engine.AcceptOnlyFromAmong([.. EngineCatalog.Names]);
        var model = new Option<FileInfo?>("--model") { Description = "ONNX model of the network engine (default: the shipped model trained for the camera); it must match the camera type and pixel size." };
        var render = new Option<double>("--render-pixel-nm") { Description = "Pixel of render.png, nm.", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch-frames") { Description = "Frames per localizer batch.", DefaultValueFactory = _ => 32 };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Output folder.", Required = true };
        Option<FileInfo?> calibration = CliCalibration.CalibrationOption();
        Option<string?> psf = CliCalibration.PsfOption();

        var command = new Command("analyze", "Localize every molecule in a recorded stack.")
        {
            stack, profile, maps, sigma, fixedSigma, threshold, temporal, engine, model, render, batch, outDir, calibration, psf,
        };
        cameraOptions.AddTo(command);
        multiEmitterOptions.AddTo(command);
        command.SetAction(parse => CliErrors.Guard(console, () =>
        {
            string stackPath = parse.GetValue(stack)!.FullName;
            if (!File.Exists(stackPath))
            {
                throw new FileNotFoundException($"Stack '{stackPath}' does not exist.", stackPath);
            }

            HardwareProfile? rig = parse.GetValue(profile) is { } p ? HardwareProfile.Load(p.FullName) : null;
            (double? filePixelNm, long? total, int widthPx, int heightPx) = StackFacts(stackPath);
            CameraModel camera = rig?.ToCameraModel() ?? new CameraModel { PixelSizeNm = filePixelNm ?? DefaultPixelSizeNm };
            if (rig is null && filePixelNm is null && parse.GetValue(cameraOptions.Pixel) is null)
            {
                console.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warning: '{stackPath}' does not say its pixel size and no --profile or --pixel-size-nm was given; assuming {DefaultPixelSizeNm} nm."));
            }
            camera = cameraOptions.Apply(parse, camera);
            camera.Validate("camera (profile or --options)");
            if (parse.GetValue(maps) is { } mapFile)
            {
                camera = camera with { PixelMaps = ScmosCalibrationFile.Read(mapFile.FullName, widthPx, heightPx) };
            }

            double sigmaNm = parse.GetValue(sigma)
                ?? (rig is null ? 0.21 * DefaultWavelengthNm / DefaultNumericalAperture : rig.Optics.ToOpticsSettings().SigmaNm);
            var defaults = new LocalizerSettings { Camera = camera };
            var settings = defaults with
            {
                PsfSigmaNm = sigmaNm,
                FitSigma = !parse.GetValue(fixedSigma),
                DetectionThresholdFactor = parse.GetValue(threshold) ?? defaults.DetectionThresholdFactor,
                Background = parse.GetValue(temporal) ? BackgroundMode.TemporalMedian : defaults.Background,
                ModelPath = parse.GetValue(model) is { } m ? m.FullName : null,
            };
            settings = settings.WithAnalysis(multiEmitterOptions.Apply(parse, rig?.Analysis));
            (PsfCalibration3D? calibration3D, Psf3DModel psf3D) = CliCalibration.Resolve(parse.GetValue(calibration), parse.GetValue(psf), camera.PixelSizeNm);
            settings = settings with { Calibration3D = calibration3D, Psf3D = psf3D };

            int batchFrames = parse.GetValue(batch);
            if (batchFrames is < 1 or > 4096)
            {
                throw new UsageException($"--batch-frames must be within [1, 4096]; got {batchFrames}.");
            }

            double renderNm = parse.GetValue(render);
            if (renderNm is < 0.5 or > 1000 || double.IsNaN(renderNm))
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--render-pixel-nm must be within [0.5, 1000] nm; got {renderNm}."));
            }

            var options = new AnalysisRequest
            {
                StackPath = stackPath,
                OutDir = CliErrors.RequireFolder(parse.GetValue(outDir)!.FullName, "--out"),
                Localizer = settings,
                RenderPixelNm = renderNm,
                BatchFrames = batchFrames,
                Engine = CliEngines.Check(parse.GetValue(engine)!),
            };

            RunSummary summary = CliProgress.Run(console, "analyze", total, report => StackAnalysis.Run(options, report, console.Err.WriteLine));
            console.Err.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{summary.Frames} frames, {summary.Localizations} localizations, median uncertainty {summary.MedianUncertaintyNm} nm, {summary.FramesPerSecond} frames/s, {summary.FitsPerSecond} fits/s → {options.OutDir}"));
            return CliErrors.Ok;
        }));
        return command;
    }

    /// <summary>Pixel size from the file's own metadata (OME-XML / ImageJ), its frame count and size.</summary>
    private static (double? PixelSizeNm, long? Frames, int WidthPx, int HeightPx) StackFacts(string path)
    {
        using IFrameSource source = FrameSources.Open(path);
        return (source.PixelSizeNm, source.FrameCount, source.Width, source.Height);
    }
}
