using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LiveSmlm.Web;

namespace LiveSmlm.Web.Tests;

/// <summary>A browser that stops reading loses its own oldest messages (counted) and never holds back acquisition.</summary>
public class SlowClientTests
{
    [Fact]
    public async Task ClientThatStopsReading_DoesNotStallAcquisition_AndItsDropsAreCounted()
    {
        // Paced at 25 frames/s (slow enough for a heavily shared 2-core machine): a data plane held back by the
        // stalled browser would fall behind the camera and overflow it (state faulted, frames dropped).
        // The drift and FRC monitors are left out: this is about the feed, and they only add CPU load.
        await using LiveRig rig = await LiveRig.StartAsync(LiveRig.Storm(frameRateHz: 25), new LiveSessionOptions { Engine = "cpu", Monitor = false }, server: new LiveServerOptions { ClientCapacity = 4, StatusInterval = TimeSpan.FromMilliseconds(50) });

        // A WebSocket client written by hand: the handshake of RFC 6455, then never a read, with a tiny receive window.
        using var tcp = new TcpClient { ReceiveBufferSize = 1024 };
        await tcp.ConnectAsync(rig.BaseUri.Host, rig.BaseUri.Port);
        NetworkStream stream = tcp.GetStream();
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /ws?token={rig.Server.Token.Value} HTTP/1.1\r\nHost: {rig.BaseUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        string handshake = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 101", handshake, StringComparison.Ordinal);
        string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        Assert.Contains($"Sec-WebSocket-Accept: {accept}", handshake, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(200, (await rig.PostAsync("/api/control/start")).Status);
        JsonElement stalled = await rig.WaitForAsync(
            s => s.GetProperty("clients").EnumerateArray().Any(c => c.GetProperty("dropped_messages").GetInt64() > 20),
            TimeSpan.FromSeconds(60),
            "the stalled client's channel to drop messages");
        long framesThen = stalled.GetProperty("frames").GetInt64();

        // Acquisition goes on at the camera's rate: 100 more frames (4 s at 25 frames/s).
        JsonElement later = await rig.WaitForAsync(s => s.GetProperty("frames").GetInt64() >= framesThen + 100 || s.GetProperty("state").GetString() != "acquiring", TimeSpan.FromSeconds(60), "100 more frames");
        Assert.True(later.GetProperty("state").GetString() == "acquiring", $"the run did not keep acquiring: {later}");
        Assert.Equal(0, later.GetProperty("frames_dropped").GetInt64());
        Assert.Equal(0, later.GetProperty("view_gap_frames").GetInt64());
        JsonElement client = later.GetProperty("clients").EnumerateArray().Single();
        Assert.True(client.GetProperty("dropped_messages").GetInt64() > stalled.GetProperty("clients")[0].GetProperty("dropped_messages").GetInt64(), "drops keep being counted");

        JsonElement stopped = (await rig.PostAsync("/api/control/stop")).Body;
        Assert.Equal("stopped", stopped.GetProperty("state").GetString());
        Assert.Null(stopped.GetProperty("error").GetString());
        Assert.Equal(stopped.GetProperty("frames").GetInt64(), stopped.GetProperty("frames_localized").GetInt64());
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            Assert.Equal(1, await stream.ReadAsync(one).AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
