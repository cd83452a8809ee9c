using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Web;
using Microsoft.Playwright;

namespace LiveSmlm.Bench;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// `live-feed [--rate 100000] [--seconds 10] [--browser /usr/bin/chromium]`: feeds the live view synthetic
/// localizations at a rate, in the batches the data plane makes (32 frames at 100 frames/s), and measures
/// the server's cost per second of feed, what reaches the browser, its drops and (with --browser, a real
/// headless Chromium) the page's frames per second while it takes the feed. Prints; asserts nothing.
/// </summary>
internal static class LiveFeedBenchmark
{
    private const int BatchFrames = 32;
    private const double FrameRateHz = 100;

    public static int Run(string[] args)
    {
        double rate = Option(args, "--rate", 100_000);
        double seconds = Option(args, "--seconds", 10);
        string? browserPath = args.SkipWhile(a => a != "--browser").Skip(1).FirstOrDefault();
        return RunAsync(rate, seconds, browserPath).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(double rate, double seconds, string? browserPath)
    {
        HardwareProfile profile = HardwareProfile.Load(Path.Combine("hardware-profiles", "simulated-storm.json"));
        using var session = new LiveSession(profile, new LiveSessionOptions { Engine = "cpu" });
        await using LiveServer server = await LiveServer.StartAsync(session, new LiveServerOptions { Urls = ["http://127.0.0.1:0"] });

        IPlaywright? playwright = null;
        IBrowser? browser = null;
        IPage? page = null;
        long wsLocs = 0, wsBytes = 0;
        using var stopReading = new CancellationTokenSource();
        Task? reader = null;
        if (browserPath is not null)
        {
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = browserPath, Headless = true, Args = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"] });
            page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
            await page.GotoAsync(server.Link);
            await page.WaitForFunctionAsync("() => document.getElementById('state').textContent === 'idle'");
            await page.EvaluateAsync("() => { window.__frames = 0; const tick = () => { window.__frames++; requestAnimationFrame(tick); }; requestAnimationFrame(tick); }");
        }
        else
        {
            var ws = new ClientWebSocket();
            await ws.ConnectAsync(new Uri($"{server.Addresses[0].Replace("http", "ws", StringComparison.Ordinal)}/ws?token={server.Token.Value}"), CancellationToken.None);
            reader = Task.Run(async () =>
            {
                var buffer = new byte[1 << 22];
                try
                {
                    while (true)
                    {
                        WebSocketReceiveResult r = await ws.ReceiveAsync(buffer, stopReading.Token);
                        wsBytes += r.Count;
                        if (r.MessageType == WebSocketMessageType.Binary && buffer[0] == 1 && r.Count >= 8)
                        {
                            wsLocs += BitConverter.ToUInt32(buffer, 4);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    ws.Dispose();
                }
            });
        }

        // The pipeline's batches: 32 frames of rate / 100 localizations each, uniform over the field.
        int perBatch = (int)(rate / FrameRateHz * BatchFrames);
        var random = new Random(5);
        var batch = new Localization[perBatch];
        TimeSpan period = TimeSpan.FromSeconds(BatchFrames / FrameRateHz);
        int batches = (int)Math.Ceiling(seconds / period.TotalSeconds);
        var wall = Stopwatch.StartNew();
        double addMs = 0;
        int framesBefore = page is null ? 0 : await page.EvaluateAsync<int>("() => window.__frames");
        for (int b = 0; b < batches; b++)
        {
            for (int i = 0; i < perBatch; i++)
            {
                int frame = (b * BatchFrames) + (i * BatchFrames / perBatch);
                batch[i] = Localization.Create(frame, (float)(random.NextDouble() * session.FieldWidthNm), (float)(random.NextDouble() * session.FieldHeightNm), 2000);
                batch[i].UncertaintyXNm = batch[i].UncertaintyYNm = 8;
            }

            long t = Stopwatch.GetTimestamp();
            session.View.Add(batch, b * BatchFrames, BatchFrames);
            addMs += Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            TimeSpan due = period * (b + 1);
            if (wall.Elapsed < due)
            {
                await Task.Delay(due - wall.Elapsed);
            }
        }

        double fed = wall.Elapsed.TotalSeconds;
        await Task.Delay(2000);   // let the feed drain
        long sent = (long)perBatch * batches;
        string result;
        if (page is not null)
        {
            int frames = await page.EvaluateAsync<int>("() => window.__frames") - framesBefore;
            string count = await page.TextContentAsync("#view-count") ?? "?";
            string dropped = await page.TextContentAsync("#view-dropped") ?? "?";
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "livesmlm-live-feed-bench.png") });
            result = string.Create(CultureInfo.InvariantCulture, $"browser: {count} localizations in the view of {sent:N0} sent, {dropped} messages dropped, page {frames / (fed + 2):F1} frames/s (requestAnimationFrame) while fed");
            await browser!.DisposeAsync();
            playwright!.Dispose();
        }
        else
        {
            await stopReading.CancelAsync();
            await reader!;
            result = string.Create(CultureInfo.InvariantCulture, $"WebSocket client: {wsLocs:N0} of {sent:N0} localizations received, {wsBytes / fed / 1e6:F2} MB/s");
        }

        LiveClient[] clients = [.. session.Status().Clients];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"live-feed: {sent / fed:N0} localizations/s fed for {fed:F1} s in {batches} batches of {perBatch:N0}; server LiveView.Add {addMs / fed:F1} ms per second of feed ({addMs / batches:F2} ms per batch); {result}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        return 0;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
