using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LiveSmlm.Acquisition;
using LiveSmlm.Acquisition.Engines;
using LiveSmlm.Cli.Bench;
using LiveSmlm.Core;
using LiveSmlm.Localization;
using LiveSmlm.Reconstruction;
using LiveSmlm.Simulation;

namespace LiveSmlm.Cli.Commands;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// `livesmlm bench`: fits/s on pre-cut 7×7 ROIs with 5 free parameters, and end-to-end frames/s
/// (background → detection → fit) on frames with a fixed number of emitters, with the machine named.
/// A benchmark, not a test: it measures and reports, it asserts nothing.
/// </summary>
public static class BenchCommand
{
    private const int RoiSize = 7;
    private const int CpuRoiCount = 100_000;

    // A GPU needs about a million ROIs in flight to fill its SMs.
    private const int GpuRoiCount = 1_000_000;
    private const int FrameCount = 64;

    public static Command Create(CliConsole console)
    {
        var engine = new Option<string>("--engine") { Description = "Backend: auto (CUDA when present, else cpu), cpu, gpu (CUDA), ilgpu-cpu (the GPU code on ILGPU's CPU accelerator: slow, for checking), network (frames/s only: it fits no ROIs).", DefaultValueFactory = _ => "auto" };
        engine.AcceptOnlyFromAmong([.. EngineCatalog.Names]);
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var seconds = new Option<double>("--seconds") { Description = "Minimum measuring time per figure, s.", DefaultValueFactory = _ => 3 };
        var size = new Option<int?>("--frame-size") { Description = "Frame side, px (default 256 on the CPU, 2048 on a GPU)." };
        var emitters = new Option<int?>("--emitters") { Description = "Emitters per frame (default 30 on the CPU, 500 on a GPU)." };
        var accuracy = new Option<bool>("--accuracy") { Description = "Instead of speed: simulate → analyze → evaluate each shipped profile, as shipped and at 0.25, 0.5, 1, 2 and 4 active emitters per µm²." };
        var frames = new Option<long>("--frames") { Description = "Frames per accuracy run.", DefaultValueFactory = _ => 1000 };
        var profiles = new Option<DirectoryInfo>("--profiles") { Description = "Folder holding the shipped profiles (for --accuracy).", DefaultValueFactory = _ => new DirectoryInfo("hardware-profiles") };
        var keep = new Option<DirectoryInfo?>("--keep") { Description = "Keep the accuracy runs' stacks, ground truth and localizations in this folder (default: a temporary folder, deleted)." };
        var only = new Option<string?>("--only") { Description = "Accuracy: run only the profile whose file name contains this text." };
        var pipeline = new Option<bool>("--pipeline") { Description = "Instead of speed: run the analyze data plane on --stack (or on --frames frames simulated from --profile) and print where the time goes, stage by stage." };
        var stack = new Option<FileInfo?>("--stack") { Description = "With --pipeline: the stack to analyze (its camera from --profile)." };
        var profile = new Option<FileInfo>("--profile") { Description = "With --pipeline: the hardware profile (camera, optics; the simulated rig when no --stack).", DefaultValueFactory = _ => new FileInfo(Path.Combine("hardware-profiles", "simulated-storm.json")) };
        var densities = new Option<string?>("--densities") { Description = "Accuracy: these uniform densities (comma-separated, per µm²) instead of the as-shipped sample and 0.25, 0.5, 1." };
        var accuracyEngines = new Option<string>("--accuracy-engines") { Description = "Accuracy: engines to analyze each stack with (comma-separated; e.g. cpu,network).", DefaultValueFactory = _ => "cpu" };
        var model = new Option<FileInfo?>("--model") { Description = "The network engine's ONNX model (default: the shipped model for the camera)." };
        var compare = new Option<bool>("--compare-cpu") { Description = "Instead of speed: check the engine's localizations against the CPU engine's on the same frames (count, 1e-3 px, 0.1 % photons; with --calibration also z within 0.1 nm); exit 1 when they differ." };
        Option<FileInfo?> calibration = CliCalibration.CalibrationOption();
        calibration.Description = "With --compare-cpu: fit in 3D with this calibration (calib.json; its pixel size must be the bench camera's, 100 nm).";
        Option<string?> psf = CliCalibration.PsfOption();
        var command = new Command("bench", "Measure fits/s and end-to-end frames/s of the localization engine (or, with --accuracy, its accuracy on the simulated profiles).")
        {
            engine, json, seconds, size, emitters, accuracy, frames, profiles, keep, only, densities, accuracyEngines, model, compare, pipeline, stack, profile, calibration, psf,
        };
        command.SetAction(parse => CliErrors.Guard(console, () =>
        {
            if (parse.GetValue(accuracy))
            {
                return RunAccuracy(
                    console, parse.GetValue(profiles)!.FullName, parse.GetValue(frames), parse.GetValue(json), parse.GetValue(keep)?.FullName, parse.GetValue(only),
                    ParseDensities(parse.GetValue(densities)), ParseEngines(parse.GetValue(accuracyEngines)!), parse.GetValue(model)?.FullName);
            }

            if (parse.GetValue(pipeline))
            {
                return RunPipeline(console, parse.GetValue(profile)!.FullName, parse.GetValue(stack)?.FullName, parse.GetResult(frames) is null ? 2000 : parse.GetValue(frames), parse.GetValue(engine)!, parse.GetValue(json));
            }

            double s = parse.GetValue(seconds);
            if (!(s > 0 && s <= 600))
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--seconds must be within (0, 600]; got {s}."));
            }

            if (parse.GetValue(calibration) is not null && !parse.GetValue(compare))
            {
                throw new UsageException("--calibration applies to --compare-cpu (the speed figures are 2D).");
            }

            (PsfCalibration3D? calibration3D, Psf3DModel psf3D) = CliCalibration.Resolve(parse.GetValue(calibration), parse.GetValue(psf), BenchData.Camera.PixelSizeNm);

            var settings = new LocalizerSettings
            {
                Camera = BenchData.Camera, PsfSigmaNm = BenchData.SpotSigmaPx * BenchData.Camera.PixelSizeNm, ModelPath = parse.GetValue(model)?.FullName,
                Calibration3D = calibration3D, Psf3D = psf3D,
            };
            using ILocalizer choice = CliEngines.Create(parse.GetValue(engine)!, settings);
            bool gpu = choice.Info.Name == "gpu";
            int side = parse.GetValue(size) ?? (gpu ? 2048 : 256);
            int perFrame = parse.GetValue(emitters) ?? (gpu ? 500 : 30);
            if (side is < 32 or > 8192 || perFrame is < 0 or > 100_000)
            {
                throw new UsageException($"--frame-size must be within [32, 8192] px and --emitters within [0, 100000]; got {side} and {perFrame}.");
            }

            if (parse.GetValue(compare))
            {
                bool slow = choice.Info.Name == "ilgpu-cpu";
                var check = EngineComparison.Run(choice, settings, slow ? 2 : 8, parse.GetValue(size) ?? (slow ? 96 : side), parse.GetValue(emitters) ?? (slow ? 8 : perFrame));
                console.Out.WriteLine(JsonSerializer.Serialize(check, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true }));
                return check.Equivalent ? CliErrors.Ok : CliErrors.Failure;
            }

            var result = Measure(choice, settings, side, perFrame, s);
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true }));
            }
            else
            {
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"engine {result.Engine} ({result.Device}) on {result.Machine}"));
                if (result.FitsPerSecond is { } fits)
                {
                    console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fits/s ({RoiSize}×{RoiSize} ROI, 5 free parameters, Poisson MLE + CRLB): {fits:N0}"));
                }

                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  frames/s end to end ({side}×{side}, {perFrame} emitters/frame): {result.FramesPerSecond:N0} ({result.LocalizationsPerFrame:F1} localizations/frame; {result.FramesPerCpuSecond:N1} frames per CPU-second)"));
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  per frame: {string.Join(", ", result.StageMillisecondsPerFrame.Select(kv => $"{kv.Key} {kv.Value:F2} ms"))}; {result.AllocatedBytesPerFrame:N0} bytes allocated"));
                console.Out.WriteLine(result.LoadAverage is { } load
                    ? string.Create(CultureInfo.InvariantCulture, $"  load average {load:F2} on {Environment.ProcessorCount} cores{(load > Environment.ProcessorCount * 0.5 ? " (loaded: the wall figure is not this machine's idle speed)" : "")}")
                    : "  load average unknown");
            }

            return CliErrors.Ok;
        }));
        return command;
    }

    private static double[]? ParseDensities(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var values = new List<double>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !(d > 0 && d < UniformDensity.SitesPerUm2))
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--densities: '{part}' is not a density in (0, {UniformDensity.SitesPerUm2}) per µm²; give e.g. 0.25,2,4."));
            }

            values.Add(d);
        }

        return [.. values];
    }

    private static string[] ParseEngines(string text)
    {
        string[] names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0)
        {
            throw new UsageException("--accuracy-engines needs at least one engine, e.g. cpu,network.");
        }

        return [.. names.Select(CliEngines.Check)];
    }

    private static int RunAccuracy(CliConsole console, string profileDir, long frames, bool json, string? keepDir, string? only, double[]? densities = null, string[]? engines = null, string? modelPath = null)
    {
        engines ??= ["cpu"];
        if (frames is < 10 or > 1_000_000)
        {
            throw new UsageException($"--frames must be within [10, 1000000] for --accuracy; got {frames}.");
        }

        string[] selected = AccuracyStudy.Profiles.Where(n => only is null || n.Contains(only, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (selected.Length == 0)
        {
            throw new UsageException($"--only '{only}' matches none of the profiles: {string.Join(", ", AccuracyStudy.Profiles)}.");
        }

        if (keepDir is not null)
        {
            CliErrors.RequireFolder(keepDir, "--keep");
        }

        // A folder of its own per run: two runs in one process (the tests) must not share it.
        string work = keepDir ?? Directory.CreateTempSubdirectory("livesmlm-accuracy-").FullName;
        var rows = new List<AccuracyStudy.Row>();
        try
        {
            foreach (string name in selected)
            {
                string path = Path.Combine(profileDir, name);
                IEnumerable<double?> cells = densities is null
                    ? new double?[] { null }.Concat(AccuracyStudy.DensitiesPerUm2.Select(d => (double?)d))
                    : densities.Select(d => (double?)d);
                foreach (double? density in cells)
                {
                    foreach (AccuracyStudy.Row row in AccuracyStudy.Run(path, density, frames, seed: 2016, work, engines, modelPath))
                    {
                        rows.Add(row);
                        if (!json)
                        {
                            EvaluationResult r = row.Result;
                            // The README's table has no engine column; other engines add it and the uncertainty calibration.
                            string extra = engines.Length == 1 && engines[0] == "cpu" ? "" : string.Create(CultureInfo.InvariantCulture, $" {row.Engine} | {r.NormalizedErrorRms:F2} |");
                            console.Out.WriteLine(string.Create(
                                CultureInfo.InvariantCulture,
                                $"| {row.Profile} | {row.Sample} | {row.MeasuredDensityPerUm2:F2} | {r.Jaccard:F3} | {r.Recall:F3} | {r.Precision:F3} | {r.RmseLateralNm:F1} | {r.EfficiencyLateral:F1} |{extra}"));
                        }
                    }
                }
            }
        }
        finally
        {
            if (keepDir is null && Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }

        if (json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(rows, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        }

        return CliErrors.Ok;
    }

    private static int RunPipeline(CliConsole console, string profile, string? stack, long frames, string engine, bool json)
    {
        if (frames is < 1 or > 1_000_000)
        {
            throw new UsageException($"--frames must be within [1, 1000000] for --pipeline; got {frames}.");
        }

        if (stack is not null && !File.Exists(stack))
        {
            throw new FileNotFoundException($"--stack '{stack}' does not exist.", stack);
        }

        string name = CliEngines.Check(engine);
        var report = PipelineBench.Run(profile, stack, frames, name, () =>
        {
            var settings = new LocalizerSettings { Camera = BenchData.Camera, PsfSigmaNm = BenchData.SpotSigmaPx * BenchData.Camera.PixelSizeNm };
            using ILocalizer localizer = CliEngines.Create(name, settings);
            return MeasureFits(localizer, 3);
        });
        if (json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true }));
        }
        else
        {
            foreach (string line in PipelineBench.Table(report))
            {
                console.Out.WriteLine(line);
            }
        }

        return CliErrors.Ok;
    }

    public sealed record BenchResult(
        string Engine,
        string Device,
        string Machine,
        int Threads,
        double? FitsPerSecond,
        int RoiSize,
        int FreeParameters,
        double FramesPerSecond,
        int FrameWidth,
        int FrameHeight,
        int EmittersPerFrame,
        double LocalizationsPerFrame,
        double SecondsPerFigure,
        double FramesPerCpuSecond)
    {
        /// <summary>Milliseconds of engine thread time per frame in each stage it times (the network: conversion, device = inference, detection = decoding).</summary>
        public IReadOnlyDictionary<string, double> StageMillisecondsPerFrame { get; init; } = new Dictionary<string, double>();

        /// <summary>Bytes allocated by the process per frame while timed (the output list is reused).</summary>
        public double AllocatedBytesPerFrame { get; init; }

        /// <summary>The 1-minute load average when the figure was taken (/proc/loadavg; null elsewhere): on a shared machine the wall figure depends on it.</summary>
        public double? LoadAverage { get; init; }
    }

    private static BenchResult Measure(ILocalizer choice, LocalizerSettings settings, int side, int perFrame, double seconds)
    {
        // The network engine fits no ROIs: it has a frames/s figure only.
        double? fitsPerSecond = choice.Info.Has(EngineCapabilities.FitsRoiBatches) ? MeasureFits(choice, seconds) : null;

        // Frames: background → detection → fit → localizations, in batches as the pipeline hands them.
        Frame[] frames = BenchData.Frames(FrameCount, side, side, perFrame, seed: 12);
        var output = new List<Localization>(FrameCount * perFrame * 2);
        choice.Localize(frames, output); // warm-up
        output.Clear();
        choice.Localize(frames, output); // the output list at its working size
        long localized = 0;
        long framesDone = 0;
        IReadOnlyDictionary<string, double> stagesStart = choice.GetStatistics().StageSeconds;
        long allocatedStart = GC.GetTotalAllocatedBytes(precise: true);
        TimeSpan cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            output.Clear();
            choice.Localize(frames, output);
            localized += output.Count;
            framesDone += frames.Length;
        }

        double framesPerSecond = framesDone / clock.Elapsed.TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedStart;
        IReadOnlyDictionary<string, double> stagesEnd = choice.GetStatistics().StageSeconds;
        var stageMs = stagesEnd
            .Where(kv => kv.Value - stagesStart.GetValueOrDefault(kv.Key) > 0)
            .ToDictionary(kv => kv.Key, kv => Math.Round((kv.Value - stagesStart.GetValueOrDefault(kv.Key)) * 1e3 / Math.Max(framesDone, 1), 3));
        // On a shared machine the wall figure depends on the load; frames per second of this process's CPU time does less.
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        return new BenchResult(
            choice.Info.Name,
            choice.Info.Device,
            MachineInfo.Describe(),
            Environment.ProcessorCount,
            fitsPerSecond is { } f ? Math.Round(f) : null,
            RoiSize,
            FreeParameters: settings.FitSigma ? 5 : 4,
            Math.Round(framesPerSecond, 1),
            side,
            side,
            perFrame,
            Math.Round(localized / (double)Math.Max(framesDone, 1), 2),
            seconds,
            Math.Round(framesDone / Math.Max(cpuSeconds, 1e-9), 1))
        {
            StageMillisecondsPerFrame = stageMs,
            AllocatedBytesPerFrame = Math.Round(allocated / (double)Math.Max(framesDone, 1)),
            LoadAverage = LoadAverage(),
        };
    }

    private static double? LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.TryParse(text.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Fits/s of the engine's batch path over pre-cut 7×7 ROIs (inputs drawn before the clock starts).</summary>
    private static double MeasureFits(ILocalizer choice, double seconds)
    {
        if (choice is not IRoiBatchFitter fitter || !choice.Info.Has(EngineCapabilities.FitsRoiBatches))
        {
            throw new UsageException($"--engine {choice.Info.Name}: this engine does not fit pre-cut ROIs, so it has no fits/s figure.");
        }

        int roiCount = choice.Info.Name == "gpu" ? GpuRoiCount : CpuRoiCount;
        float[] rois = BenchData.Rois(roiCount, RoiSize, seed: 11);
        var results = new FitResult[roiCount];
        FitOptions fit = FitOptions.Create((float)BenchData.SpotSigmaPx, fitSigma: true);
        fitter.FitBatch(rois, RoiSize, roiCount, fit, results); // warm-up (JIT, kernel compilation, thread pool)
        long fits = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            // Copies to and from the device are inside the timed loop.
            fitter.FitBatch(rois, RoiSize, roiCount, fit, results);
            fits += roiCount;
        }

        return fits / clock.Elapsed.TotalSeconds;
    }
}
