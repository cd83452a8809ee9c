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
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Output folder (created if missing).", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Random seed; the same seed gives the same data.", DefaultValueFactory = _ => 1 };

        var command = new Command("simulate", "Simulate an SMLM acquisition on the simulated rig of a profile.")
        {
            profile, frames, outDir, seed,
        };
        command.SetAction(parse => CliErrors.Guard(console, () => Run(
            console,
            parse.GetValue(profile)!.FullName,
            parse.GetValue(frames),
            parse.GetValue(outDir)!.FullName,
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
}
