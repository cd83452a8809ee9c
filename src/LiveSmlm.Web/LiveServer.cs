using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using LiveSmlm.Core;
using LiveSmlm.Reconstruction;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveSmlm.Web;

using Localization = LiveSmlm.Core.Localization;

/// <summary>Where the server listens and what it serves.</summary>
public sealed record LiveServerOptions
{
    /// <summary>Checked URLs (<see cref="BindAddresses.Check"/>); port 0 picks a free port.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [BindAddresses.DefaultUrl];

    public AccessToken Token { get; init; } = AccessToken.Create();

    /// <summary>The page (index.html, app.js, style.css); beside the assembly by default.</summary>
    public string WebRoot { get; init; } = Path.Combine(AppContext.BaseDirectory, "wwwroot");

    /// <summary>The GLSL of the repository's shaders/ folder, copied beside the assembly.</summary>
    public string ShaderRoot { get; init; } = Path.Combine(AppContext.BaseDirectory, "shaders");

    /// <summary>Messages one browser may have queued before its oldest are dropped.</summary>
    public int ClientCapacity { get; init; } = FeedClient.Capacity;

    /// <summary>How often each browser gets a status update with the new plot points.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>
/// The web server of `livesmlm live`: the page and shaders (static, confined to their folders), the feed
/// (/ws: binary localizations and camera previews, JSON status), GET /api/status, POST /api/control/*,
/// GET /api/export.png, and the SLM kiosk (/slm, /slm/pattern.png, /slm/version: read-only, no token). Every
/// /api and /ws request needs the token (401 otherwise, before anything runs).
/// </summary>
public sealed class LiveServer : IAsyncDisposable
{
    /// <summary>Largest PNG export, pixels (a 8192 × 8192 image; the float image is 256 MB).</summary>
    public const long MaxExportPixels = 1L << 26;

    private readonly WebApplication _app;
    private readonly LiveSession _session;
    private readonly LiveServerOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _statusLoop;

    private LiveServer(WebApplication app, LiveSession session, LiveServerOptions options)
    {
        _app = app;
        _session = session;
        _options = options;
    }

    /// <summary>The addresses it listens on (with the real port when 0 was asked).</summary>
    public IReadOnlyList<string> Addresses { get; private set; } = [];

    public AccessToken Token => _options.Token;

    /// <summary>Every endpoint: HTTP method ("*" for any) and route, for the tests that check each needs the token.</summary>
    public IReadOnlyList<(string Method, string Route)> Routes =>
        [.. ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)_app).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))];

    /// <summary>The page's address with the token in the fragment (never sent to a server, never logged).</summary>
    public string Link => $"{Addresses[0].TrimEnd('/')}/#token={Token.Value}";

    public static async Task<LiveServer> StartAsync(LiveSession session, LiveServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        options ??= new LiveServerOptions();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        WebApplication app = builder.Build();
        var server = new LiveServer(app, session, options);
        server.Configure();
        await app.StartAsync().ConfigureAwait(false);
        server.Addresses = [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses];
        server._statusLoop = Task.Run(server.StatusLoopAsync);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_statusLoop is not null)
        {
            await _statusLoop.ConfigureAwait(false);
        }

        foreach (FeedClient c in _session.View.Clients)
        {
            _session.View.Unregister(c);
        }

        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(grace.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void Configure()
    {
        _app.UseWebSockets();
        _app.Use(RequireTokenAsync);
        _app.UseRouting();
        _app.MapGet("/api/status", () => Results.Json(_session.Status(), LiveStatus.Json));
        _app.MapPost("/api/control/start", () => Control(_session.Start));
        _app.MapPost("/api/control/stop", async () =>
        {
            try
            {
                await _session.StopAsync(_session.Options.StopTimeout).ConfigureAwait(false);
                return Results.Json(_session.Status(), LiveStatus.Json);
            }
            catch (ControlException e)
            {
                return Refused(e);
            }
        });
        _app.MapPost("/api/control/laser", async (HttpContext c) =>
        {
            JsonElement? body = await ReadBodyAsync(c).ConfigureAwait(false);
            return Control(() => _session.SetLaserPower(RequireString(body, "laser"), RequireNumber(body, "power_mw")));
        });
        _app.MapPost("/api/control/target-density", async (HttpContext c) =>
        {
            JsonElement? body = await ReadBodyAsync(c).ConfigureAwait(false);
            return Control(() => _session.SetTargetDensity(RequireNumber(body, "localizations_per_frame")));
        });
        _app.MapPost("/api/control/feedback", async (HttpContext c) =>
        {
            JsonElement? body = await ReadBodyAsync(c).ConfigureAwait(false);
            return Control(() => _session.SetFeedbackMode(RequireString(body, "mode") switch
            {
                "automatic" or "auto" => Acquisition.Feedback.FeedbackMode.Automatic,
                "manual" => Acquisition.Feedback.FeedbackMode.Manual,
                string other => throw new ControlException($"Feedback mode \"{other}\" is not one of \"manual\", \"automatic\"."),
            }));
        });
        _app.MapPost("/api/control/recording", async (HttpContext c) =>
        {
            JsonElement? body = await ReadBodyAsync(c).ConfigureAwait(false);
            return Control(() => _session.SetRecording(RequireBool(body, "on")));
        });
        _app.MapGet("/api/export.png", (HttpContext c) => ExportPng(c));
        // The SLM kiosk (read-only, no token: a browser on the SLM's monitor shows it; see docs/live-view.md).
        _app.MapGet("/slm", (HttpContext c) => ServeFileAsync(c, StaticFiles.Resolve(_options.WebRoot, "slm.html")));
        _app.MapGet("/slm/pattern.png", SlmPattern);
        _app.MapGet("/slm/version", (HttpContext c) =>
        {
            NoCache(c.Response);
            return Results.Json(new { version = _session.Slm.Version, width_px = _session.Slm.WidthPx, height_px = _session.Slm.HeightPx }, LiveStatus.Json);
        });
        _app.Map("/ws", FeedAsync);
        // Everything no endpoint claimed is a static file (MapFallback would skip names with a dot).
        _app.Use(async (context, next) =>
        {
            if (context.GetEndpoint() is null)
            {
                await ServeStaticAsync(context).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
    }

    private async Task RequireTokenAsync(HttpContext context, RequestDelegate next)
    {
        PathString path = context.Request.Path;
        if (path.StartsWithSegments("/api", StringComparison.Ordinal) || path.StartsWithSegments("/ws", StringComparison.Ordinal))
        {
            string? given = context.Request.Headers[AccessToken.HeaderName].FirstOrDefault();
            string? auth = context.Request.Headers.Authorization.FirstOrDefault();
            if (given is null && auth is not null && auth.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                given = auth["Bearer ".Length..].Trim();
            }

            if (given is null && path.StartsWithSegments("/ws", StringComparison.Ordinal))
            {
                given = context.Request.Query[AccessToken.QueryName].FirstOrDefault();
            }

            if (!_options.Token.Matches(given))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsJsonAsync(
                    new { error = $"This needs the access token printed when `livesmlm live` started: send it as the {AccessToken.HeaderName} header (or open the printed link). Nothing was changed." },
                    LiveStatus.Json).ConfigureAwait(false);
                return;
            }
        }

        await next(context).ConfigureAwait(false);
    }

    private IResult Control(Action action)
    {
        try
        {
            action();
            return Results.Json(_session.Status(), LiveStatus.Json);
        }
        catch (ControlException e)
        {
            return Refused(e);
        }
    }

    private static IResult Refused(ControlException e) => Results.Json(new { error = e.Message }, LiveStatus.Json, statusCode: e.StatusCode);

    private static async Task<JsonElement?> ReadBodyAsync(HttpContext context)
    {
        try
        {
            using JsonDocument doc = await JsonDocument.ParseAsync(context.Request.Body).ConfigureAwait(false);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement Field(JsonElement? body, string name, string example)
    {
        if (body is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(name, out JsonElement v))
        {
            throw new ControlException($"The request body must be a JSON object with \"{name}\", e.g. {example}.");
        }

        return v;
    }

    private static string RequireString(JsonElement? body, string name) =>
        Field(body, name, $"{{\"{name}\": \"405\"}}") is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw new ControlException($"\"{name}\" must be a string.");

    private static double RequireNumber(JsonElement? body, string name) =>
        Field(body, name, $"{{\"{name}\": 10}}") is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : throw new ControlException($"\"{name}\" must be a number.");

    private static bool RequireBool(JsonElement? body, string name) =>
        Field(body, name, $"{{\"{name}\": true}}") is { ValueKind: JsonValueKind.True or JsonValueKind.False } v ? v.GetBoolean() : throw new ControlException($"\"{name}\" must be true or false.");

    /// <summary>The run's stored localizations rendered at the asked pixel size by the Reconstruction renderer and PNG export.</summary>
    private IResult ExportPng(HttpContext context)
    {
        string? text = context.Request.Query["pixel_nm"].FirstOrDefault();
        double pixelNm = 10;
        if (text is not null && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out pixelNm))
        {
            return Refused(new ControlException($"pixel_nm = '{text}' is not a number; give the render pixel size in nm, e.g. 10."));
        }

        long pixels = (long)Math.Ceiling(_session.FieldWidthNm / pixelNm) * (long)Math.Ceiling(_session.FieldHeightNm / pixelNm);
        if (!double.IsFinite(pixelNm) || pixelNm < 1 || pixelNm > 1000 || pixels > MaxExportPixels)
        {
            return Refused(new ControlException(string.Create(
                CultureInfo.InvariantCulture,
                $"pixel_nm = {pixelNm} is refused; allowed [1, 1000] nm and at most {MaxExportPixels} pixels for this {_session.FieldWidthNm / 1000:G4} × {_session.FieldHeightNm / 1000:G4} µm field.")));
        }

        var renderer = new GaussianRenderer(new RenderSettings { PixelSizeNm = pixelNm, WidthNm = _session.FieldWidthNm, HeightNm = _session.FieldHeightNm });
        foreach (ReadOnlyMemory<Localization> chunk in _session.View.Store.EnumerateChunks())
        {
            renderer.Add(chunk.Span);
        }

        string temp = Path.Combine(Path.GetTempPath(), $"livesmlm-export-{Guid.NewGuid():N}.png");
        try
        {
            ImageExport.WriteRenderPng(temp, renderer.Image, renderer.Width, renderer.Height);
            byte[] png = File.ReadAllBytes(temp);
            string name = string.Create(CultureInfo.InvariantCulture, $"livesmlm-{pixelNm:G4}nm.png");
            return Results.File(png, "image/png", name);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The pattern on the SLM as 8-bit grey PNG; its ETag is the SLM's pattern version (304 when the browser has it).</summary>
    private IResult SlmPattern(HttpContext context)
    {
        (byte[] png, long version) = _session.Slm.PngWithVersion();
        string etag = string.Create(CultureInfo.InvariantCulture, $"\"slm-{version}\"");
        NoCache(context.Response);
        context.Response.Headers.ETag = etag;
        context.Response.Headers["X-Slm-Version"] = version.ToString(CultureInfo.InvariantCulture);
        return context.Request.Headers.IfNoneMatch.Contains(etag) ? Results.StatusCode(StatusCodes.Status304NotModified) : Results.Bytes(png, "image/png");
    }

    private static void NoCache(HttpResponse response)
    {
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Content-Type-Options"] = "nosniff";
    }

    private async Task ServeStaticAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        string path = context.Request.Path.Value ?? "/";
        string? file = path switch
        {
            "/" => StaticFiles.Resolve(_options.WebRoot, "index.html"),
            _ when path.StartsWith("/shaders/", StringComparison.Ordinal) => StaticFiles.Resolve(_options.ShaderRoot, path["/shaders/".Length..]),
            _ => StaticFiles.Resolve(_options.WebRoot, path.TrimStart('/')),
        };
        await ServeFileAsync(context, file).ConfigureAwait(false);
    }

    /// <summary>Sends a file resolved by <see cref="StaticFiles.Resolve"/> (404 for null), never cached without revalidation.</summary>
    private static async Task ServeFileAsync(HttpContext context, string? file)
    {
        if (file is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = StaticFiles.ContentType(file);
        NoCache(context.Response);
        await context.Response.SendFileAsync(file).ConfigureAwait(false);
    }

    /// <summary>One browser's feed: the stored localizations first, then its channel, until either side closes.</summary>
    private async Task FeedAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        FeedClient client = _session.View.Register(_options.ClientCapacity);
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, context.RequestAborted);
        Task reader = DrainIncomingAsync(socket, closed);
        try
        {
            await SendAsync(socket, client, StatusMessage(client), closed.Token).ConfigureAwait(false);
            // The backlog is [0, BacklogEnd): what was stored before this browser joined (newer ones come through its channel).
            long left = client.BacklogEnd;
            foreach (ReadOnlyMemory<Localization> chunk in client.Backlog.EnumerateChunks())
            {
                int length = (int)Math.Min(left, chunk.Length);
                for (int start = 0; start < length; start += FeedMessages.MaxLocalizationsPerMessage)
                {
                    int n = Math.Min(FeedMessages.MaxLocalizationsPerMessage, length - start);
                    await SendAsync(socket, client, new FeedMessage(FeedMessages.Localizations(chunk.Span.Slice(start, n), -1, 0), false), closed.Token).ConfigureAwait(false);
                }

                left -= length;
                if (left <= 0)
                {
                    break;
                }
            }

            await foreach (FeedMessage message in client.Channel.Reader.ReadAllAsync(closed.Token).ConfigureAwait(false))
            {
                await SendAsync(socket, client, message, closed.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // The browser went away or the server is stopping: its feed ends, nothing else does.
        }
        finally
        {
            _session.View.Unregister(client);
            await closed.CancelAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);
            if (socket.State == WebSocketState.Open)
            {
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "server stopping", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                }
                catch (Exception e) when (e is WebSocketException or IOException or TimeoutException or OperationCanceledException)
                {
                    // Best effort; the connection is going anyway.
                }
            }
        }
    }

    private static async Task SendAsync(WebSocket socket, FeedClient client, FeedMessage message, CancellationToken cancel)
    {
        await socket.SendAsync(message.Bytes, message.IsText ? WebSocketMessageType.Text : WebSocketMessageType.Binary, true, cancel).ConfigureAwait(false);
        client.CountSent();
    }

    /// <summary>Reads (and ignores) what the browser sends, so that its close handshake is seen.</summary>
    private static async Task DrainIncomingAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[1024];
        try
        {
            while (!closed.IsCancellationRequested)
            {
                WebSocketReceiveResult r = await socket.ReceiveAsync(buffer, closed.Token).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // Closed from either side.
        }

        await closed.CancelAsync().ConfigureAwait(false);
    }

    private async Task StatusLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.StatusInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                foreach (FeedClient client in _session.View.Clients)
                {
                    client.Post(StatusMessage(client));
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Server stopping.
        }
    }

    /// <summary>{"type":"status","status":{…},"dropped_messages":N,"points":[[frame, locs/frame, density/µm², 405 mW], …]} with the points this browser has not had.</summary>
    private FeedMessage StatusMessage(FeedClient client)
    {
        int total = _session.View.PointCount;
        if (client.PointsSent > total)
        {
            client.PointsSent = 0;   // a new run started: its plots start again
        }

        PlotPoint[] points = _session.View.PointsSince(client.PointsSent);
        client.PointsSent += points.Length;
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(
            new
            {
                type = "status",
                status = _session.Status(),
                dropped_messages = client.DroppedMessages,
                points = points.Select(p => new[] { p.Frame, p.LocalizationsPerFrame, p.DensityPerUm2, p.Power405Mw }),
            },
            LiveStatus.Json);
        return new FeedMessage(json, true);
    }
}
