using System.Text.Json;
using LiveSmlm.Web;
using Microsoft.Playwright;

namespace LiveSmlm.Web.Tests;

/// <summary>
/// The page in a real headless Chromium (Debian's, driven by Playwright through ExecutablePath; WebGL2 on
/// SwiftShader): open the printed link, press Start, wait until the super-resolution canvas has lit pixels
/// (read back from the canvas itself) and the localization plot shows a positive count; screenshot.
/// </summary>
public class BrowserEndToEndTests
{
    /// <summary>The whole test stays within this (start-up, acquisition, the waits).</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(150);

    [SkippableFact]
    public async Task Page_StartedFromTheBrowser_GrowsTheSuperResolutionImageAndPlotsLocalizations()
    {
        using var deadline = new CancellationTokenSource(Budget);

        // A 128 × 128 field at 30 frames/s: light enough for a heavily shared 2-core machine, big enough to show structure.
        await using LiveRig rig = await LiveRig.StartAsync(LiveRig.Storm(sidePx: 128, frameRateHz: 30));
        await using LivePage live = await LivePage.OpenAsync(rig);
        IPage page = live.Page;
        List<string> console = live.Console;
        await page.ClickAsync("#start");

        // Lit pixels of the WebGL canvas, copied into a 2D canvas and read back (what the page shows, not its state).
        const string LitPixels = """
            (id) => {
              const src = document.getElementById(id);
              const c = document.createElement('canvas');
              c.width = src.width; c.height = src.height;
              const ctx = c.getContext('2d');
              ctx.drawImage(src, 0, 0);
              const d = ctx.getImageData(0, 0, c.width, c.height).data;
              let lit = 0;
              for (let i = 0; i < d.length; i += 4) { if (d[i] > 16 || d[i + 1] > 16 || d[i + 2] > 16) { lit++; } }
              return lit;
            }
            """;
        try
        {
            await page.WaitForFunctionAsync(
                $"() => ({LitPixels})('sr') > 50 && Number(document.getElementById('plot-locs').dataset.last) > 0 && ({LitPixels})('camera') > 50",
                null,
                new PageWaitForFunctionOptions { Timeout = 90_000, PollingInterval = 500 });
        }
        catch (TimeoutException e)
        {
            string page_ = await page.EvaluateAsync<string>($"() => `sr lit ${{({LitPixels})('sr')}}, camera lit ${{({LitPixels})('camera')}}, plot ${{document.getElementById('plot-locs').dataset.last}}, view ${{document.getElementById('view-count').textContent}}, message '${{document.getElementById('message').textContent}}'`");
            throw new TimeoutException($"{e.Message}\npage: {page_}\nstatus: {(await rig.StatusAsync()).GetRawText()}\nconsole:\n{string.Join('\n', console)}", e);
        }

        int srLit = await page.EvaluateAsync<int>(LitPixels, "sr");
        int plotLit = await page.EvaluateAsync<int>("(id) => { const c = document.getElementById(id); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 0; i < d.length; i += 4) { if (d[i + 2] > 150 && d[i] < 120) { n++; } } return n; }", "plot-locs");
        double plotted = double.Parse(await page.GetAttributeAsync("#plot-locs", "data-last") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        JsonElement status = await rig.StatusAsync();

        string artifacts = Directory.CreateDirectory(Environment.GetEnvironmentVariable("LIVESMLM_ARTIFACTS") ?? Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        string shot = Path.Combine(artifacts, "live-view.png");
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot });

        Assert.True(srLit > 50, $"super-resolution canvas: {srLit} lit pixels");
        Assert.True(plotLit > 0, "the localization plot drew no line");
        Assert.True(plotted > 0, $"localization plot shows {plotted}");
        Assert.True(status.GetProperty("localizations").GetInt64() > 0);
        Assert.True(new FileInfo(shot).Length > 10_000, $"screenshot {shot} is too small");
        Assert.False(deadline.IsCancellationRequested, $"the test took longer than {Budget.TotalSeconds} s");
        Assert.DoesNotContain(console, m => m.StartsWith("page error", StringComparison.Ordinal));
        await page.ClickAsync("#stop");
    }
}
