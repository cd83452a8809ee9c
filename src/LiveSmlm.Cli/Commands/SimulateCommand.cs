using System.CommandLine;
using System.Globalization;
using LiveSmlm.Acquisition.Recording;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.IO;
using LiveSmlm.Simulation;

namespace LiveSmlm.Cli.Commands;

/// <summary>
/// `livesmlm simulate`: runs the simulated rig of a profile and writes raw.ome.tif, ground-truth.csv
/// (ThunderSTORM style, frames from 1) and the effective profile.json.
/// </summary>
public static class SimulateCommand
{
    public static Command Create(CliConsole console)
    {
        var profile = new Option<FileInfo>("--profile")
        {
            Description = "Hardware profile (JSON) of the simulated rig, e.g. hardware-profiles/simulated-storm.json.",
            Required = true,
        };
        var frames = new Option<long>("--frames") { Description = "Number of frames to simulate.", Required = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Output folder (created if missing)." };
        var training = new Option<DirectoryInfo>("--training")
        {
            Description = "Write the network's training data instead (HDF5 chunks of random crops with their emitters, frames in time order) to this folder.",
        };
        var crop = new Option<int>("--crop") { Description = "Training crops' side, px (with --training).", DefaultValueFactory = _ => 64 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed; the same seed gives the same data.", DefaultValueFactory = _ => 1 };

        var command = new Command("simulate", "Simulate an SMLM acquisition on the simulated rig of a profile.")
        {
            profile, frames, outDir, training, crop, seed,
        };
        command.SetAction(parse => CliErrors.Guard(console, () => parse.GetValue(training) is { } trainingDir
            ? RunTraining(console, parse.GetValue(profile)!.FullName, parse.GetValue(frames), trainingDir.FullName, parse.GetValue(crop), parse.GetValue(seed), parse.GetValue(outDir) is not null)
            : Run(
            console,
            parse.GetValue(profile)!.FullName,
            parse.GetValue(frames),
            parse.GetValue(outDir)?.FullName ?? throw new UsageException("--out is required (or --training for training data)."),
            parse.GetValue(seed))));
        return command;
    }

    public static int Run(CliConsole console, string profilePath, long frames, string outDir, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (frames <= 0)
        {
            throw new UsageException($"--frames must be at least 1; got {frames}.");
        }

        CliErrors.RequireFolder(outDir, "--out");
        var profile = HardwareProfile.Load(profilePath);
        Directory.CreateDirectory(outDir);
        profile.Save(Path.Combine(outDir, "profile.json"));
        long emitters = CliProgress.Run(console, "simulate", frames, report =>
            SimulatedAcquisition.Record(profile.ToSimulationSettings(), frames, seed, outDir, report));
        console.Err.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"simulated {frames} frames ({emitters} emitter-frames) → {outDir}"));
        return CliErrors.Ok;
    }

    /// <summary>`simulate --training DIR`: whole sequences of random crops until at least <paramref name="frames"/> frames.</summary>
    public static int RunTraining(CliConsole console, string profilePath, long frames, string outDir, int cropPx, ulong seed, bool outGiven = false)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (outGiven)
        {
            throw new UsageException("--out and --training exclude each other: --training DIR writes training data to DIR.");
        }

        if (frames <= 0)
        {
            throw new UsageException($"--frames must be at least 1; got {frames}.");
        }

        CliErrors.RequireFolder(outDir, "--training");
        var profile = HardwareProfile.Load(profilePath);
        var settings = new TrainingDataSettings { CropPx = cropPx };
        try
        {
            settings.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--crop: {e.Message}");
        }

        long total = (frames + settings.FramesPerSequence - 1) / settings.FramesPerSequence * settings.FramesPerSequence;
        TrainingExport.Description d = CliProgress.Run(console, "simulate --training", total, report =>
            TrainingExport.Write(profile.Name, profile.ToSimulationSettings(), settings, frames, seed, outDir, report));
        console.Err.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"simulated {d.Sequences} training sequences of {d.FramesPerSequence} frames ({d.CropPx}×{d.CropPx} px) in {d.Chunks} chunks → {outDir}"));
        return CliErrors.Ok;
    }
}
