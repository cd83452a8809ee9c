using System.Text.Json;

namespace LiveSmlm.Web.Tests;

/// <summary>Out-of-range and malformed values are refused with a message naming the range, and nothing changes.</summary>
public class RangeTests
{
    public static TheoryData<string, string, string> Refused => new()
    {
        // simulated-storm.json: 405 max 100 mW, 640 max 500 mW.
        { "/api/control/laser", """{"laser":"405","power_mw":100.5}""", "[0, 100] mW" },
        { "/api/control/laser", """{"laser":"405","power_mw":250}""", "[0, 100] mW" },
        { "/api/control/laser", """{"laser":"640","power_mw":501}""", "[0, 500] mW" },
        { "/api/control/laser", """{"laser":"640","power_mw":-1}""", "[0, 500] mW" },
        { "/api/control/laser", """{"laser":"488","power_mw":1}""", "has no laser '488'" },
        { "/api/control/laser", """{"laser":"405","power_mw":"lots"}""", "must be a number" },
        { "/api/control/laser", """{"laser":"405"}""", "\"power_mw\"" },
        { "/api/control/laser", "not json", "JSON object" },
        { "/api/control/target-density", """{"localizations_per_frame":0}""", "(0, 1e6]" },
        { "/api/control/target-density", """{"localizations_per_frame":-5}""", "(0, 1e6]" },
        { "/api/control/target-density", """{"localizations_per_frame":2e6}""", "(0, 1e6]" },
        { "/api/control/recording", """{"on":"yes"}""", "true or false" },
        { "/api/control/feedback", """{"mode":"turbo"}""", "\"manual\", \"automatic\"" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Control_OutOfRange_Is400WithTheRangeAndChangesNothing(string path, string body, string named)
    {
        await using LiveRig rig = await LiveRig.StartAsync();
        string before = (await rig.StatusAsync()).GetRawText();
        using HttpRequestMessage request = rig.Request(HttpMethod.Post, path);
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using HttpResponseMessage r = await rig.Http.SendAsync(request);
        string text = await r.Content.ReadAsStringAsync();

        Assert.True((int)r.StatusCode == 400, $"{path} {body} answered {(int)r.StatusCode}: {text}");
        Assert.Contains(named, JsonDocument.Parse(text).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, (await rig.StatusAsync()).GetRawText());
    }

    [Fact]
    public async Task Laser_AboveMaximumDuringARun_IsRefusedAndTheLaserKeepsItsPower()
    {
        await using LiveRig rig = await LiveRig.StartAsync();
        Assert.Equal(200, (await rig.PostAsync("/api/control/start")).Status);
        await rig.WaitForAsync(s => s.GetProperty("state").GetString() == "acquiring" && s.GetProperty("frames").GetInt64() > 0, TimeSpan.FromSeconds(60), "the run to acquire");
        Assert.Equal(200, (await rig.PostAsync("/api/control/laser", new { laser = "405", power_mw = 12.5 })).Status);
        (int status, JsonElement body) = await rig.PostAsync("/api/control/laser", new { laser = "405", power_mw = 100.01 });

        Assert.Equal(400, status);
        Assert.Contains("maxPowerMw", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(12.5, rig.Session.ActivationPowerMw());   // the simulated laser's emitted power, read from the device
        Assert.Equal(409, (await rig.PostAsync("/api/control/start")).Status);
        Assert.Equal(409, (await rig.PostAsync("/api/control/recording", new { on = true })).Status);
        Assert.Equal("stopped", (await rig.PostAsync("/api/control/stop")).Body.GetProperty("state").GetString());
        Assert.Equal(0, rig.Session.ActivationPowerMw());      // lasers off after the run
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("1001")]
    [InlineData("abc")]
    [InlineData("1")]   // 1 nm is allowed as such, but 51.2 µm / 1 nm = 51 200² pixels is more than the export's 2^26
    public async Task Export_PixelSizeOutOfRange_IsRefused(string pixelNm)
    {
        await using LiveRig rig = await LiveRig.StartAsync(LiveRig.Storm(sidePx: 512));
        using HttpResponseMessage r = await rig.Http.SendAsync(rig.Request(HttpMethod.Get, $"/api/export.png?pixel_nm={pixelNm}"));
        Assert.Equal(400, (int)r.StatusCode);
        Assert.Contains("pixel_nm", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
