using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LiveSmlm.Acquisition.Session;
using LiveSmlm.Core;
using LiveSmlm.IO;
using LiveSmlm.Reconstruction;

namespace LiveSmlm.Cli.Commands;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// `livesmlm drift LOCS`: estimates the drift of a localization file afterwards (ThunderSTORM CSV or
/// Picasso HDF5, ours or theirs) with the estimators the live pipeline uses: fiducial beads when the
/// file has them, else RCC. Writes drift.csv, drift.png, the corrected localizations (ThunderSTORM CSV,
/// and Picasso HDF5 for a Picasso input) and their render beside the input (or in --out), and prints a
/// JSON summary on stdout.
/// </summary>
public static class DriftCommand
{
    /// <summary>Render pixel of the corrected image, nm (coarser when the field would exceed <see cref="MaxRenderSidePx"/>).</summary>
    private const double RenderPixelNm = 10;
    private const int MaxRenderSidePx = 4096;

    public static Command Create(CliConsole console)
    {
        var locs = new Argument<FileInfo>("LOCS") { Description = "Localizations: ThunderSTORM CSV (.csv) or Picasso HDF5 (.hdf5 with its .yaml)." };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "Output folder (created if missing); default: the folder of LOCS." };
        var window = new Option<int>("--window-frames") { Description = "RCC time window, frames.", DefaultValueFactory = _ => 1000 };
        var bin = new Option<double>("--pixel-size-nm") { Description = "Bin of the RCC partial reconstructions, nm.", DefaultValueFactory = _ => 40 };
        var method = new Option<string>("--method") { Description = "auto (beads if any, else RCC) | rcc | fiducials.", DefaultValueFactory = _ => "auto" };
        var command = new Command("drift", "Estimate and correct the drift of a localization file (RCC or fiducial beads).")
        {
            locs, outDir, window, bin, method,
        };
        command.SetAction(parse => CliErrors.Guard(console, () => Run(
            console,
            parse.GetValue(locs)!.FullName,
            parse.GetValue(outDir)?.FullName,
            parse.GetValue(window),
            parse.GetValue(bin),
            parse.GetValue(method)!)));
        return command;
    }

    public static int Run(CliConsole console, string locsPath, string? outDir, int windowFrames, double binNm, string method)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (windowFrames < 1)
        {
            throw new UsageException($"--window-frames must be at least 1 frame; got {windowFrames}.");
        }

        if (!(binNm is >= 1 and <= 1000))
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--pixel-size-nm must be within [1, 1000] nm; got {binNm}."));
        }

        DriftMethod chosen = method.ToLowerInvariant() switch
        {
            "auto" => DriftMethod.Auto,
            "rcc" => DriftMethod.Rcc,
            "fiducials" => DriftMethod.Fiducials,
            _ => throw new UsageException($"--method must be auto, rcc or fiducials; got '{method}'."),
        };
        if (!File.Exists(locsPath))
        {
            throw new FileNotFoundException($"LOCS: file '{locsPath}' does not exist.", locsPath);
        }

        // A ThunderSTORM CSV is streamed (one pass for the field, one per estimator, one for the correction), so memory
        // holds what the estimators keep, not the file; a Picasso HDF5 is read whole once.
        bool picassoInput = Path.GetExtension(locsPath).ToLowerInvariant() is ".hdf5" or ".h5";
        IReadOnlyList<Localization>? whole = picassoInput ? LocalizationFiles.Read(locsPath) : null;
        IEnumerable<Localization> Read() => whole ?? ThunderStormCsvReader.Read(locsPath);

        long count = 0;
        bool is3D = false;
        foreach (Localization loc in Read())
        {
            count++;
            is3D |= loc.Has3D;
        }

        if (count == 0)
        {
            throw new InvalidDataException($"'{locsPath}' holds no localizations; drift needs some in many frames.");
        }

        (double widthNm, double heightNm) = DriftCorrection.FieldOf(Read());
        var rcc = new RccOptions { WidthNm = widthNm, HeightNm = heightNm, BinNm = binNm, BlurNm = binNm, WindowFrames = windowFrames };
        try
        {
            rcc.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"--pixel-size-nm {binNm.ToString(CultureInfo.InvariantCulture)} is too fine for this file: {ex.Message}");
        }

        string dir = outDir ?? Path.GetDirectoryName(Path.GetFullPath(locsPath))!;
        Directory.CreateDirectory(dir);
        DriftEstimate estimate = DriftCorrection.Estimate(Read, chosen, rcc, new FiducialOptions());
        DriftTrace trace = estimate.Trace;
        DriftReliability reliability = estimate.Reliability;
        var summary = new Dictionary<string, object?>
        {
            ["method"] = Name(estimate.Method),
            ["localizations"] = count,
            ["frames"] = trace.FrameCount,
            ["beads"] = estimate.Beads,
            ["windows"] = estimate.Windows,
            ["rejected_pairs"] = estimate.RejectedPairs,
            ["reliable"] = reliability.Reliable,
            ["unreliable_reason"] = reliability.Reliable ? null : reliability.Reason,
            ["advice"] = reliability.Reliable ? null : DriftReliability.Advice,
            ["pairs"] = reliability.Pairs,
            ["significant_pairs"] = reliability.SignificantPairs,
            ["pair_residual_rms_nm"] = Math.Round(reliability.ResidualRmsNm, 2),
            ["expected_pair_residual_rms_nm"] = Math.Round(reliability.ExpectedResidualRmsNm, 2),
        };
        if (!reliability.Reliable)
        {
            // No trace is invented and nothing is corrected: no drift.csv, no corrected file, no corrected render.
            console.Out.WriteLine(JsonSerializer.Serialize(summary));
            console.Err.WriteLine($"warning: the drift of {Path.GetFileName(locsPath)} ({Name(estimate.Method)}) is not reliable: {reliability.Reason}. {DriftReliability.Advice}");
            return CliErrors.Ok;
        }

        DriftCsvWriter.WriteAll(Path.Combine(dir, "drift.csv"), trace.XNm, trace.YNm);
        DriftPlot.WritePng(Path.Combine(dir, "drift.png"), trace, $"Drift of {Path.GetFileName(locsPath)} ({Name(estimate.Method)})");
        string correctedPath = Path.Combine(dir, Path.GetFileNameWithoutExtension(locsPath) + "_drift-corrected.csv");
        var info = new LocalizationSetInfo { Frames = trace.FrameCount, Is3D = is3D };

        // A Picasso file also gets a Picasso twin, with the movie's geometry from its sidecar.
        string? correctedHdf5 = null;
        var writers = new List<ILocalizationWriter>();
        try
        {
            writers.Add(new ThunderStormCsvWriter(correctedPath, info));
            if (picassoInput)
            {
                correctedHdf5 = Path.Combine(dir, Path.GetFileNameWithoutExtension(locsPath) + "_drift-corrected.hdf5");
                writers.Add(new PicassoHdf5Writer(correctedHdf5, PicassoHdf5Reader.ReadSidecarInfo(locsPath) with { Is3D = is3D }));
            }

            double renderPixelNm = Math.Max(RenderPixelNm, Math.Max(widthNm, heightNm) / MaxRenderSidePx);
            var renderer = new GaussianRenderer(new RenderSettings { PixelSizeNm = renderPixelNm, WidthNm = widthNm, HeightNm = heightNm });
            DriftCorrectedExport.Write(Read(), trace, writers, renderer);
            ImageExport.WriteRenderPng(Path.Combine(dir, "render-drift-corrected.png"), renderer.Image, renderer.Width, renderer.Height);
        }
        finally
        {
            writers.ForEach(w => w.Dispose());
        }

        double maxShift = Enumerable.Range(0, trace.FrameCount).Max(f => Math.Sqrt((trace.XNm[f] * trace.XNm[f]) + (trace.YNm[f] * trace.YNm[f])));
        summary["max_drift_nm"] = Math.Round(maxShift, 2);
        summary["drift_csv"] = Path.Combine(dir, "drift.csv");
        summary["corrected"] = correctedPath;
        summary["corrected_hdf5"] = correctedHdf5 ?? string.Empty;
        console.Out.WriteLine(JsonSerializer.Serialize(summary));
        console.Err.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"drift ({Name(estimate.Method)}) of {count} localizations over {trace.FrameCount} frames, at most {maxShift:0.0} nm → {dir}"));
        return CliErrors.Ok;
    }

    private static string Name(DriftMethod method) => method == DriftMethod.Fiducials ? "fiducials" : "rcc";
}
