using System.Net;
using System.Text.Json;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Reconstruction.Tests;
using Microsoft.Playwright;

namespace LiveSmlm.Web.Tests;

/// <summary>
/// The /slm kiosk: the PNG of the rig's SLM pattern read back by independent readers (pngcheck, python3's zlib
/// with its own PNG unfiltering), and the page in a real headless Chromium whose image pixels, read back through a
/// canvas, are the pattern's grey levels at its natural size, one image pixel per device pixel, and follow a change.
/// The patterns are the test's own formulas.
/// </summary>
public class SlmKioskTests
{
    private const int Width = 96, Height = 64;

    /// <summary>
    /// Decodes an 8-bit PNG (grey, RGB or RGBA) with zlib and the five PNG filters; prints width, height, bit depth,
    /// colour type and the first channel of every pixel as hex.
    /// </summary>
    private const string PythonPngReader = """
        import json, struct, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG signature'
        pos, idat, ihdr = 8, b'', None
        while pos < len(data):
            n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]
            if kind == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
            if kind == b'IDAT': idat += body
            pos += 12 + n
        w, h, depth, colour = ihdr[:4]
        assert depth == 8 and ihdr[6] == 0, 'only 8-bit, non-interlaced'
        bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour]; stride = w * bpp
        raw, out, prev = zlib.decompress(idat), bytearray(), bytearray(stride)
        for y in range(h):
            f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
                if f == 1: line[x] = (line[x] + a) & 255
                elif f == 2: line[x] = (line[x] + b) & 255
                elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            out += line[0::bpp]; prev = line
        print(json.dumps({'width': w, 'height': h, 'depth': depth, 'colour': colour, 'pixels': out.hex()}))
        """;

    [Fact]
    public async Task PatternPng_IsTheSlmPatternAsGreyPng_UncachedWithItsVersionAsETag_AndReadOnlyWithoutToken()
    {
        await using LiveRig rig = await LiveRig.StartAsync(Profile());
        byte[] pattern = Pattern(0);
        rig.Session.Slm.Connect();
        rig.Session.Slm.ShowPhase(pattern);

        using HttpResponseMessage r = await rig.Http.GetAsync("/slm/pattern.png");   // no token: a kiosk on the SLM's monitor
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("image/png", r.Content.Headers.ContentType?.MediaType);
        Assert.True(r.Headers.CacheControl?.NoCache, $"Cache-Control: {r.Headers.CacheControl}");
        string etag = r.Headers.ETag!.Tag;
        byte[] png = await r.Content.ReadAsByteArrayAsync();

        (string check, JsonElement decoded) = await ReadPngAsync(png);
        Assert.Contains($"{Width} x {Height} image, 8-bit grayscale, non-interlaced", check, StringComparison.Ordinal);
        Assert.Equal(Width, decoded.GetProperty("width").GetInt32());
        Assert.Equal(Height, decoded.GetProperty("height").GetInt32());
        Assert.Equal(8, decoded.GetProperty("depth").GetInt32());
        Assert.Equal(0, decoded.GetProperty("colour").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(pattern), decoded.GetProperty("pixels").GetString());

        // The browser's copy is current while the ETag matches: 304; a new pattern gets a new ETag.
        using var again = new HttpRequestMessage(HttpMethod.Get, "/slm/pattern.png");
        again.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(etag));
        using (HttpResponseMessage notModified = await rig.Http.SendAsync(again))
        {
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        rig.Session.Slm.ShowPhase(Pattern(1));
        using HttpResponseMessage changed = await rig.Http.GetAsync("/slm/pattern.png");
        Assert.NotEqual(etag, changed.Headers.ETag!.Tag);
        using JsonDocument version = JsonDocument.Parse(await rig.Http.GetStringAsync("/slm/version"));
        Assert.Equal(Width, version.RootElement.GetProperty("width_px").GetInt32());
        Assert.Equal(Height, version.RootElement.GetProperty("height_px").GetInt32());

        // Read-only: nothing but GET is served there, and the control API still wants the token.
        foreach (string path in new[] { "/slm/pattern.png", "/slm/version", "/slm" })
        {
            using HttpResponseMessage post = await rig.Http.PostAsync(path, new ByteArrayContent(pattern));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        }

        Assert.Equal(Pattern(1), rig.Session.Slm.CurrentPhase());
    }

    [SkippableFact]
    public async Task KioskPage_ShowsThePatternAtOneImagePixelPerDevicePixel_AndFollowsAChange()
    {
        HeadlessChromium.SkipUnlessInstalled();
        await using LiveRig rig = await LiveRig.StartAsync(Profile());
        rig.Session.Slm.Connect();
        rig.Session.Slm.ShowPhase(Pattern(0));

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await HeadlessChromium.LaunchAsync(playwright);

        // A HiDPI (or zoomed) display: 2 device pixels per CSS pixel, which the page must undo.
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 400, Height = 300 }, DeviceScaleFactor = 2 });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(rig.BaseUri, "/slm").ToString(), new PageGotoOptions { Timeout = 30_000 });
        await WaitForVersionAsync(page, rig.Session.Slm.Version);

        await AssertShowsAsync(page, Pattern(0));
        JsonElement layout = await page.EvaluateAsync<JsonElement>("""
            () => { const r = document.getElementById('pattern').getBoundingClientRect(); const b = getComputedStyle(document.body);
                    return { w: r.width * devicePixelRatio, h: r.height * devicePixelRatio, x: r.left, y: r.top, dpr: devicePixelRatio,
                             margin: b.marginTop + ' ' + b.marginLeft, background: b.backgroundColor,
                             rendering: getComputedStyle(document.getElementById('pattern')).imageRendering }; }
            """);
        Assert.Equal(2, layout.GetProperty("dpr").GetDouble());
        Assert.Equal(Width, layout.GetProperty("w").GetDouble());
        Assert.Equal(Height, layout.GetProperty("h").GetDouble());
        Assert.Equal(0, layout.GetProperty("x").GetDouble());
        Assert.Equal(0, layout.GetProperty("y").GetDouble());
        Assert.Equal("0px 0px", layout.GetProperty("margin").GetString());
        Assert.Equal("rgb(0, 0, 0)", layout.GetProperty("background").GetString());
        Assert.Equal("pixelated", layout.GetProperty("rendering").GetString());

        // What reaches the screen: a device-pixel screenshot of the page's corner is the pattern, pixel for pixel.
        byte[] shot = await page.ScreenshotAsync(new PageScreenshotOptions { Scale = ScreenshotScale.Device, Clip = new Clip { X = 0, Y = 0, Width = Width / 2f, Height = Height / 2f } });
        (_, JsonElement screen) = await ReadPngAsync(shot);
        Assert.Equal(Width, screen.GetProperty("width").GetInt32());
        Assert.Equal(Height, screen.GetProperty("height").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(Pattern(0)), screen.GetProperty("pixels").GetString());

        // The pattern changes on the rig (as a run or the control thread would change it): the page follows.
        rig.Session.Slm.ShowPhase(Pattern(1));
        await WaitForVersionAsync(page, rig.Session.Slm.Version);
        await AssertShowsAsync(page, Pattern(1));
        Assert.Empty(errors);
    }

    /// <summary>pngcheck -v's report (which must pass) and python3's decoding of <paramref name="png"/>.</summary>
    private static async Task<(string Check, JsonElement Decoded)> ReadPngAsync(byte[] png)
    {
        string dir = Directory.CreateTempSubdirectory("livesmlm-slm-").FullName;
        try
        {
            string file = Path.Combine(dir, "image.png"), reader = Path.Combine(dir, "read_png.py");
            await File.WriteAllBytesAsync(file, png);
            await File.WriteAllTextAsync(reader, PythonPngReader);
            ExternalTool.Result check = ExternalTool.Run("pngcheck", "-v", file);
            Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
            ExternalTool.Result py = ExternalTool.Run("python3", reader, file);
            Assert.True(py.ExitCode == 0, py.Stderr);
            using JsonDocument decoded = JsonDocument.Parse(py.Stdout);
            return (check.Stdout, decoded.RootElement.Clone());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static HardwareProfile Profile() => LiveRig.Storm(sidePx: 32) with { Slm = new SlmProfile { WidthPx = Width, HeightPx = Height, GrayFor2Pi = 255 } };

    /// <summary>The test's own patterns: two different diagonal ramps covering every grey level.</summary>
    private static byte[] Pattern(int which)
    {
        var image = new byte[Width * Height];
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                image[(y * Width) + x] = (byte)(which == 0 ? ((x * 7) + (y * 13)) % 256 : 255 - (((x * 3) + (y * 29)) % 256));
            }
        }

        return image;
    }

    private static Task WaitForVersionAsync(IPage page, long version) =>
        page.WaitForFunctionAsync($"() => document.body.dataset.version === '{version}' && document.getElementById('pattern').complete", null, new PageWaitForFunctionOptions { Timeout = 30_000 });

    /// <summary>The image's natural size is the SLM's, and its pixels (drawn into a canvas at that size, read with getImageData) are the pattern's grey levels.</summary>
    private static async Task AssertShowsAsync(IPage page, byte[] pattern)
    {
        (int X, int Y)[] points = [(0, 0), (Width - 1, 0), (0, Height - 1), (Width - 1, Height - 1), (17, 9), (50, 33), (88, 61)];
        JsonElement shown = await page.EvaluateAsync<JsonElement>(
            """
            (points) => {
              const img = document.getElementById('pattern');
              const c = document.createElement('canvas');
              c.width = img.naturalWidth; c.height = img.naturalHeight;
              const ctx = c.getContext('2d');
              ctx.drawImage(img, 0, 0);
              const d = ctx.getImageData(0, 0, c.width, c.height).data;
              return { w: img.naturalWidth, h: img.naturalHeight, px: points.map(([x, y]) => { const i = 4 * (y * c.width + x); return [d[i], d[i + 1], d[i + 2], d[i + 3]]; }) };
            }
            """,
            points.Select(p => new[] { p.X, p.Y }).ToArray());
        Assert.Equal(Width, shown.GetProperty("w").GetInt32());
        Assert.Equal(Height, shown.GetProperty("h").GetInt32());
        JsonElement[] px = [.. shown.GetProperty("px").EnumerateArray()];
        for (int i = 0; i < points.Length; i++)
        {
            byte expected = pattern[(points[i].Y * Width) + points[i].X];
            int[] rgba = [.. px[i].EnumerateArray().Select(v => v.GetInt32())];
            Assert.True(rgba[0] == expected && rgba[1] == expected && rgba[2] == expected && rgba[3] == 255, $"pixel ({points[i].X}, {points[i].Y}) shows rgba({string.Join(", ", rgba)}), the pattern has grey {expected}");
        }
    }
}
