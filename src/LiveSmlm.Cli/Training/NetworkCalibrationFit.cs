using System.Globalization;
using System.Runtime.InteropServices;
using LiveSmlm.Core;
using LiveSmlm.Localization;
using LiveSmlm.Localization.Network;
using LiveSmlm.Reconstruction;
using LiveSmlm.Simulation;

namespace LiveSmlm.Cli.Training;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// Fits a model's <see cref="NetworkCalibration"/> on held-out simulated stacks: uniform samples of the
/// profile's rig at several densities (its own seed, not the training data's nor the accuracy
/// benchmark's), run through the engine with the raw network σ, matched to the simulator's truth as
/// `evaluate` does (250 nm, one-to-one), and binned by the local density of detections and σ. Each cell's
/// factor is the root mean square of error/σ over both axes, so the calibrated normalised error is 1 on
/// the fit data by construction; it is checked on other seeds (the accuracy benchmark, the tests).
/// </summary>
public static class NetworkCalibrationFit
{
    /// <summary>Densities (active emitters per µm²) of the fit stacks: the range the engine is used at.</summary>
    public static IReadOnlyList<double> Densities { get; } = [0.25, 0.5, 1, 2, 3, 4, 6];

    /// <summary>Half-width of the square the other detections are counted in, nm.</summary>
    public const double HalfWindowNm = 1000;

    private static readonly double[] DensityEdges = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 8];

    /// <summary>A cell with fewer pairs takes its row's factor (or the row below's).</summary>
    private const int MinPairs = 40;

    /// <summary>What the fit saw: the pairs and the normalised-error RMS per density before and after (on the fit data).</summary>
    public sealed record Report(long Pairs, IReadOnlyList<(double Density, long Pairs, double Before, double After)> PerDensity);

    /// <summary>Decoding thresholds tried (raw p, 3×3 sum of p); the one with the best mean Jaccard over the fit stacks is kept.</summary>
    public static IReadOnlyList<DecodeOptions> ThresholdCandidates { get; } =
        [.. new[] { 0.01f, 0.02f, 0.03f, 0.05f, 0.1f }.SelectMany(raw => new[] { 0.02f, 0.05f, 0.1f, 0.15f, 0.25f }.Where(sum => sum >= raw).Select(sum => new DecodeOptions(raw, sum)))];

    /// <summary>Jaccard the chosen thresholds may give up against the best pair for being more conservative.</summary>
    public const double JaccardTolerance = 0.005;

    /// <summary>Frames per stack the thresholds are chosen on (the first ones; the σ fit uses them all).</summary>
    private const int ThresholdFrames = 60;

    private sealed record Stack(int DensityIndex, int Settle, List<Frame> Batch, List<GroundTruthEmitter> Truth);

    /// <summary>
    /// Chooses the decoding thresholds of <paramref name="modelPath"/> (best mean Jaccard over the stacks)
    /// and fits its calibration for them, for <paramref name="settings"/> (the profile's simulation) and its camera.
    /// </summary>
    public static (NetworkCalibration Calibration, DecodeOptions Thresholds, Report Report) Fit(string modelPath, SimulationSettings settings, CameraModel camera, ulong seed, int side, int frames)
    {
        ArgumentNullException.ThrowIfNull(settings);
        SimulationSettings sized = settings with { Camera = settings.Camera with { WidthPx = side, HeightPx = side } };
        var localizer = new LocalizerSettings { Camera = camera, PsfSigmaNm = settings.Optics.SigmaNm, ModelPath = modelPath };
        double sideNm = side * camera.PixelSizeNm;
        List<Stack> stacks = [.. Enumerable.Range(0, Densities.Count).Select(k => Simulate(sized, k, seed + (ulong)k, frames))];

        var scores = new List<(DecodeOptions Options, double Jaccard)>();
        foreach (DecodeOptions candidate in ThresholdCandidates)
        {
            using NetworkLocalizer engine = NetworkEngine.Create(localizer, candidate, uncalibrated: true);
            double jaccard = stacks.Average(stack =>
            {
                int last = stack.Settle + Math.Min(frames, ThresholdFrames);
                List<Localization> locs = Localize(engine, stack.Batch.Where(f => f.Index < last).ToList(), stack.Settle);
                return LocalizationMatcher.Evaluate(locs, stack.Truth.Where(e => e.Frame < last).ToList()).Jaccard;
            });
            scores.Add((candidate, jaccard));
        }

        // The most conservative pair (highest raw, then sum threshold) within JaccardTolerance of the best:
        // lower thresholds that buy almost nothing on the simulator's data only add false positives on
        // data that differ from it.
        double top = scores.Max(c => c.Jaccard);
        (DecodeOptions best, double bestJaccard) = scores
            .Where(c => !(c.Jaccard < top - JaccardTolerance))
            .OrderByDescending(c => c.Options.RawThreshold).ThenByDescending(c => c.Options.Threshold)
            .DefaultIfEmpty(scores[0])
            .First();

        using NetworkLocalizer chosen = NetworkEngine.Create(localizer, best, uncalibrated: true);
        var pairs = new List<(int Density, float Rho, float Sigma, double Z2)>();
        foreach (Stack stack in stacks)
        {
            int k = stack.DensityIndex;
            List<Localization> locs = Localize(chosen, stack.Batch, stack.Settle);
            List<GroundTruthEmitter> truth = stack.Truth;
            float[] rho = LocalDensities(locs, sideNm);
            foreach (LocalizationMatch m in LocalizationMatcher.Match(locs, truth))
            {
                Localization l = locs[m.LocalizationIndex];
                GroundTruthEmitter e = truth[m.TruthIndex];
                double zx = (l.XNm - e.XNm) / l.UncertaintyXNm;
                double zy = (l.YNm - e.YNm) / l.UncertaintyYNm;
                pairs.Add((k, rho[m.LocalizationIndex], 0.5f * (l.UncertaintyXNm + l.UncertaintyYNm), 0.5 * ((zx * zx) + (zy * zy))));
            }
        }

        if (pairs.Count < MinPairs)
        {
            // A model that finds (almost) nothing: no evidence to scale by; leave σ as the network gives it.
            var none = new NetworkCalibration
            {
                HalfWindowNm = HalfWindowNm, DensityEdges = [0], SigmaEdgesNm = [0], Factors = [[1.0]],
                Fit = $"{pairs.Count} matched pairs: too few to fit (factor 1)",
            };
            return (none, best, new Report(pairs.Count, []));
        }

        float[] sigmas = pairs.Select(p => p.Sigma).Order().ToArray();
        double[] sigmaEdges = [0, .. new[] { 0.25, 0.5, 0.75 }.Select(q => Math.Round(sigmas[(int)(q * (sigmas.Length - 1))], 2)).Distinct()];
        var factors = new double[DensityEdges.Length][];
        double[] previous = [.. Enumerable.Repeat(1.0, sigmaEdges.Length)];
        for (int i = 0; i < DensityEdges.Length; i++)
        {
            var row = pairs.Where(p => NetworkCalibration.Bin(DensityEdges, p.Rho) == i).ToList();
            double rowFactor = row.Count >= MinPairs ? Math.Sqrt(row.Average(p => p.Z2)) : double.NaN;
            factors[i] = new double[sigmaEdges.Length];
            for (int j = 0; j < sigmaEdges.Length; j++)
            {
                var cell = row.Where(p => NetworkCalibration.Bin(sigmaEdges, p.Sigma) == j).ToList();
                factors[i][j] = Math.Round(cell.Count >= MinPairs ? Math.Sqrt(cell.Average(p => p.Z2)) : double.IsFinite(rowFactor) ? rowFactor : previous[j], 3);
            }

            previous = factors[i];
        }

        var calibration = new NetworkCalibration { HalfWindowNm = HalfWindowNm, DensityEdges = DensityEdges, SigmaEdgesNm = sigmaEdges, Factors = factors };
        var perDensity = new List<(double, long, double, double)>();
        for (int k = 0; k < Densities.Count; k++)
        {
            var at = pairs.Where(p => p.Density == k).ToList();
            double before = at.Count > 0 ? Math.Sqrt(at.Average(p => p.Z2)) : double.NaN;
            double after = at.Count > 0 ? Math.Sqrt(at.Average(p => p.Z2 / Math.Pow(calibration.Factor(p.Rho, p.Sigma), 2))) : double.NaN;
            perDensity.Add((Densities[k], at.Count, before, after));
        }

        string head = string.Create(CultureInfo.InvariantCulture, $"seed {seed}, {side}×{side} px, {frames} frames at each of {string.Join('/', Densities)} per µm² (after settling); thresholds raw p {best.RawThreshold}, 3×3 sum {best.Threshold} (mean Jaccard {bestJaccard:F3} over the stacks' first {ThresholdFrames} frames; the best of {ThresholdCandidates.Count} pairs {top:F3}, the most conservative within {JaccardTolerance} of it kept); {pairs.Count} matched pairs (250 nm); normalised-error RMS before → after on these data: ");
        string fit = head + string.Join(", ", perDensity.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Item1}: {p.Item3:F2} → {p.Item4:F2}")));
        return (calibration with { Fit = fit }, best, new Report(pairs.Count, perDensity));
    }

    private static Stack Simulate(SimulationSettings sized, int k, ulong seed, int frames)
    {
        SimulationSettings s = UniformDensity.At(sized, Densities[k]);
        int settle = UniformDensity.SettlingFrames(sized, Densities[k]);
        using var sim = new SimulatedCamera(s, seed, frameLimit: settle + frames);
        var truth = new List<GroundTruthEmitter>();
        var batch = new List<Frame>();
        for (int f = 0; f < settle + frames; f++)
        {
            var frame = new Frame(sim.Width, sim.Height);
            if (!sim.TryReadNext(frame))
            {
                throw new InvalidOperationException($"the simulator stopped at frame {f} of {settle + frames}.");
            }

            if (f >= settle - 2)
            {
                batch.Add(frame);
                if (f >= settle)
                {
                    truth.AddRange(sim.LastFrameTruth);
                }
            }
        }

        return new Stack(k, settle, batch, truth);
    }

    // The stack through the engine; the lead-in frames before settle are only history.
    private static List<Localization> Localize(NetworkLocalizer engine, List<Frame> batch, int settle)
    {
        var output = new List<Localization>();
        engine.Localize(batch, output);
        return output.Where(l => l.Frame >= settle).ToList();
    }

    // The local density of each localization, frame by frame (the engine's output: frames in order, each sorted by x).
    private static float[] LocalDensities(List<Localization> locs, double sideNm)
    {
        var rho = new float[locs.Count];
        Span<Localization> all = CollectionsMarshal.AsSpan(locs);
        int start = 0;
        while (start < all.Length)
        {
            int end = start;
            while (end < all.Length && all[end].Frame == all[start].Frame)
            {
                end++;
            }

            NetworkCalibration.LocalDensity(all[start..end], sideNm, sideNm, HalfWindowNm, rho.AsSpan(start, end - start));
            start = end;
        }

        return rho;
    }
}
