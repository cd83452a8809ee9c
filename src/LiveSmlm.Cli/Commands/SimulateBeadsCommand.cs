using System.CommandLine;
using LiveSmlm.Acquisition.Recording;
using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Simulation;

namespace LiveSmlm.Cli.Commands;

/// <summary>`livesmlm simulate-beads --out beads.ome.tif`: a simulated bead z-stack to try `calibrate-3d` on.</summary>
public static class SimulateBeadsCommand
{
    public static Command Create(CliConsole console)
    {
        var outPath = new Option<FileInfo>("--out") { Description = "OME-TIFF to write; NAME.beads.csv (the beads' truth) goes beside it.", Required = true };
        var profile = new Option<FileInfo?>("--profile") { Description = "Hardware profile: its camera, and its optics.astigmatism when set (else σ0 115/120 nm, foci ∓250 nm, d 400 nm with higher-order terms)." };
        var aberrated = new Option<bool>("--aberrated") { Description = "An experimental-like PSF: the astigmatic core plus a wider lobe that moves with z (coma-like)." };
        var step = new Option<double>("--z-step-nm") { Description = "Stage step, nm.", DefaultValueFactory = _ => 20 };
        var range = new Option<double>("--range-nm") { Description = "The scan covers ±this, nm.", DefaultValueFactory = _ => 800 };
        var beads = new Option<int>("--beads") { Description = "Number of beads.", DefaultValueFactory = _ => 6 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var command = new Command("simulate-beads", "Simulate a bead z-stack through an astigmatic lens (for calibrate-3d).") { outPath, profile, aberrated, step, range, beads, seed };
        command.SetAction(parse => CliErrors.Guard(console, () =>
        {
            HardwareProfile? rig = parse.GetValue(profile) is { } p ? HardwareProfile.Load(p.FullName) : null;
            string path = parse.GetValue(outPath)!.FullName;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var request = new BeadStackRequest
            {
                OutPath = path,
                Camera = rig?.ToCameraModel() ?? new CameraModel { PixelSizeNm = 100, BaselineAdu = 100, ElectronsPerAdu = 0.5, QuantumEfficiency = 0.9, ReadNoiseElectrons = 1.5 },
                Astigmatism = rig?.Optics.Astigmatism ?? new AstigmatismSettings { Sigma0XNm = 115, Sigma0YNm = 120, CxNm = -250, CyNm = 250, DNm = 400, Ax = 0.1, Bx = 0.05, Ay = -0.1, By = 0.04 },
                Aberrated = parse.GetValue(aberrated),
                ZStepNm = parse.GetValue(step),
                RangeNm = parse.GetValue(range),
                Beads = parse.GetValue(beads),
                Seed = parse.GetValue(seed),
            };
            IReadOnlyList<Bead> written = BeadStackRecording.Record(request);
            console.Err.WriteLine($"{written.Count} beads, {(int)Math.Round(2 * request.RangeNm / request.ZStepNm) + 1} slices of {request.ZStepNm} nm → {path}");
            return CliErrors.Ok;
        }));
        return command;
    }
}
