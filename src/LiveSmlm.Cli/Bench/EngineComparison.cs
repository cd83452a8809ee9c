using LiveSmlm.Core;
using LiveSmlm.Localization;

namespace LiveSmlm.Cli.Bench;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// Checks an engine against the CPU engine on the same frames: same count, positions within 1e-3 px,
/// photons within 0.1 % (the GPU issue's equivalence criteria), z within 0.1 nm in 3D (the 3D fit's convergence
/// tolerance in z, Emitter3D.Tolerance). Runs where `dotnet test` cannot: a
/// published `livesmlm` on a GPU machine with CUDA and no .NET.
/// </summary>
public static class EngineComparison
{
    public const double MaxPositionDifferencePx = 1e-3;
    public const double MaxPhotonRelativeDifference = 1e-3;

    public const double MaxZDifferenceNm = 0.1;

    public sealed record Result(
        string Engine,
        string Device,
        int Frames,
        int FrameWidth,
        int EmittersPerFrame,
        long CpuLocalizations,
        long EngineLocalizations,
        long Matched,
        double MaxPositionDifferencePx,
        double MaxPhotonRelativeDifference,
        bool Equivalent,
        double? MaxZDifferenceNm = null);

    public static Result Run(ILocalizer engine, LocalizerSettings settings, int frameCount, int side, int emitters)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Frame[] frames = BenchData.Frames(frameCount, side, side, emitters, seed: 13);
        var reference = new List<Localization>();
        new CpuLocalizer(settings).Localize(frames, reference);
        var candidate = new List<Localization>();
        engine.Localize(frames, candidate);

        double pixelNm = settings.Camera.PixelSizeNm;
        double maxDxPx = 0;
        double maxPhotons = 0;
        double maxZ = 0;
        long matched = 0;
        foreach (var group in reference.GroupBy(l => l.Frame))
        {
            var others = candidate.Where(l => l.Frame == group.Key).ToList();
            var used = new bool[others.Count];
            foreach (Localization a in group)
            {
                int best = -1;
                double bestD = double.MaxValue;
                for (int j = 0; j < others.Count; j++)
                {
                    double d = Math.Max(Math.Abs(a.XNm - others[j].XNm), Math.Abs(a.YNm - others[j].YNm)) / pixelNm;
                    if (!used[j] && d < bestD)
                    {
                        bestD = d;
                        best = j;
                    }
                }

                // Half a pixel: anything further is a different localization, not a numerical difference.
                if (best < 0 || bestD > 0.5)
                {
                    continue;
                }

                used[best] = true;
                matched++;
                maxDxPx = Math.Max(maxDxPx, bestD);
                maxPhotons = Math.Max(maxPhotons, Math.Abs(a.Photons - others[best].Photons) / Math.Max(Math.Abs(a.Photons), 1e-9));
                if (settings.Is3D)
                {
                    // A z on one side only is as different as can be.
                    double dz = Math.Abs(a.ZNm - others[best].ZNm);
                    maxZ = Math.Max(maxZ, double.IsNaN(dz) ? double.PositiveInfinity : dz);
                }
            }
        }

        bool equivalent = reference.Count == candidate.Count && matched == reference.Count
            && maxDxPx <= MaxPositionDifferencePx && maxPhotons <= MaxPhotonRelativeDifference && maxZ <= MaxZDifferenceNm;
        return new Result(engine.Info.Name, engine.Info.Device, frameCount, side, emitters, reference.Count, candidate.Count, matched, maxDxPx, maxPhotons, equivalent,
            settings.Is3D ? maxZ : null);
    }
}
