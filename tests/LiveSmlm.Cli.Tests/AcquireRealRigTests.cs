using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LiveSmlm.DeviceSimulators;

namespace LiveSmlm.Cli.Tests;

/// <summary>
/// `livesmlm acquire` on the example real-rig profile against the protocol simulators: a fake
/// Micro-Manager ZMQ server delivering frames, OBIS lasers on pseudo-terminals.
/// </summary>
public sealed partial class AcquireCommandTests
{
    private const double PixelNm = 108;
    private static readonly (double X, double Y)[] Spots = [(10.4, 12.6), (22.2, 8.8)];   // pixel units, pixel (i, j) centred at i + 0.5

    [Fact]
    public void Acquire_ExampleObisMmProfile_Commands405PowerOverSerial_AndRecordsTheServersFrames()
    {
        using var tmp = new TempDir();
        using var camera = new FakeMicroManagerServer(32, 32) { FrameFactory = SpotFrame };
        using var laser405 = new ObisSimulator(405, 0.1);
        using var laser640 = new ObisSimulator(640, 0.14);
        string profile = ExampleRig(tmp, camera, laser405, laser640);

        var (code, _, err) = CliRunner.Run("acquire", "--profile", profile, "--frames", "20", "--out", tmp.File("run"), "--engine", "cpu");

        Assert.True(code == 0, err);
        // The profile's 1 mW on the 405 went over the serial line in W, was read back, then emission went on and off.
        string wire = laser405.Pty.Transcript;
        int power = wire.IndexOf("SOUR:POW:LEV:IMM:AMPL 0.001\r\nSOUR:POW:LEV:IMM:AMPL?\r\n", StringComparison.Ordinal);
        int on = wire.IndexOf("SOUR:AM:STAT ON\r\n", StringComparison.Ordinal);
        int off = wire.LastIndexOf("SOUR:AM:STAT OFF\r\n", StringComparison.Ordinal);
        Assert.True(power > 0 && on > power && off > on, wire);
        Assert.Contains("SOUR:POW:LEV:IMM:AMPL 0.1\r\n", laser640.Pty.Transcript, StringComparison.Ordinal);
        Assert.False(laser405.Emission);
        Assert.False(laser640.Emission);
        Assert.Contains("setExposure(10)", camera.Calls);

        Assert.Equal(20, DirectoryLine().Matches(Tool("tiffinfo", tmp.File("run/raw.ome.tif")).Out).Count);
        using var json = JsonDocument.Parse(File.ReadAllText(tmp.File("run/summary.json")));
        Assert.StartsWith("real rig 'example-obis-mm'", json.RootElement.GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal(20, json.RootElement.GetProperty("frames_recorded").GetInt64());

        // Every frame's two spots are found where the server drew them.
        (double X, double Y)[] locs = [.. ReadXy(tmp.File("run/locs.csv"))];
        foreach ((double sx, double sy) in Spots)
        {
            int near = locs.Count(l => Math.Abs(l.X - (sx * PixelNm)) < 30 && Math.Abs(l.Y - (sy * PixelNm)) < 30);
            Assert.True(near >= 18, $"spot ({sx}, {sy}) px: {near} of 20 frames localized within 30 nm");
        }
    }

    [Fact]
    public async Task Acquire_405PortVanishes_OtherLaserCommandedOff_AndOneClearError()
    {
        using var tmp = new TempDir();
        using var camera = new FakeMicroManagerServer(32, 32) { FrameFactory = SpotFrame };
        using var laser405 = new ObisSimulator(405, 0.1);
        using var laser640 = new ObisSimulator(640, 0.14);
        string profile = ExampleRig(tmp, camera, laser405, laser640);
        int polls = 0;
        laser405.VanishWhen(c => c == "SOUR:POW:LEV?" && laser405.Emission && ++polls == 5);   // mid-acquisition, emission on

        var (code, _, err) = CliRunner.Run("acquire", "--profile", profile, "--frames", "1000", "--out", tmp.File("run"), "--engine", "cpu");
        await laser405.Vanished.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, code);
        string line = err.Trim().Split('\n')[^1];
        Assert.Contains($"serial port '{laser405.Port}' vanished", line, StringComparison.Ordinal);
        Assert.Contains("'405' could NOT be confirmed off", line, StringComparison.Ordinal);
        // The 640 on its live line was commanded off and confirmed; the 405 was sent emission on before the port went.
        string wire640 = laser640.Pty.Transcript;
        Assert.True(wire640.LastIndexOf("SOUR:AM:STAT OFF\r\nSOUR:AM:STAT?\r\n", StringComparison.Ordinal) > wire640.LastIndexOf("SOUR:AM:STAT ON\r\n", StringComparison.Ordinal), wire640);
        Assert.False(laser640.Emission);
        Assert.Contains("SOUR:AM:STAT ON\r\n", laser405.Pty.Transcript, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(tmp.File("run/summary.json")));
        Assert.True(json.RootElement.GetProperty("frames_recorded").GetInt64() < 1000);
    }

    private static string ExampleRig(TempDir tmp, FakeMicroManagerServer camera, ObisSimulator laser405, ObisSimulator laser640)
    {
        // The shipped example, with its ports and address pointed at the simulators.
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        var json = (JsonObject)JsonNode.Parse(File.ReadAllText(CliRunner.RepoFile("hardware-profiles", "example-obis-mm.json")), documentOptions: options)!;
        json.Remove("$schema");
        json["camera"]!["device"]!["address"] = camera.Address;
        json["lasers"]![0]!["device"]!["port"] = laser405.Port;
        json["lasers"]![1]!["device"]!["port"] = laser640.Port;

        // Generous reply timeouts: the simulators answer in microseconds, but this machine may be loaded (load average 30+).
        json["camera"]!["device"]!["replyTimeoutMs"] = 10_000;
        json["lasers"]![0]!["device"]!["replyTimeoutMs"] = 3_000;
        json["lasers"]![1]!["device"]!["replyTimeoutMs"] = 3_000;
        string path = tmp.File("rig.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static ushort[] SpotFrame(long index, int width, int height)
    {
        const double amplitude = 600, sigma = 1.3, baseline = 100;
        var pixels = new ushort[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double v = baseline;
                foreach ((double sx, double sy) in Spots)
                {
                    double dx = x + 0.5 - sx, dy = y + 0.5 - sy;
                    v += amplitude * Math.Exp(-((dx * dx) + (dy * dy)) / (2 * sigma * sigma));
                }

                pixels[(y * width) + x] = (ushort)Math.Round(v);
            }
        }

        return pixels;
    }

    private static IEnumerable<(double X, double Y)> ReadXy(string csv)
    {
        string[] lines = File.ReadAllLines(csv);
        string[] header = lines[0].Split(',');
        int xi = Array.IndexOf(header, "\"x [nm]\""), yi = Array.IndexOf(header, "\"y [nm]\"");
        foreach (string row in lines.Skip(1))
        {
            string[] cells = row.Split(',');
            yield return (double.Parse(cells[xi], CultureInfo.InvariantCulture), double.Parse(cells[yi], CultureInfo.InvariantCulture));
        }
    }
}
