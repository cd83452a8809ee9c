using LiveSmlm.Core;
using Xunit.Abstractions;

namespace LiveSmlm.Localization.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The second detection pass on the residual image (<see cref="LocalizerSettings.ResidualDetection"/>):
/// a dim emitter 3.5 px from one four times brighter (σ 1 px, 25 background photons/px, sCMOS: the
/// storm profile's optics) often has no W2 maximum of its own (the bright spot's negative ring eats it),
/// so the single pass misses it; against the drawn truth the residual pass finds it, and on isolated
/// bright emitters (whose fits' model mismatch is all the residual holds) it adds no false positives.
/// (Measured when written: 3 px apart the single pass already finds 98 %, 2.5 px 100 %: the joint fit.)
/// </summary>
public class ResidualDetectionTests(ITestOutputHelper log)
{
    private const double SigmaPx = 1.0;
    private const double PixelNm = 100;
    private const double Bright = 4000;
    private const double Dim = 1000;
    private const double Background = 25;
    private const double SeparationPx = 3.5;
    private const int Size = 96;
    private const int Grid = 4;     // 4 × 4 pairs per frame, 24 px apart
    private const int Frames = 8;   // 128 pairs

    [Fact]
    public void Localize_DimEmitterThreeAndAHalfPixelsFromABrighterOne_IsFoundOnlyByTheResidualPass()
    {
        var rng = new Random(1313);
        var bright = new List<TrueEmitter>();
        var dim = new List<TrueEmitter>();
        for (int f = 0; f < Frames; f++)
        {
            for (int gy = 0; gy < Grid; gy++)
            {
                for (int gx = 0; gx < Grid; gx++)
                {
                    double cx = 12 + (24 * gx) + rng.NextDouble(), cy = 12 + (24 * gy) + rng.NextDouble(), angle = rng.NextDouble() * 2 * Math.PI;
                    bright.Add(new TrueEmitter(f, cx, cy, Bright));
                    dim.Add(new TrueEmitter(f, cx + (SeparationPx * Math.Cos(angle)), cy + (SeparationPx * Math.Sin(angle)), Dim));
                }
            }
        }

        List<Frame> frames = FrameImages.Render(rng, FrameImages.Scmos, Frames, Size, Size, [.. bright, .. dim], SigmaPx, Background);
        (double brightOff, double dimOff, int countOff) = Recall(frames, bright, dim, residual: false);
        (double brightOn, double dimOn, int countOn) = Recall(frames, bright, dim, residual: true);
        log.WriteLine($"{dim.Count} pairs 3.5 px apart, 4:1: single pass recall bright {brightOff:F3} dim {dimOff:F3} ({countOff} localizations); with the residual pass bright {brightOn:F3} dim {dimOn:F3} ({countOn})");

        Assert.True(dimOff < 0.85, $"The single pass already finds {dimOff:P0} of the dim emitters; the test's pairs do not hide them.");
        Assert.True(dimOn >= 0.95, $"With the residual pass only {dimOn:P0} of the dim emitters 3.5 px from a 4× brighter one were found (want ≥ 95 %).");
        Assert.True(brightOn >= 0.97, $"With the residual pass only {brightOn:P0} of the bright emitters were found (want ≥ 97 %).");
        Assert.True(countOn <= 2 * dim.Count * 1.02, $"{countOn} localizations for {2 * dim.Count} emitters: the residual pass adds false positives.");
    }

    [Fact]
    public void Localize_IsolatedBrightEmitters_GainNoResidualDetections()
    {
        var rng = new Random(1314);
        List<TrueEmitter> truth = FrameImages.IsolatedEmitters(rng, 20, 16, Size, Size, 5000, minSeparationPx: 12);
        List<Frame> frames = FrameImages.Render(rng, FrameImages.Scmos, 20, Size, Size, truth, SigmaPx, Background);
        Assert.False(new CpuLocalizer(new LocalizerSettings { Camera = FrameImages.Scmos }).Info.Has(EngineCapabilities.ResidualDetection), "The residual pass is off by default.");
        Assert.True(new CpuLocalizer(new LocalizerSettings { Camera = FrameImages.Scmos, ResidualDetection = true }).Info.Has(EngineCapabilities.ResidualDetection));
        var localizer = new CpuLocalizer(new LocalizerSettings { Camera = FrameImages.Scmos, PsfSigmaNm = SigmaPx * PixelNm });
        var found = new List<Localization>();
        localizer.Localize(frames, found);
        int matched = FrameImages.Match(truth, found, PixelNm, radiusPx: 1.0).Count;
        log.WriteLine($"{truth.Count} isolated 5000-photon emitters: {found.Count} localizations, {matched} matched within 1 px");
        Assert.Equal(truth.Count, matched);
        Assert.True(found.Count <= truth.Count * 1.005, $"{found.Count} localizations for {truth.Count} isolated emitters: the residual of bright fits passed for new emitters.");
    }

    private static (double Bright, double Dim, int Count) Recall(List<Frame> frames, List<TrueEmitter> bright, List<TrueEmitter> dim, bool residual)
    {
        var localizer = new CpuLocalizer(new LocalizerSettings { Camera = FrameImages.Scmos, PsfSigmaNm = SigmaPx * PixelNm, ResidualDetection = residual });
        var found = new List<Localization>();
        localizer.Localize(frames, found);

        // One-to-one within 1 σ, the bright ones first (they are matched by any engine).
        var pairs = FrameImages.Match([.. bright, .. dim], found, PixelNm, SigmaPx);
        int brightFound = pairs.Count(p => p.Truth.Photons == Bright), dimFound = pairs.Count(p => p.Truth.Photons == Dim);
        return (brightFound / (double)bright.Count, dimFound / (double)dim.Count, found.Count);
    }
}
