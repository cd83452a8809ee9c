using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using LiveSmlm.Core;
using LiveSmlm.Web;

namespace LiveSmlm.Web.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>The binary feed as docs/live-view.md describes it, read back by the test's own decoder.</summary>
public class FeedFormatTests
{
    [Fact]
    public void Localizations_Message_DecodesToTheGivenRecords()
    {
        var locs = new Localization[3];
        for (int i = 0; i < locs.Length; i++)
        {
            locs[i] = Localization.Create(40 + i, 1000.5f + i, 2500.25f * (i + 1), 800);
            locs[i].UncertaintyXNm = 4 + i;
            locs[i].UncertaintyYNm = 6 + i;
        }

        locs[2].UncertaintyYNm = float.NaN;
        FeedDecoder.LocMessage m = FeedDecoder.Localizations(FeedMessages.Localizations(locs, 32, 16));

        Assert.Equal(1, m.Version);
        Assert.Equal(32, m.FirstFrame);
        Assert.Equal(16u, m.FrameCount);
        Assert.Equal(3, m.Locs.Count);
        Assert.Equal(new FeedDecoder.Loc(1000.5f, 2500.25f, 5f, 40), m.Locs[0]);
        Assert.Equal(new FeedDecoder.Loc(1001.5f, 5000.5f, 6f, 41), m.Locs[1]);
        Assert.True(float.IsNaN(m.Locs[2].PrecisionNm), "a missing uncertainty must arrive as NaN");
        Assert.Equal(7500.75f, m.Locs[2].YNm);
    }

    [Fact]
    public void Localizations_WithZ_DecodeAsVersion2WithZAppended()
    {
        var locs = new Localization[2];
        for (int i = 0; i < locs.Length; i++)
        {
            locs[i] = Localization.Create(7 + i, 300 + i, 400 + i, 1500);
            locs[i].UncertaintyXNm = 10;
            locs[i].UncertaintyYNm = 12;
        }

        locs[0].ZNm = -412.5f;
        FeedDecoder.LocMessage m = FeedDecoder.Localizations(FeedMessages.Localizations(locs, 0, 9));

        Assert.Equal(2, m.Version);
        Assert.Equal(new FeedDecoder.Loc(300, 400, 11, 7, -412.5f), m.Locs[0]);
        Assert.True(float.IsNaN(m.Locs[1].ZNm), "a localization without z in a 3D message must arrive with z NaN");
        Assert.Equal(8u, m.Locs[1].Frame);
    }

    [Fact]
    public void Localizations_MoreThanOneMessageHolds_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => FeedMessages.Localizations(new Localization[FeedMessages.MaxLocalizationsPerMessage + 1], 0, 1));
    }

    [Fact]
    public void Camera_Message_BinsAndStretchesTheFrame()
    {
        // 600 × 300: binned by ⌈600 / 256⌉ = 3 into 200 × 100; pixel value = 100 + column, so each bin's mean is 100 + 3·bx + 1.
        var frame = new Frame(600, 300) { Index = 77 };
        for (int y = 0; y < 300; y++)
        {
            for (int x = 0; x < 600; x++)
            {
                frame[x, y] = (ushort)(100 + x);
            }
        }

        FeedDecoder.CameraMessage m = FeedDecoder.Camera(FeedMessages.Camera(CameraPreview.Render(frame), [(150f, 250f), (9000f, 1234.5f)]));

        Assert.Equal((3, 77L, 200, 100), (m.Bin, m.Frame, m.Width, m.Height));
        Assert.Equal([(150f, 250f), (9000f, 1234.5f)], m.Detections);

        // Percentiles of the 20,000 bin means (nearest rank): 0.5 % → rank 100 → column bin 0 (each column bin holds 100 values), 99.9 % → bin 199.
        Assert.Equal(101f, m.BlackAdu);
        Assert.Equal(100 + (3 * 199) + 1f, m.WhiteAdu);
        for (int bx = 0; bx < 200; bx++)
        {
            double expected = Math.Clamp(Math.Round((3 * bx) * 255.0 / (3 * 199)), 0, 255);
            Assert.Equal(expected, m.Grey[(50 * 200) + bx]);
        }
    }

    /// <summary>
    /// Every localization the run wrote to locs.csv (ThunderSTORM CSV, parsed here by hand: nm, frames from 1)
    /// arrives over the WebSocket exactly once, in the documented format, before and after the browser joined.
    /// </summary>
    [Fact]
    public async Task Feed_OfARecordedRun_CarriesExactlyTheLocalizationsOfItsCsv()
    {
        string recordings = Directory.CreateTempSubdirectory("livesmlm-web-feed-").FullName;
        await using LiveRig rig = await LiveRig.StartAsync(options: new LiveSessionOptions { Engine = "cpu", Record = true, RecordingRoot = recordings }, server: new LiveServerOptions { ClientCapacity = 100_000 });
        Assert.Equal(200, (await rig.PostAsync("/api/control/start")).Status);
        await rig.WaitForAsync(s => s.GetProperty("frames_localized").GetInt64() >= 40, TimeSpan.FromSeconds(60), "40 frames localized before the browser connects");

        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://{rig.BaseUri.Authority}/ws?token={rig.Server.Token.Value}"), CancellationToken.None);
        var received = new List<FeedDecoder.Loc>();
        int cameras = 0;
        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        Task<int> reader = Task.Run(async () =>
        {
            var buffer = new byte[1 << 22];
            int statuses = 0;
            while (true)
            {
                var message = new MemoryStream();
                WebSocketReceiveResult r;
                do
                {
                    r = await ws.ReceiveAsync(buffer, reading.Token);
                    message.Write(buffer, 0, r.Count);
                }
                while (!r.EndOfMessage);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return statuses;
                }

                byte[] bytes = message.ToArray();
                if (r.MessageType == WebSocketMessageType.Text)
                {
                    statuses++;
                    JsonElement json = JsonDocument.Parse(bytes).RootElement;
                    if (json.GetProperty("type").GetString() == "status" && json.GetProperty("status").GetProperty("state").GetString() == "stopped")
                    {
                        return statuses;
                    }
                }
                else if (bytes[0] == 1)
                {
                    lock (received)
                    {
                        received.AddRange(FeedDecoder.Localizations(bytes).Locs);
                    }
                }
                else
                {
                    Assert.Equal(2, bytes[0]);
                    FeedDecoder.Camera(bytes);
                    cameras++;
                }
            }
        });

        await rig.WaitForAsync(s => s.GetProperty("frames_localized").GetInt64() >= 120, TimeSpan.FromSeconds(60), "120 frames localized");
        JsonElement stopped = await rig.PostAsync("/api/control/stop").ContinueWith(t => t.Result.Body);
        Assert.Equal("stopped", stopped.GetProperty("state").GetString());
        Assert.True(await reader > 0, "no status message arrived");
        Assert.True(cameras > 0, "no camera preview arrived");

        string csv = Path.Combine(stopped.GetProperty("recording_folder").GetString()!, "locs.csv");
        var expected = File.ReadLines(csv).Skip(1).Select(line =>
        {
            string[] f = line.Split(',');
            return (Frame: uint.Parse(f[1], CultureInfo.InvariantCulture) - 1, X: double.Parse(f[2], CultureInfo.InvariantCulture), Y: double.Parse(f[3], CultureInfo.InvariantCulture));
        }).OrderBy(l => l.Frame).ThenBy(l => l.X).ThenBy(l => l.Y).ToList();
        var got = received.OrderBy(l => l.Frame).ThenBy(l => l.XNm).ThenBy(l => l.YNm).ToList();

        Assert.True(expected.Count > 100, $"only {expected.Count} localizations in {csv}");
        Assert.Equal(expected.Count, got.Count);
        for (int i = 0; i < got.Count; i++)
        {
            Assert.Equal(expected[i].Frame, got[i].Frame);
            Assert.Equal(expected[i].X, got[i].XNm, 0.01);
            Assert.Equal(expected[i].Y, got[i].YNm, 0.01);
            Assert.True(got[i].PrecisionNm is > 0 and < 100, $"precision {got[i].PrecisionNm} nm");
        }

        Directory.Delete(recordings, true);
    }
}
