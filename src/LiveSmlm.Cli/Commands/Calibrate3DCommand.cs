using System.CommandLine;
using System.Globalization;
using LiveSmlm.Acquisition.Analysis;
using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Localization;

namespace LiveSmlm.Cli.Commands;

/// <summary>
/// `livesmlm calibrate-3d --stack BEADS.tif --z-step-nm S --out calib.json`: makes a 3D calibration from a bead
/// z-stack (astigmatic curves, cubic-spline PSF, usable range, quality), with the plot and Picasso's YAML beside it.
/// </summary>
public static class Calibrate3DCommand
{
    public static Command Create(CliConsole console)
    {
        var stack = new Option<FileInfo>("--stack") { Description = "Bead z-stack: .tif/.ome.tif, .dax or Picasso .raw; slice k at stage z = k × --z-step-nm.", Required = true };
        var step = new Option<double>("--z-step-nm") { Description = "Stage step between slices, nm.", Required = true };
        var profile = new Option<FileInfo?>("--profile") { Description = "Hardware profile whose camera took the stack." };
        var cameraOptions = new CameraOptions();
        var window = new Option<int>("--window-px") { Description = "Bead window (odd, px): the per-slice fit ROI and the spline's extent; the 3D fit ROI is 2 px smaller.", DefaultValueFactory = _ => new BeadCalibrationOptions().WindowPx };
        var saturation = new Option<int>("--saturation-adu") { Description = "ADU at which the camera saturates; beads reaching it are excluded.", DefaultValueFactory = _ => ushort.MaxValue };
        var outPath = new Option<FileInfo>("--out") { Description = "Calibration JSON to write; NAME.png (widths against z) and NAME.picasso.yaml go beside it.", Required = true };
        var command = new Command("calibrate-3d", "Make a 3D (astigmatic) calibration from a bead z-stack.") { stack, step, profile, window, saturation, outPath };
        cameraOptions.AddTo(command);
        command.SetAction(parse => CliErrors.Guard(console, () =>
        {
            string stackPath = parse.GetValue(stack)!.FullName;
            if (!File.Exists(stackPath))
            {
                throw new FileNotFoundException($"Stack '{stackPath}' does not exist.", stackPath);
            }

            HardwareProfile? rig = parse.GetValue(profile) is { } p ? HardwareProfile.Load(p.FullName) : null;
            CameraModel camera = cameraOptions.Apply(parse, rig?.ToCameraModel() ?? new CameraModel());
            string output = parse.GetValue(outPath)!.FullName;
            if (Directory.Exists(output))
            {
                throw new UsageException($"--out: '{output}' is a folder; give the calibration file to write (e.g. calib.json).");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            var request = new BeadCalibrationRequest
            {
                StackPath = stackPath,
                ZStepNm = parse.GetValue(step),
                Camera = camera,
                OutPath = output,
                Options = new BeadCalibrationOptions { WindowPx = parse.GetValue(window) },
                SaturationAdu = parse.GetValue(saturation),
            };
            BeadCalibrationResult result = BeadStackCalibration.Run(request);
            foreach (string message in result.Messages)
            {
                console.Err.WriteLine(message);
            }

            PsfCalibration3D c = result.Calibration;
            CalibrationQuality q = c.Quality;
            console.Err.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{q.BeadsUsed} of {q.BeadsFound} beads, usable z [{c.ZMinNm:F0}, {c.ZMaxNm:F0}] nm, width residuals {q.ResidualXNm:F1} / {q.ResidualYNm:F1} nm, own beads' z RMS gauss3d {q.SelfZRmsGauss3DNm:F1} nm, spline {q.SelfZRmsSplineNm:F1} nm → {output}"));
            return CliErrors.Ok;
        }));
        return command;
    }
}
