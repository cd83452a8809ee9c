using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction.Tests;

/// <summary>
/// The renderer against the pixel-integrated Gaussian written out here independently (Simpson's rule
/// on the normal density, not erf) and against the pixel-corner coordinate convention.
/// </summary>
public sealed class GaussianRendererTests
{
    private static RenderSettings Field(double sizeNm, double? fixedSigmaNm = null) => new()
    {
        PixelSizeNm = 10,
        WidthNm = sizeNm,
        HeightNm = sizeNm,
        FixedSigmaNm = fixedSigmaNm,
    };

    [Fact]
    public void Add_OneLocalization_IntegratesToOne()
    {
        var renderer = new GaussianRenderer(Field(400, fixedSigmaNm: 12));
        renderer.Add([Localization.Create(0, 203.7f, 188.2f, 1000)]);

        double total = renderer.Image.Sum(v => (double)v);
        Assert.Equal(1.0, total, 5);
        Assert.Equal(1, renderer.RenderedCount);
    }

    [Fact]
    public void Add_LocalizationAt15Nm_PeaksInPixelOneOne()
    {
        // Pixel-corner origin: pixel (1, 1) covers [10, 20) × [10, 20) nm, so 15 nm is its centre.
        var renderer = new GaussianRenderer(Field(50, fixedSigmaNm: 10));
        renderer.Add([Localization.Create(0, 15f, 15f, 1000)]);

        int argMax = Array.IndexOf(renderer.Image, renderer.Image.Max());
        Assert.Equal(5, renderer.Width);
        Assert.Equal((1, 1), (argMax % renderer.Width, argMax / renderer.Width));

        // At a pixel centre the splat is symmetric: the four side neighbours are equal.
        float[] im = renderer.Image;
        int w = renderer.Width;
        Assert.Equal(im[(1 * w) + 0], im[(1 * w) + 2], 6);
        Assert.Equal(im[(0 * w) + 1], im[(2 * w) + 1], 6);
        Assert.Equal(im[(1 * w) + 0], im[(0 * w) + 1], 6);
    }

    [Fact]
    public void Add_PixelValues_EqualIntegralOfNormalDensityOverPixel()
    {
        const double sigma = 14;
        const double x = 123.4;
        const double y = 98.7;
        const double p = 10;
        var renderer = new GaussianRenderer(Field(300, fixedSigmaNm: sigma));
        renderer.Add([Localization.Create(0, (float)x, (float)y, 1)]);

        // The Gaussian truncated to c ± 3σ, renormalised to unit mass (documented behaviour).
        double lowX = x - (3 * sigma), highX = x + (3 * sigma), lowY = y - (3 * sigma), highY = y + (3 * sigma);
        double massX = Simpson(x, sigma, lowX, highX);
        double massY = Simpson(y, sigma, lowY, highY);
        for (int j = 0; j < renderer.Height; j++)
        {
            for (int i = 0; i < renderer.Width; i++)
            {
                double ax = Math.Max(i * p, lowX), bx = Math.Min((i + 1) * p, highX);
                double ay = Math.Max(j * p, lowY), by = Math.Min((j + 1) * p, highY);
                double expected = ax < bx && ay < by ? Simpson(x, sigma, ax, bx) / massX * Simpson(y, sigma, ay, by) / massY : 0;

                Assert.True(Math.Abs(renderer.Image[(j * renderer.Width) + i] - expected) < 2e-6, $"pixel ({i}, {j}): {renderer.Image[(j * renderer.Width) + i]} vs {expected}");
            }
        }
    }

    [Fact]
    public void Add_NaNAndOutsideLocalizations_AreSkippedAndCounted()
    {
        var renderer = new GaussianRenderer(Field(100, fixedSigmaNm: 10));
        renderer.Add(
        [
            Localization.Create(0, float.NaN, 50, 1),
            Localization.Create(0, 50, float.PositiveInfinity, 1),
            Localization.Create(0, -1, 50, 1),
            Localization.Create(0, 50, 100, 1), // y = HeightNm is just past the last pixel
            Localization.Create(0, 50, 50, 1),
        ]);

        Assert.Equal(4, renderer.SkippedCount);
        Assert.Equal(1, renderer.RenderedCount);
        Assert.Equal(1.0, renderer.Image.Sum(v => (double)v), 5);
    }

    [Fact]
    public void Add_AtImageCorner_KeepsOnlyTheQuarterInsideTheField()
    {
        // A Gaussian centred on the corner (0, 0) has exactly a quarter of its mass inside the field.
        var renderer = new GaussianRenderer(Field(200, fixedSigmaNm: 20));
        renderer.Add([Localization.Create(0, 0f, 0f, 1)]);

        Assert.Equal(0.25, renderer.Image.Sum(v => (double)v), 5);
    }

    [Fact]
    public void SigmaFor_ByUncertainty_UsesMeanClampedOrFallback()
    {
        var renderer = new GaussianRenderer(new RenderSettings { WidthNm = 100, HeightNm = 100, MinSigmaNm = 5, MaxSigmaNm = 30, FallbackSigmaNm = 17 });
        Localization loc = Localization.Create(0, 50, 50, 1);

        Assert.Equal(17, renderer.SigmaFor(loc));
        Assert.Equal(9, renderer.SigmaFor(loc with { UncertaintyXNm = 8, UncertaintyYNm = 10 }));
        Assert.Equal(5, renderer.SigmaFor(loc with { UncertaintyXNm = 1, UncertaintyYNm = 2 }));
        Assert.Equal(30, renderer.SigmaFor(loc with { UncertaintyXNm = 100, UncertaintyYNm = 100 }));
        Assert.Equal(12, renderer.SigmaFor(loc with { UncertaintyXNm = 12 }));
    }

    [Fact]
    public void Add_ByUncertainty_MatchesFixedSigmaRenderOfTheSameWidth()
    {
        Localization loc = Localization.Create(0, 71.3f, 44.9f, 1) with { UncertaintyXNm = 11, UncertaintyYNm = 13 };
        var byUncertainty = new GaussianRenderer(Field(150));
        var fixedWidth = new GaussianRenderer(Field(150, fixedSigmaNm: 12));
        byUncertainty.Add([loc]);
        fixedWidth.Add([loc]);

        Assert.Equal(fixedWidth.Image, byUncertainty.Image);
    }

    [Fact]
    public void Constructor_BadSettings_ThrowsNamingTheField()
    {
        var ex = Assert.Throws<SettingException>(() => new GaussianRenderer(new RenderSettings { WidthNm = 0, HeightNm = 100 }));
        Assert.Contains("widthNm", ex.Message, StringComparison.Ordinal);
        Assert.Equal("render.widthNm", ex.ParamName);

        ex = Assert.Throws<SettingException>(() => new GaussianRenderer(new RenderSettings { WidthNm = 100, HeightNm = 100, FixedSigmaNm = -3 }));
        Assert.Contains("fixedSigmaNm", ex.Message, StringComparison.Ordinal);
        Assert.Equal("render.fixedSigmaNm", ex.Path);

        ex = Assert.Throws<SettingException>(() => new GaussianRenderer(new RenderSettings { WidthNm = 100, HeightNm = 100, MinSigmaNm = 10, MaxSigmaNm = 5 }));
        Assert.StartsWith("render.maxSigmaNm = 5 is out of range; allowed [minSigmaNm = 10, ", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<SettingException>(() => new GaussianRenderer(new RenderSettings { WidthNm = 1e7, HeightNm = 1e7, PixelSizeNm = 1 }));
        Assert.Equal("render.pixelSizeNm", ex.Path);
        Assert.Contains("Use a larger pixelSizeNm", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForCameraField_CoversTheWholeCameraFrame()
    {
        var settings = RenderSettings.ForCameraField(new LocalizationSetInfo { PixelSizeNm = 100, WidthPx = 64, HeightPx = 32 }, renderPixelSizeNm: 20);

        Assert.Equal(320, settings.WidthPx);
        Assert.Equal(160, settings.HeightPx);
    }

    /// <summary>∫ N(c, σ²) over [a, b] by composite Simpson's rule (independent of any erf).</summary>
    private static double Simpson(double centre, double sigma, double a, double b)
    {
        const int intervals = 2000;
        double h = (b - a) / intervals;
        double sum = Density(a) + Density(b);
        for (int k = 1; k < intervals; k++)
        {
            sum += (k % 2 == 1 ? 4 : 2) * Density(a + (k * h));
        }

        return sum * h / 3;

        double Density(double t) => Math.Exp(-0.5 * ((t - centre) / sigma) * ((t - centre) / sigma)) / (sigma * Math.Sqrt(2 * Math.PI));
    }
}
