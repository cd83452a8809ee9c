using System.Buffers.Binary;
using LiveSmlm.Devices.Slm;
using LiveSmlm.Simulation.Optics;

namespace LiveSmlm.Devices.Tests.Drivers;

/// <summary>SLM phase patterns (wrap, calibration, grating) and the display-backed SLM's PNG.</summary>
public sealed class SlmPatternTests
{
    [Fact]
    public void BlazedGrating_StepsByLevelsOverPeriod_AndWrapsAtTheGrayFor2Pi()
    {
        // Period 4 px along x with 2π = grey 200: each pixel to the right adds 200 / 4 = 50 grey levels, modulo 200.
        byte[] image = SlmPattern.Build(16, 8, [], new BlazedGrating(4, 0), new SlmCalibration { GrayFor2Pi = 200 });

        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 15; x++)
            {
                Assert.Equal(50, (image[(y * 16) + x + 1] - image[(y * 16) + x] + 200) % 200);
                Assert.Equal(image[x], image[(y * 16) + x]);
            }
        }

        Assert.All(image, g => Assert.InRange(g, 0, 199));
    }

    [Fact]
    public void FlatnessCorrection_IsAddedModulo2Pi()
    {
        var flat = new byte[8 * 8];
        Array.Fill(flat, (byte)100);
        byte[] plain = SlmPattern.Build(8, 8, [new(ZernikeTerm.Defocus, 3)], null, new SlmCalibration { GrayFor2Pi = 128 });
        byte[] corrected = SlmPattern.Build(8, 8, [new(ZernikeTerm.Defocus, 3)], null, new SlmCalibration { GrayFor2Pi = 128, FlatnessCorrection = flat });

        Assert.Equal(plain.Select(g => (byte)((g + 100) % 128)), corrected);
    }

    [Fact]
    public void DisplaySlm_KeepsTheLatestPattern_AsAPngOfThePanelSize()
    {
        using var slm = new DisplaySlm("slm", 40, 24);
        slm.Connect();
        byte[] pattern = SlmPattern.Build(40, 24, SlmPattern.TetrapodLike(2), new BlazedGrating(8, 0.3), new SlmCalibration());
        long before = slm.Version;
        slm.ShowPhase(pattern);

        Assert.Equal(before + 1, slm.Version);
        Assert.Equal(pattern, slm.CurrentPhase());
        byte[] png = slm.Png();
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(40, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(24, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.Equal(0, png[25]);   // colour type 0: grey
        Assert.Throws<ArgumentException>(() => slm.ShowPhase(new byte[10]));
    }
}
