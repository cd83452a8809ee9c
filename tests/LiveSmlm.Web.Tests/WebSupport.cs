using System.Net.Http.Json;
using System.Text.Json;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Web;
using Microsoft.Playwright;

namespace LiveSmlm.Web.Tests;

/// <summary>A small simulated rig, a live session and its server on a free loopback port, torn down after the test.</summary>
internal sealed class LiveRig : IAsyncDisposable
{
    private LiveRig(LiveSession session, LiveServer server)
    {
        Session = session;
        Server = server;
        Http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]), Timeout = TimeSpan.FromSeconds(150) };
    }

    public LiveSession Session { get; }

    public LiveServer Server { get; }

    public HttpClient Http { get; }

    public Uri BaseUri => Http.BaseAddress!;

    /// <summary>simulated-storm.json with a smaller sensor (fast enough for a loaded 2-core machine) at its 100 frames/s.</summary>
    public static HardwareProfile Storm(int sidePx = 64, double? frameRateHz = null)
    {
        HardwareProfile storm = HardwareProfile.Load(Path.Combine(AppContext.BaseDirectory, "hardware-profiles", "simulated-storm.json"));
        return storm with { Camera = storm.Camera with { WidthPx = sidePx, HeightPx = sidePx, FrameRateHz = frameRateHz ?? storm.Camera.FrameRateHz } };
    }

    public static async Task<LiveRig> StartAsync(HardwareProfile? profile = null, LiveSessionOptions? options = null, LiveServerOptions? server = null)
    {
        var session = new LiveSession(profile ?? Storm(), options ?? new LiveSessionOptions { Engine = "cpu" });
        LiveServer s = await LiveServer.StartAsync(session, (server ?? new LiveServerOptions()) with { Urls = ["http://127.0.0.1:0"] });
        return new LiveRig(session, s);
    }

    public HttpRequestMessage Request(HttpMethod method, string path, object? body = null, string? token = "")
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Add(AccessToken.HeaderName, token.Length == 0 ? Server.Token.Value : token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    /// <summary>POST with the token; returns status and the parsed JSON body.</summary>
    public async Task<(int Status, JsonElement Body)> PostAsync(string path, object? body = null, string? token = "")
    {
        using HttpResponseMessage r = await Http.SendAsync(Request(HttpMethod.Post, path, body ?? new { }, token));
        string text = await r.Content.ReadAsStringAsync();
        return ((int)r.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<JsonElement> StatusAsync()
    {
        using HttpResponseMessage r = await Http.SendAsync(Request(HttpMethod.Get, "/api/status"));
        Assert.Equal(200, (int)r.StatusCode);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Polls /api/status until <paramref name="done"/> holds (every 100 ms, up to <paramref name="timeout"/>).</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> done, TimeSpan timeout, string what)
    {
        DateTime end = DateTime.UtcNow + timeout;
        JsonElement s = await StatusAsync();
        while (!done(s))
        {
            Assert.True(DateTime.UtcNow < end, $"timed out after {timeout.TotalSeconds} s waiting for {what}; last status {s}");
            await Task.Delay(100);
            s = await StatusAsync();
        }

        return s;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        Session.Dispose();
    }
}

/// <summary>Debian's chromium, headless, driven by Playwright through ExecutablePath (WebGL2 on SwiftShader); Playwright's own browsers are never downloaded.</summary>
internal static class HeadlessChromium
{
    /// <summary>Where scripts/test.sh's apt-get puts Debian's chromium.</summary>
    public const string Path = "/usr/bin/chromium";

    public static void SkipUnlessInstalled() =>
        Skip.IfNot(File.Exists(Path), $"{Path} is missing: scripts/test.sh installs Debian's chromium with apt-get; run it (or apt-get install chromium).");

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Path,
        Headless = true,
        Timeout = 30_000,
        Args = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"],
    });
}
