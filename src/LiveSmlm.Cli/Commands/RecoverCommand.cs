using System.CommandLine;
using System.Globalization;
using LiveSmlm.Acquisition.Session;

namespace LiveSmlm.Cli.Commands;

/// <summary>
/// `livesmlm recover DIR`: after a crash (kill -9) during `acquire`, makes raw.ome.tif readable up to its
/// last completed frame and builds locs.hdf5 + locs.yaml from the batches that were flushed.
/// </summary>
public static class RecoverCommand
{
    public static Command Create(CliConsole console)
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = "The --out folder of an acquisition that did not finish." };
        var command = new Command("recover", "Repair an acquisition folder left by a crash: raw file up to its last whole frame, localization files from what was flushed.") { dir };
        command.SetAction(parse => CliErrors.Guard(console, () =>
        {
            string path = parse.GetValue(dir)!.FullName;
            RecoveryReport report = AcquisitionRecovery.Recover(path);
            string locs = report.Localizations < 0 ? "no HDF5 spill (locs.hdf5 was already complete or never started)" : $"{report.Localizations} localizations into locs.hdf5";
            console.Err.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"recovered {path}: {report.RawFrames} whole frames in raw.ome.tif ({report.RawBytesRemoved} bytes of a partial frame removed{(report.RawCountPatched ? ", frame count fixed" : string.Empty)}); {locs}"));
            return CliErrors.Ok;
        }));
        return command;
    }
}
