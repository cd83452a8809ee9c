using LiveSmlm.Core;

namespace LiveSmlm.Localization.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The B-spline à trous filter against its kernel written out by hand, the running temporal median
/// against hand-computed medians, and the temporal mode ignoring static structure (DNA-PAINT).
/// </summary>
public class BackgroundTests
{
    private const float Centre = 6f / 16f, Inner = 4f / 16f, Outer = 1f / 16f;

    [Fact]
    public void Smooth_Impulse_GivesTheSeparableB3KernelWithHolesAtTheTapStep()
    {
        const int W = 32, H = 24;
        var image = new float[W * H];
        image[(12 * W) + 16] = 1f;
        var level1 = new float[W * H];
        var level2 = new float[W * H];
        var scratch = new float[W * H];
        BSplineWavelet.Smooth(image, level1, scratch, W, H, 1);
        BSplineWavelet.Smooth(image, level2, scratch, W, H, 2);

        Assert.Equal(Centre * Centre, level1[(12 * W) + 16], 6);
        Assert.Equal(Centre * Inner, level1[(12 * W) + 17], 6);
        Assert.Equal(Outer * Inner, level1[(13 * W) + 18], 6);
        Assert.Equal(Outer * Outer, level1[(14 * W) + 14], 6);
        Assert.Equal(0f, level1[(12 * W) + 19], 6);
        Assert.Equal(1f, level1.Sum(), 5);

        Assert.Equal(Centre * Inner, level2[(12 * W) + 18], 6);
        Assert.Equal(0f, level2[(12 * W) + 17], 6);
        Assert.Equal(Outer * Outer, level2[(8 * W) + 20], 6);
    }

    [Fact]
    public void Smooth_FlatImage_StaysFlatUpToTheBorders()
    {
        const int W = 37, H = 19; // not a multiple of any SIMD width
        float[] image = Enumerable.Repeat(7.5f, W * H).ToArray();
        var output = new float[W * H];
        BSplineWavelet.Smooth(image, output, new float[W * H], W, H, 2);
        Assert.All(output, v => Assert.Equal(7.5f, v, 5));
    }

    [Fact]
    public void TemporalMedian_IsThePerPixelMedianOfTheLastWindowFrames()
    {
        var background = new TemporalMedianBackground(pixelCount: 2, windowFrames: 3);
        var median = new float[2];
        background.Push([5f, 1f]);
        background.Median(median);
        Assert.Equal([5f, 1f], median);
        background.Push([1f, 4f]);
        background.Median(median);
        Assert.Equal([3f, 2.5f], median); // even count: mean of the middle two
        background.Push([4f, 9f]);
        background.Push([2f, 2f]); // evicts the first frame: windows {1,4,2} and {4,9,2}
        background.Median(median);
        Assert.Equal([2f, 4f], median);
    }

    [Fact]
    public void Localize_TemporalMedian_IgnoresStaticSpotsThatTheWaveletReportsEveryFrame()
    {
        const int W = 64, H = 64, Frames = 40, Window = 11;
        const double SigmaPx = 1.3;
        var rng = new Random(41);
        var staticPattern = new double[W * H];
        var staticSpots = new (double X, double Y)[] { (16.3, 16.7), (47.5, 20.2), (30.1, 45.8) };
        foreach (var (x, y) in staticSpots)
        {
            SpotImages.AddSpot(staticPattern, W, H, x, y, SigmaPx, 1500);
        }

        var blinking = FrameImages.IsolatedEmitters(rng, Frames, 4, W, H, 2000, 10)
            .Where(e => staticSpots.All(s => Math.Abs(s.X - e.XPx) > 8 || Math.Abs(s.Y - e.YPx) > 8)).ToList();
        List<Frame> frames = FrameImages.Render(rng, FrameImages.Scmos, Frames, W, H, blinking, SigmaPx, 10, staticPattern);

        var wavelet = new List<Localization>();
        new CpuLocalizer(new LocalizerSettings { Camera = FrameImages.Scmos }).Localize(frames, wavelet);
        var temporalLocalizer = new CpuLocalizer(new LocalizerSettings
        {
            Camera = FrameImages.Scmos, Background = BackgroundMode.TemporalMedian, TemporalWindowFrames = Window,
        });
        var temporal = new List<Localization>();
        temporalLocalizer.Localize(frames.Take(15).ToList(), temporal);
        temporalLocalizer.Localize(frames.Skip(15).ToList(), temporal); // history carries across batches

        bool OnStatic(Localization l) => staticSpots.Any(s => Math.Abs((l.XNm / 100) - s.X) < 2 && Math.Abs((l.YNm / 100) - s.Y) < 2);
        var settled = temporal.Where(l => l.Frame >= Window).ToList();
        var settledTruth = blinking.Where(e => e.Frame >= Window).ToList();
        Assert.True(wavelet.Count(OnStatic) >= Frames * staticSpots.Length * 0.9, "the wavelet alone reports the static spots");
        Assert.DoesNotContain(settled, OnStatic);
        int matched = FrameImages.Match(settledTruth, settled, 100, 1.5).Count;
        Assert.True(matched >= 0.95 * settledTruth.Count, $"{matched} of {settledTruth.Count} blinking emitters found");
        Assert.True(matched >= 0.95 * settled.Count, $"{settled.Count - matched} of {settled.Count} false positives");
    }
}
