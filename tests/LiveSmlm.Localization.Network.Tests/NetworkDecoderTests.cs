using LiveSmlm.Localization.Network;

namespace LiveSmlm.Localization.Network.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>The decoding of output maps, checked against maps built by hand and values worked out by hand.</summary>
public class NetworkDecoderTests
{
    private const int W = 12;
    private const int H = 10;

    // 100 nm pixels, QE 0.8, PSF σ 130 nm.
    private static readonly DecodeUnits Units = new(100, 0.8, 130);

    private static float[] Maps(int stride = W, int rows = H) => new float[NetworkDecoder.Channels * stride * rows];

    private static void Set(float[] maps, int stride, int rows, int x, int y, float p, float dx = 0, float dy = 0, float n = 800, float sx = 0.1f, float sy = 0.2f, float bg = 16)
    {
        int plane = stride * rows;
        int i = (y * stride) + x;
        maps[i] = p;
        maps[plane + i] = dx;
        maps[(2 * plane) + i] = dy;
        maps[(3 * plane) + i] = n;
        maps[(4 * plane) + i] = sx;
        maps[(5 * plane) + i] = sy;
        maps[(7 * plane) + i] = bg;
    }

    [Fact]
    public void One_confident_pixel_becomes_one_localization_in_physical_units()
    {
        float[] maps = Maps();
        Set(maps, W, H, x: 7, y: 4, p: 0.95f, dx: 0.25f, dy: -0.4f, n: 800, sx: 0.1f, sy: 0.2f, bg: 16);
        var output = new List<Localization>();

        int added = NetworkDecoder.Decode(maps, W, H, W, H, frame: 5, DecodeOptions.Default, Units, output);

        Assert.Equal(1, added);
        Localization loc = Assert.Single(output);
        Assert.Equal(5, loc.Frame);
        Assert.Equal(775f, loc.XNm, 3); // (7 + 0.5 + 0.25) · 100
        Assert.Equal(410f, loc.YNm, 3); // (4 + 0.5 − 0.4) · 100
        Assert.Equal(1000f, loc.Photons, 2); // 800 e⁻ / QE 0.8
        Assert.Equal(20f, loc.BackgroundPhotons, 3); // 16 e⁻ / 0.8
        Assert.Equal(10f, loc.UncertaintyXNm, 3);
        Assert.Equal(20f, loc.UncertaintyYNm, 3);
        Assert.Equal(130f, loc.SigmaXNm);
        Assert.True(float.IsNaN(loc.ZNm));
    }

    [Fact]
    public void Probability_split_over_two_pixels_counts_once_at_the_larger()
    {
        float[] maps = Maps();
        Set(maps, W, H, x: 3, y: 3, p: 0.35f, dx: 0.45f);
        Set(maps, W, H, x: 4, y: 3, p: 0.40f, dx: -0.45f);

        var output = new List<Localization>();
        NetworkDecoder.Decode(maps, W, H, W, H, 0, DecodeOptions.Default, Units, output);

        Localization loc = Assert.Single(output);
        Assert.Equal(405f, loc.XNm, 3); // pixel 4: (4 + 0.5 − 0.45) · 100
    }

    [Fact]
    public void Weak_or_isolated_probability_is_no_emitter()
    {
        float[] maps = Maps();
        Set(maps, W, H, x: 2, y: 2, p: 0.5f); // a lone 0.5: its 3×3 sum is below 0.6
        Set(maps, W, H, x: 8, y: 6, p: 0.09f); // below the raw threshold, though its neighbours sum high
        Set(maps, W, H, x: 9, y: 6, p: 0.08f);
        Set(maps, W, H, x: 8, y: 7, p: 0.08f);

        var output = new List<Localization>();
        Assert.Equal(0, NetworkDecoder.Decode(maps, W, H, W, H, 0, DecodeOptions.Default, Units, output));
        Assert.Empty(output);
    }

    [Fact]
    public void Padding_beyond_the_frame_is_not_read_and_results_are_sorted_by_x()
    {
        const int stride = 16;
        const int rows = 12;
        float[] maps = Maps(stride, rows);
        Set(maps, stride, rows, x: 9, y: 1, p: 0.9f);
        Set(maps, stride, rows, x: 1, y: 8, p: 0.9f);
        Set(maps, stride, rows, x: 13, y: 2, p: 0.99f); // padding column
        Set(maps, stride, rows, x: 5, y: 11, p: 0.99f); // padding row

        var output = new List<Localization>();
        NetworkDecoder.Decode(maps, W, H, stride, rows, 3, DecodeOptions.Default, Units, output);

        Assert.Equal([150f, 950f], output.Select(l => l.XNm));
        Assert.Equal([850f, 150f], output.Select(l => l.YNm));
    }

    [Fact]
    public void Emitters_on_the_edge_are_flagged_at_border()
    {
        float[] maps = Maps();
        Set(maps, W, H, x: 0, y: 5, p: 0.9f);
        Set(maps, W, H, x: 6, y: 5, p: 0.9f);

        var output = new List<Localization>();
        NetworkDecoder.Decode(maps, W, H, W, H, 0, DecodeOptions.Default, Units, output);

        Assert.Equal(2, output.Count);
        Assert.True(output[0].Flags.HasFlag(Core.LocalizationFlags.AtBorder));
        Assert.False(output[1].Flags.HasFlag(Core.LocalizationFlags.AtBorder));
    }

    [Fact]
    public void Maps_too_small_for_the_frame_are_refused()
    {
        Assert.Throws<ArgumentException>(() => NetworkDecoder.Decode(new float[10], W, H, W, H, 0, DecodeOptions.Default, Units, []));
    }
}
