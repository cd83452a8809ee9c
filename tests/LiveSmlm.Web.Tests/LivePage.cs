using Microsoft.Playwright;

namespace LiveSmlm.Web.Tests;

/// <summary>
/// The live page of a <see cref="LiveRig"/> open in a real headless Chromium (Debian's, driven by Playwright
/// through ExecutablePath; WebGL2 on SwiftShader), waited until idle with WebGL2 and the shaders up; the
/// page's console and errors are collected.
/// </summary>
internal sealed class LivePage : IAsyncDisposable
{
    /// <summary>
    /// A w × h window at (x, y) of canvas <c>id</c> (arg: {id, x, y, w, h}), copied into a 2D canvas and read
    /// back (what the page shows, not its state): RGBA bytes, row-major from the window's top-left.
    /// </summary>
    public const string CanvasWindow = """
        (a) => {
          const src = document.getElementById(a.id);
          const c = document.createElement('canvas');
          c.width = src.width; c.height = src.height;
          const ctx = c.getContext('2d');
          ctx.drawImage(src, 0, 0);
          return Array.from(ctx.getImageData(a.x, a.y, a.w, a.h).data);
        }
        """;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private LivePage(IPlaywright playwright, IBrowser browser, IPage page, List<string> console)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        Console = console;
    }

    public IPage Page { get; }

    /// <summary>"type: text" of each console message, "page error: …" of each uncaught error.</summary>
    public List<string> Console { get; }

    /// <summary>Skips the calling test when Chromium is missing; opens the rig's link and waits for state idle.</summary>
    public static async Task<LivePage> OpenAsync(LiveRig rig)
    {
        HeadlessChromium.SkipUnlessInstalled();
        IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser browser = await HeadlessChromium.LaunchAsync(playwright);
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        var console = new List<string>();
        page.Console += (_, m) => console.Add($"{m.Type}: {m.Text}");
        page.PageError += (_, e) => console.Add($"page error: {e}");
        var live = new LivePage(playwright, browser, page, console);
        await page.GotoAsync(rig.Server.Link, new PageGotoOptions { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => document.getElementById('state').textContent === 'idle'", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        Assert.Equal(string.Empty, await page.TextContentAsync("#message"));   // WebGL2 and the shaders came up
        return live;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
