using LiveSmlm.Localization;
using Microsoft.Playwright;

namespace LiveSmlm.Web.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// 3D in the page (real headless Chromium, <see cref="LivePage"/>): localizations carrying z reach the view
/// through the live view's store and feed; the emitters' pixels on the super-resolution canvas and the colour
/// bar have the colours of the depth colormap for their z over the calibration's range. Expected colours come
/// from the test's own reading of the colormap's definition (docs/live-view.md, ImageExport.DepthColour's
/// documentation): piecewise linear through blue, cyan, green, yellow, red at t = 0, ¼, ½, ¾, 1.
/// </summary>
public class BrowserDepthColourTests
{
    private const double ZMinNm = -600;
    private const double ZMaxNm = 600;

    [SkippableFact]
    public async Task Page_3DLocalizations_AreColouredByDepthWithALegendInNm()
    {
        // 64 px of 100 nm: a 6400 nm field on the 768 px canvas (8.33 nm per canvas pixel).
        var options = new LiveSessionOptions { Engine = "cpu", Calibration3D = Calibration() };
        await using LiveRig rig = await LiveRig.StartAsync(LiveRig.Storm(sidePx: 64), options);
        await using LivePage live = await LivePage.OpenAsync(rig);
        IPage page = live.Page;
        Assert.True(await page.IsHiddenAsync("#depth-legend"), "the depth legend shows before any localization with z arrived");

        // Two clusters of 60 localizations (σ 20 nm): one low (z = −450 nm, t = 1/8), one high (z = +450 nm, t = 7/8).
        (double X, double Y, double Z)[] clusters = [(1600, 1600, -450), (4800, 4800, 450)];
        var locs = new List<Localization>();
        foreach ((double x, double y, double z) in clusters)
        {
            for (int k = 0; k < 60; k++)
            {
                Localization loc = Localization.Create(k, (float)x, (float)y, 2000);
                loc.UncertaintyXNm = 20;
                loc.UncertaintyYNm = 20;
                loc.ZNm = (float)z;
                loc.UncertaintyZNm = 30;
                locs.Add(loc);
            }
        }

        rig.Session.View.Add(locs.ToArray(), 0, 60);
        await page.WaitForFunctionAsync(
            "() => document.getElementById('view-count').textContent === '120' && !document.getElementById('depth-legend').hidden", null,
            new PageWaitForFunctionOptions { Timeout = 30_000 });

        double nmPerPx = 6400.0 / 768;
        foreach ((double x, double y, double z) in clusters)
        {
            // The brightest pixel around the cluster's centre: at full scale (the auto contrast saturates at the
            // 99.5th percentile), so it shows the colormap's colour itself.
            int cx = (int)(x / nmPerPx), cy = (int)(y / nmPerPx);
            (int R, int G, int B) brightest = await BrightestAsync(page, "sr", cx - 4, cy - 4, 9, 9);
            (double r, double g, double b) = Expected((z - ZMinNm) / (ZMaxNm - ZMinNm));
            AssertColour((r, g, b), brightest, $"emitters at z = {z} nm (canvas pixel {cx}, {cy})", 6);
        }

        // The colour bar: 256 px across [z min, z max], labelled in nm.
        Assert.Equal("-600 nm", await page.TextContentAsync("#depth-min"));
        Assert.Equal("600 nm", await page.TextContentAsync("#depth-max"));
        Assert.Equal("0 nm", await page.TextContentAsync("#depth-mid"));
        foreach (double t in new[] { 0.05, 0.125, 0.375, 0.625, 0.875, 0.95 })
        {
            int px = (int)(t * 256);
            int[] pixel = await page.EvaluateAsync<int[]>(LivePage.CanvasWindow, new { id = "depth-bar", x = px, y = 7, w = 1, h = 1 });
            AssertColour(Expected((px + 0.5) / 256), (pixel[0], pixel[1], pixel[2]), $"colour bar at t = {t}", 4);
        }

        Assert.DoesNotContain(live.Console, m => m.StartsWith("page error", StringComparison.Ordinal));
    }

    // The depth colormap from its definition: blue (0,0,1) → cyan (0,1,1) → green (0,1,0) → yellow (1,1,0) → red (1,0,0),
    // linear between the knots at t = 0, ¼, ½, ¾, 1; t clamped to [0, 1].
    private static (double R, double G, double B) Expected(double t)
    {
        (double R, double G, double B)[] knots = [(0, 0, 1), (0, 1, 1), (0, 1, 0), (1, 1, 0), (1, 0, 0)];
        double u = Math.Clamp(t, 0, 1) * 4;
        int k = Math.Min((int)u, 3);
        double f = u - k;
        (double R, double G, double B) a = knots[k], b = knots[k + 1];
        return (a.R + (f * (b.R - a.R)), a.G + (f * (b.G - a.G)), a.B + (f * (b.B - a.B)));
    }

    private static void AssertColour((double R, double G, double B) expected, (int R, int G, int B) actual, string what, int tolerance)
    {
        (int r, int g, int b) = ((int)Math.Round(255 * expected.R), (int)Math.Round(255 * expected.G), (int)Math.Round(255 * expected.B));
        Assert.True(
            Math.Abs(actual.R - r) <= tolerance && Math.Abs(actual.G - g) <= tolerance && Math.Abs(actual.B - b) <= tolerance,
            $"{what}: colour ({actual.R}, {actual.G}, {actual.B}), expected ({r}, {g}, {b}) ± {tolerance}");
    }

    private static async Task<(int R, int G, int B)> BrightestAsync(IPage page, string canvas, int x, int y, int w, int h)
    {
        int[] d = await page.EvaluateAsync<int[]>(LivePage.CanvasWindow, new { id = canvas, x, y, w, h });
        (int R, int G, int B) best = (0, 0, 0);
        for (int i = 0; i < d.Length; i += 4)
        {
            if (d[i] + d[i + 1] + d[i + 2] > best.R + best.G + best.B)
            {
                best = (d[i], d[i + 1], d[i + 2]);
            }
        }

        return best;
    }

    private static PsfCalibration3D Calibration() => new()
    {
        PixelSizeNm = 100,
        ZStepNm = 50,
        X = new CurveNm(110, -250, 420, 0, 0),
        Y = new CurveNm(115, 250, 400, 0, 0),
        ZMinNm = ZMinNm,
        ZMaxNm = ZMaxNm,
    };
}
