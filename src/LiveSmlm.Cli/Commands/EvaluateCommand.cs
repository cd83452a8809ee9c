using System.CommandLine;
using System.Globalization;
using LiveSmlm.Core;
using LiveSmlm.IO;
using LiveSmlm.Reconstruction;

namespace LiveSmlm.Cli.Commands;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// `livesmlm evaluate --locs FILE --truth FILE`: SMLM Challenge 2016 metrics (Sage et al. 2019) from an
/// optimal per-frame assignment within a radius; prints one JSON object on stdout.
/// </summary>
public static class EvaluateCommand
{
    public static Command Create(CliConsole console)
    {
        var locs = new Option<FileInfo>("--locs") { Description = "Localizations: ThunderSTORM CSV or Picasso HDF5.", Required = true };
        var truth = new Option<FileInfo>("--truth") { Description = "Ground truth: ground-truth.csv, ThunderSTORM CSV or Picasso HDF5.", Required = true };
        var radius = new Option<double>("--radius-nm") { Description = "Lateral matching radius, nm (250 in the challenge).", DefaultValueFactory = _ => 250 };
        var axial = new Option<double?>("--axial-radius-nm") { Description = "Axial matching radius, nm (3D only; none by default)." };
        var command = new Command("evaluate", "Compare localizations with ground truth: Jaccard, recall, precision, RMSE, efficiency.")
        {
            locs, truth, radius, axial,
        };
        command.SetAction(parse => CliErrors.Guard(console, () =>
        {
            double r = parse.GetValue(radius);
            if (!(r > 0 && r <= 10_000))
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--radius-nm must be within (0, 10000] nm; got {r}."));
            }

            double? a = parse.GetValue(axial);
            if (a is { } av && !(av > 0))
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--axial-radius-nm must be positive; got {av}."));
            }

            IReadOnlyList<Localization> found = LocalizationFiles.Read(RequireFile(parse.GetValue(locs)!, "--locs"));
            IReadOnlyList<GroundTruthEmitter> expected = ReadTruth(RequireFile(parse.GetValue(truth)!, "--truth"));
            EvaluationResult result = LocalizationMatcher.Evaluate(found, expected, r, a);
            console.Out.WriteLine(result.ToJson());
            return CliErrors.Ok;
        }));
        return command;
    }

    private static string RequireFile(FileInfo file, string option)
    {
        if (!file.Exists)
        {
            throw new FileNotFoundException($"{option}: file '{file.FullName}' does not exist.", file.FullName);
        }

        return file.FullName;
    }

    /// <summary>Ground truth from our simulator's CSV, any ThunderSTORM CSV, or a Picasso HDF5 file.</summary>
    private static List<GroundTruthEmitter> ReadTruth(string path)
    {
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return GroundTruthCsvReader.Read(path).ToList();
        }

        var list = new List<GroundTruthEmitter>();
        long id = 1;
        foreach (Localization loc in LocalizationFiles.Read(path))
        {
            list.Add(new GroundTruthEmitter(id++, loc.Frame, loc.XNm, loc.YNm, loc.ZNm, loc.Photons));
        }

        return list;
    }
}
