using System.CommandLine;
using LiveSmlm.Acquisition.Analysis;
using LiveSmlm.Localization;

namespace LiveSmlm.Cli;

/// <summary>`--calibration FILE [--psf spline|gauss3d]`: the 3D options of analyze and live, read and checked once.</summary>
public static class CliCalibration
{
    public static Option<FileInfo?> CalibrationOption() => new("--calibration")
    {
        Description = "3D calibration (calib.json from calibrate-3d, or a Picasso 3D calibration .yaml): fit x, y, z, photons, background; z and its uncertainty go to every output.",
    };

    public static Option<string?> PsfOption()
    {
        var psf = new Option<string?>("--psf") { Description = "3D PSF model with --calibration: spline (the measured PSF, Li et al. 2018; default when the calibration holds one) or gauss3d (astigmatic Gaussian, Huang et al. 2008)." };
        psf.AcceptOnlyFromAmong("spline", "gauss3d");
        return psf;
    }

    /// <summary>The calibration and model asked for (null for 2D); usage errors for a spline the file lacks or a --psf without --calibration.</summary>
    public static (PsfCalibration3D? Calibration, Psf3DModel Psf) Resolve(FileInfo? calibrationFile, string? psf, double pixelSizeNm)
    {
        if (calibrationFile is null)
        {
            return psf is null ? (null, Psf3DModel.Gauss3D) : throw new UsageException($"--psf {psf} needs --calibration (a 3D calibration from calibrate-3d).");
        }

        PsfCalibration3D c = BeadStackCalibration.Load(calibrationFile.FullName, pixelSizeNm);
        string name = psf ?? (c.Spline is null ? "gauss3d" : "spline");
        if (name == "spline" && c.Spline is null)
        {
            throw new UsageException($"--psf spline: '{calibrationFile.FullName}' holds no spline PSF (a Picasso calibration has only the curves); use --psf gauss3d.");
        }

        return (c, name == "spline" ? Psf3DModel.Spline : Psf3DModel.Gauss3D);
    }
}
