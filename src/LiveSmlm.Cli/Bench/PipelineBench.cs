using System.Globalization;
using LiveSmlm.Acquisition.Analysis;
using LiveSmlm.Acquisition.Recording;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Localization;

namespace LiveSmlm.Cli.Bench;

/// <summary>
/// `bench --pipeline`: runs the analyze data plane on a stack (or on one simulated from a profile) and
/// shows where the time goes: each stage's share of the busy thread time, per frame and per
/// localization, next to the frames/s, the cores kept busy and the fits/s of the same engine measured
/// in the same run.
/// </summary>
public static class PipelineBench
{
    public sealed record Report(RunSummary Summary, double BenchFitsPerSecond, string Stack, string Profile);

    /// <summary>
    /// Analyzes <paramref name="stack"/> (or, when null, <paramref name="frames"/> frames simulated from the
    /// profile with seed 7, as scripts/demo.sh does) into a temporary folder, deleted afterwards.
    /// </summary>
    public static Report Run(string profilePath, string? stack, long frames, string engine, Func<double> benchFits)
    {
        HardwareProfile profile = HardwareProfile.Load(profilePath);
        // A folder of its own per run: two runs in one process (the tests) must not share it.
        string work = Directory.CreateTempSubdirectory("livesmlm-bench-pipeline-").FullName;
        try
        {
            if (stack is null)
            {
                SimulatedAcquisition.Record(profile.ToSimulationSettings(), frames, seed: 7, work);
                stack = Path.Combine(work, SimulatedAcquisition.RawFileName);
            }

            var request = new AnalysisRequest
            {
                StackPath = stack,
                OutDir = Path.Combine(work, "analysis"),
                Localizer = new LocalizerSettings { Camera = profile.ToCameraModel(), PsfSigmaNm = profile.Optics.ToOpticsSettings().SigmaNm },
                Engine = engine,
            };
            RunSummary summary = StackAnalysis.Run(request);
            return new Report(summary, benchFits(), stack, profilePath);
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static string Groups(RunSummary s) => s.GroupsByEmitters is { } g
        ? string.Join(", ", g.Select(kv => string.Create(CultureInfo.InvariantCulture, $"n={kv.Key}: {kv.Value}")))
        : "n/a";

    /// <summary>The stage table as Markdown (docs/performance.md keeps these).</summary>
    public static IEnumerable<string> Table(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        RunSummary s = report.Summary;
        double busy = s.StageSeconds.Where(kv => !IsWait(kv.Key)).Sum(kv => kv.Value);
        yield return string.Create(CultureInfo.InvariantCulture, $"engine {s.Engine} ({s.Device}) on {s.Machine}");
        yield return string.Create(CultureInfo.InvariantCulture, $"stack {report.Stack}: {s.Frames} frames {s.WidthPx}×{s.HeightPx}, {s.Localizations} localizations ({s.Localizations / (double)Math.Max(1, s.Frames):F1}/frame)");
        yield return string.Create(CultureInfo.InvariantCulture, $"{s.FramesPerSecond:F1} frames/s, {s.LocalizationsPerSecond:F0} localizations/s, {s.CoresUsed:F2} cores busy (process CPU / wall), {s.Seconds:F2} s");
        yield return string.Create(CultureInfo.InvariantCulture, $"bench fits/s of the same engine, same run: {report.BenchFitsPerSecond:F0}; localizations/s ÷ fits/s = {s.LocalizationsPerSecond / Math.Max(report.BenchFitsPerSecond, 1):P1}");
        yield return string.Create(CultureInfo.InvariantCulture, $"multi-emitter fits: {s.MultiEmitterFitsAttempted} attempted for {s.FitsAttempted} single fits, {s.MultiEmitterFitsAccepted} groups accepted; ROIs by emitters {Groups(s)}; {s.EmittersFromResidual} emitters added from residuals");
        yield return "";
        yield return "| stage | thread s | share of busy time | µs / frame | µs / localization |";
        yield return "| --- | --- | --- | --- | --- |";
        foreach ((string name, double seconds) in s.StageSeconds.OrderBy(kv => IsWait(kv.Key)).ThenByDescending(kv => kv.Value))
        {
            string share = IsWait(name) ? "(wait)" : string.Create(CultureInfo.InvariantCulture, $"{100 * seconds / Math.Max(busy, 1e-12):F1} %");
            yield return string.Create(
                CultureInfo.InvariantCulture,
                $"| {name} | {seconds:F3} | {share} | {1e6 * seconds / Math.Max(1, s.Frames):F1} | {1e6 * seconds / Math.Max(1, s.Localizations):F2} |");
        }
    }

    private static bool IsWait(string stage) => stage.Contains("wait", StringComparison.Ordinal);
}
