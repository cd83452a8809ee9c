using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LiveSmlm.Acquisition.Recording;
using LiveSmlm.Cli.Training;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Localization.Network;
using LiveSmlm.Simulation;

namespace LiveSmlm.Cli.Commands;

/// <summary>
/// `livesmlm train`: training data from the profile's simulated rig (as `simulate --training`), then
/// training/train.py on them (PyTorch from Debian's python3-torch), then a check that the engine loads
/// the model it wrote. One command, reproducible from the seed.
/// </summary>
public static class TrainCommand
{
    /// <summary>Where the trainer looks for a Python with torch and h5py: $LIVESMLM_PYTHON, then Debian's, then PATH's.</summary>
    public static IEnumerable<string> PythonCandidates()
    {
        if (Environment.GetEnvironmentVariable("LIVESMLM_PYTHON") is { Length: > 0 } chosen)
        {
            yield return chosen;
        }

        yield return "/usr/bin/python3";
        yield return "python3";
    }

    public static Command Create(CliConsole console)
    {
        var profile = new Option<FileInfo>("--profile") { Description = "Hardware profile whose camera, optics, photophysics and background the network is trained for.", Required = true };
        var outFile = new Option<FileInfo>("--out") { Description = "Model to write (ONNX); OUT.ckpt and OUT.best.pt beside it let a later run resume.", Required = true };
        var minutes = new Option<double>("--minutes") { Description = "Training time, minutes (the best checkpoint by validation Jaccard is exported).", DefaultValueFactory = _ => 30 };
        var steps = new Option<int?>("--steps") { Description = "Stop after this many optimizer steps (whichever of --minutes and --steps comes first)." };
        var frames = new Option<long>("--frames") { Description = "Training frames to simulate (64-frame sequences of 64×64 crops).", DefaultValueFactory = _ => 32768 };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Training data folder: reused when it holds chunks, else simulated into it (default OUT.data/)." };
        var width = new Option<int>("--width") { Description = "Channels at full resolution (speed ∝ width²).", DefaultValueFactory = _ => 8 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the simulated training data.", DefaultValueFactory = _ => 7 };
        var validateEvery = new Option<int>("--validate-every") { Description = "Steps between validations (progress line, checkpoint).", DefaultValueFactory = _ => 150 };
        var calibrationFrames = new Option<int>("--calibration-frames") { Description = "Frames per density of the held-out stacks (128×128) the uncertainty calibration is fitted on.", DefaultValueFactory = _ => 200 };
        var calibrationSeed = new Option<ulong>("--calibration-seed") { Description = "Seed of the calibration stacks (not the training data's, not the accuracy benchmark's 2016).", DefaultValueFactory = _ => 4242 };
        var calibrateOnly = new Option<bool>("--calibrate-only") { Description = "Do not train: fit the uncertainty calibration of the existing model OUT and write it into its metadata." };
        var command = new Command("train", "Train the network engine's model on data from a profile's simulated rig (needs python3-torch and python3-h5py), then fit its uncertainty calibration.")
        {
            profile, outFile, minutes, steps, frames, data, width, seed, validateEvery, calibrationFrames, calibrationSeed, calibrateOnly,
        };
        command.SetAction(parse => parse.GetValue(calibrateOnly)
            ? CliErrors.Guard(console, () => Calibrate(console, parse.GetValue(profile)!.FullName, parse.GetValue(outFile)!.FullName, parse.GetValue(calibrationSeed), parse.GetValue(calibrationFrames)))
            : CliErrors.Guard(console, () => Run(
            console,
            parse.GetValue(profile)!.FullName,
            parse.GetValue(outFile)!.FullName,
            parse.GetValue(minutes),
            parse.GetValue(steps),
            parse.GetValue(frames),
            parse.GetValue(data)?.FullName,
            parse.GetValue(width),
            parse.GetValue(seed),
            parse.GetValue(validateEvery),
            parse.GetValue(calibrationSeed),
            parse.GetValue(calibrationFrames))));
        return command;
    }

    public static int Run(CliConsole console, string profilePath, string outPath, double minutes, int? steps, long frames, string? dataDir, int width, ulong seed, int validateEvery, ulong calibrationSeed = 4242, int calibrationFrames = 200)
    {
        var clock = Stopwatch.StartNew();
        ArgumentNullException.ThrowIfNull(console);
        if (!(minutes > 0 && minutes <= 7 * 24 * 60))
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--minutes must be within (0, 10080]; got {minutes}."));
        }

        if (steps is < 1 || width is < 2 or > 128 || validateEvery < 1 || frames < 64)
        {
            throw new UsageException($"--steps must be ≥ 1, --width within [2, 128], --validate-every ≥ 1 and --frames ≥ 64; got {steps}, {width}, {validateEvery}, {frames}.");
        }

        var rig = HardwareProfile.Load(profilePath);
        string python = FindPython();
        string script = FindScript();
        dataDir ??= outPath + ".data";
        if (!Directory.Exists(dataDir) || Directory.GetFiles(dataDir, "chunk-*.h5").Length == 0)
        {
            CliErrors.RequireFolder(dataDir, "--data");
            var training = new TrainingDataSettings();
            long total = (frames + training.FramesPerSequence - 1) / training.FramesPerSequence * training.FramesPerSequence;
            TrainingExport.Description d = CliProgress.Run(console, "training data", total, report =>
                TrainingExport.Write(rig.Name, rig.ToSimulationSettings(), training, frames, seed, dataDir, report));
            console.Err.WriteLine($"simulated {d.Sequences} training sequences → {dataDir}");
        }
        else
        {
            console.Err.WriteLine($"reusing training data in {dataDir}");
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        var start = new ProcessStartInfo(python) { UseShellExecute = false };
        foreach (string a in (string[])[script, "--data", dataDir, "--out", outPath, "--width", width.ToString(CultureInfo.InvariantCulture),
            "--minutes", minutes.ToString(CultureInfo.InvariantCulture), "--validate-every", validateEvery.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(a);
        }

        if (steps is { } n)
        {
            start.ArgumentList.Add("--steps");
            start.ArgumentList.Add(n.ToString(CultureInfo.InvariantCulture));
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start '{python}'.");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                console.Err.WriteLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                console.Err.WriteLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            console.Err.WriteLine($"error: training ({python} {script}) failed with exit code {process.ExitCode}.");
            return CliErrors.Failure;
        }

        NetworkModelInfo model = NetworkEngine.ReadModel(outPath);
        if (model.Mismatch(rig.ToCameraModel()) is { } why)
        {
            throw new InvalidOperationException($"the model written does not fit its own profile: {why}");
        }

        console.Err.WriteLine($"model {outPath} ({model.CameraType}, {model.PixelSizeNm} nm pixels) loads in the network engine; training: {model.Training}");
        int calibrated = Calibrate(console, profilePath, outPath, calibrationSeed, calibrationFrames);
        console.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train: {clock.Elapsed.TotalMinutes:F1} min wall in all (data, training, calibration)"));
        return calibrated;
    }

    /// <summary>Fits the model's uncertainty calibration on held-out simulated stacks and writes it into its metadata.</summary>
    public static int Calibrate(CliConsole console, string profilePath, string modelPath, ulong seed, int framesPerDensity)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (framesPerDensity is < 1 or > 100_000)
        {
            throw new UsageException($"--calibration-frames must be within [1, 100000]; got {framesPerDensity}.");
        }

        var rig = HardwareProfile.Load(profilePath);
        var clock = Stopwatch.StartNew();
        (NetworkCalibration calibration, DecodeOptions thresholds, NetworkCalibrationFit.Report _) = NetworkCalibrationFit.Fit(modelPath, rig.ToSimulationSettings(), rig.ToCameraModel(), seed, side: 128, framesPerDensity);
        calibration = calibration with { Fit = string.Create(CultureInfo.InvariantCulture, $"{calibration.Fit}; {clock.Elapsed.TotalSeconds:F0} s") };
        OnnxMetadataFile.Set(modelPath, "livesmlm.rawThreshold", thresholds.RawThreshold.ToString("R", CultureInfo.InvariantCulture));
        OnnxMetadataFile.Set(modelPath, "livesmlm.threshold", thresholds.Threshold.ToString("R", CultureInfo.InvariantCulture));
        OnnxMetadataFile.Set(modelPath, NetworkCalibration.MetadataKey, calibration.ToJson());
        NetworkModelInfo check = NetworkEngine.ReadModel(modelPath);
        if (check.Calibration is null || check.RawThreshold != thresholds.RawThreshold || check.Threshold != thresholds.Threshold)
        {
            throw new InvalidOperationException($"the calibration and thresholds written into '{modelPath}' do not read back.");
        }

        console.Err.WriteLine($"uncertainty calibration of {modelPath}: {calibration.Fit}");
        return CliErrors.Ok;
    }

    private static string FindScript()
    {
        foreach (string root in (string[])[AppContext.BaseDirectory, Directory.GetCurrentDirectory()])
        {
            string path = Path.Combine(root, "training", "train.py");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"training/train.py is neither beside the program ({AppContext.BaseDirectory}) nor in the current folder.");
    }

    private static string FindPython()
    {
        foreach (string candidate in PythonCandidates())
        {
            try
            {
                var check = new ProcessStartInfo(candidate) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                check.ArgumentList.Add("-c");
                check.ArgumentList.Add("import torch, h5py");
                using Process p = Process.Start(check)!;
                p.WaitForExit();
                if (p.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under this name: try the next.
            }
        }

        throw new UsageException("train needs Python 3 with PyTorch and h5py (Debian: apt-get install python3-torch python3-h5py; or set LIVESMLM_PYTHON).");
    }
}
