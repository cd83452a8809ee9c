using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using LiveSmlm.Web;

namespace LiveSmlm.Web.Tests;

/// <summary>Every control endpoint (and the feed and status) answers 401 without the token, and nothing changes.</summary>
public class TokenTests
{
    /// <summary>A valid body for each control, so that only the token decides.</summary>
    private static readonly Dictionary<string, object> Bodies = new()
    {
        ["/api/control/start"] = new { },
        ["/api/control/stop"] = new { },
        ["/api/control/laser"] = new { laser = "405", power_mw = 50 },
        ["/api/control/target-density"] = new { localizations_per_frame = 77 },
        ["/api/control/recording"] = new { on = true },
        ["/api/control/feedback"] = new { mode = "automatic" },
    };

    [Fact]
    public async Task EveryControlEndpoint_WithoutOrWithAWrongToken_Is401AndChangesNothing()
    {
        await using LiveRig rig = await LiveRig.StartAsync();
        string before = Comparable(await rig.StatusAsync());
        string[] controls = [.. rig.Server.Routes.Where(r => r.Route.StartsWith("/api/control/", StringComparison.Ordinal)).Select(r => r.Route).Distinct()];
        Assert.Equal(Bodies.Keys.Order(), controls.Order());   // a new control must be added to this test

        string wrong = rig.Server.Token.Value[..^1] + (rig.Server.Token.Value[^1] == 'A' ? 'B' : 'A');
        foreach (string path in controls)
        {
            foreach (string? token in new[] { null, wrong, string.Empty + " " })
            {
                (int status, JsonElement body) = await rig.PostAsync(path, Bodies[path], token);
                Assert.True(status == 401, $"POST {path} with token '{token}' answered {status}");
                Assert.Contains("token", body.GetProperty("error").GetString(), StringComparison.Ordinal);
            }

            // Authorization: Bearer with a wrong token too.
            using HttpRequestMessage bearer = rig.Request(HttpMethod.Post, path, Bodies[path], token: null);
            bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", wrong);
            using HttpResponseMessage r = await rig.Http.SendAsync(bearer);
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        Assert.Equal(before, Comparable(await rig.StatusAsync()));
        Assert.Null(rig.Session.Run);   // never started

        // Reading needs it too: status, export, the feed.
        foreach (string path in new[] { "/api/status", "/api/export.png?pixel_nm=20" })
        {
            using HttpResponseMessage r = await rig.Http.SendAsync(rig.Request(HttpMethod.Get, path, token: null));
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        using var ws = new ClientWebSocket();
        var e = await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(new Uri($"ws://{rig.BaseUri.Authority}/ws?token={wrong}"), CancellationToken.None));
        Assert.Contains("401", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlEndpoints_WithTheToken_Act()
    {
        await using LiveRig rig = await LiveRig.StartAsync();
        (int status, JsonElement body) = await rig.PostAsync("/api/control/target-density", new { localizations_per_frame = 77 });
        Assert.Equal(200, status);
        Assert.Equal(77, body.GetProperty("target_localizations_per_frame").GetDouble());
        using HttpRequestMessage bearer = rig.Request(HttpMethod.Post, "/api/control/laser", new { laser = "640", power_mw = 321 }, token: null);
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", rig.Server.Token.Value);
        using HttpResponseMessage r = await rig.Http.SendAsync(bearer);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        JsonElement laser = (await rig.StatusAsync()).GetProperty("lasers").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "640");
        Assert.Equal(321, laser.GetProperty("power_mw").GetDouble());
    }

    [Fact]
    public void Token_IsRandomAndMatchesOnlyItself()
    {
        AccessToken a = AccessToken.Create(), b = AccessToken.Create();
        Assert.NotEqual(a.Value, b.Value);
        Assert.True(a.Value.Length >= 43, "32 random bytes in base64url");
        Assert.True(a.Matches(a.Value));
        Assert.False(a.Matches(b.Value));
        Assert.False(a.Matches(a.Value + "x"));
        Assert.False(a.Matches(a.Value[..^1]));
        Assert.False(a.Matches(null));
        Assert.False(a.Matches(string.Empty));
    }

    /// <summary>The status without what moves by itself (clients, the time).</summary>
    private static string Comparable(JsonElement status)
    {
        var copy = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(status.GetRawText())!;
        copy.Remove("clients");
        return JsonSerializer.Serialize(copy);
    }
}
