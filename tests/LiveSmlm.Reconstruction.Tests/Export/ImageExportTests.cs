namespace LiveSmlm.Reconstruction.Tests;

/// <summary>
/// Contrast and colormap of exported renders, read back with the independent python decoder and
/// compared with the formulas written out here.
/// </summary>
public sealed class ImageExportTests
{
    [Fact]
    public void WriteRenderPng_Gray_ScalesByPercentileOfNonZeroPixels()
    {
        // Ten non-zero values 1..10 and six zeros; the 50th percentile (nearest rank) of the
        // non-zero pixels is the 5th smallest, 5, which maps to 255.
        float[] image = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 0, 0, 0];
        using var file = new TempFile("render.png");

        ImageExport.WriteRenderPng(file.Path, image, 4, 4, Colormap.Gray, saturatePercentile: 50);
        PythonPngReader.Decoded png = PythonPngReader.Read(file.Path);

        byte[] expected = image.Select(v => (byte)Math.Round(255 * Math.Min(v / 5.0, 1), MidpointRounding.AwayFromZero)).ToArray();
        Assert.Equal(0, png.ColourType);
        Assert.Equal(expected, png.Pixels);
    }

    [Fact]
    public void WriteRenderPng_Hot_FollowsBlackRedYellowWhite()
    {
        // Full scale at the maximum (percentile 100): t = v / 12.
        float[] image = [0, 2, 4, 6, 8, 10, 12, 3];
        using var file = new TempFile("hot.png");

        ImageExport.WriteRenderPng(file.Path, image, 8, 1, Colormap.Hot, saturatePercentile: 100);
        PythonPngReader.Decoded png = PythonPngReader.Read(file.Path);

        Assert.Equal(2, png.ColourType);
        for (int i = 0; i < image.Length; i++)
        {
            double t = image[i] / 12.0;
            Assert.Equal(Channel(3 * t), png.Pixels[3 * i]);
            Assert.Equal(Channel((3 * t) - 1), png.Pixels[(3 * i) + 1]);
            Assert.Equal(Channel((3 * t) - 2), png.Pixels[(3 * i) + 2]);
        }

        // The saturated pixel is white, the empty one black.
        Assert.Equal(new byte[] { 255, 255, 255 }, png.Pixels[18..21]);
        Assert.Equal(new byte[] { 0, 0, 0 }, png.Pixels[0..3]);
    }

    [Fact]
    public void WriteRenderPng_Gamma_RaisesNormalisedLevel()
    {
        float[] image = [0.25f, 1f];
        using var file = new TempFile("gamma.png");

        ImageExport.WriteRenderPng(file.Path, image, 2, 1, Colormap.Gray, saturatePercentile: 100, gamma: 0.5);

        // 0.25^0.5 = 0.5 → 127.5 → 128.
        Assert.Equal(new byte[] { 128, 255 }, PythonPngReader.Read(file.Path).Pixels);
    }

    [Fact]
    public void WriteRenderPng_EmptyRender_IsBlack()
    {
        using var file = new TempFile("empty.png");
        ImageExport.WriteRenderPng(file.Path, new float[6], 3, 2, Colormap.Gray);
        Assert.Equal(new byte[6], PythonPngReader.Read(file.Path).Pixels);
    }

    [Fact]
    public void WriteRenderPng_SizeMismatch_Throws()
    {
        using var file = new TempFile("bad.png");
        Assert.Throws<ArgumentException>(() => ImageExport.WriteRenderPng(file.Path, new float[5], 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageExport.WriteRenderPng(file.Path, new float[6], 3, 2, saturatePercentile: 0));
    }

    private static byte Channel(double unit) => (byte)Math.Round(255 * Math.Clamp(unit, 0, 1), MidpointRounding.AwayFromZero);
}
