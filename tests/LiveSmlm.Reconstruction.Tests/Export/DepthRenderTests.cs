using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction.Tests;

/// <summary>The depth-coloured render of 3D data, decoded by the independent python PNG reader.</summary>
public sealed class DepthRenderTests
{
    [Fact]
    public void DepthRender_NearLocalizationsAreBlueAndFarOnesRed()
    {
        var renderer = new GaussianRenderer(new RenderSettings { PixelSizeNm = 10, WidthNm = 400, HeightNm = 100, FixedSigmaNm = 10, DepthRangeNm = (-500, 500) });
        Localization near = Localization.Create(0, 50, 50, 1000), middle = Localization.Create(0, 200, 50, 1000), far = Localization.Create(0, 350, 50, 1000);
        near.ZNm = -500;
        middle.ZNm = 0;
        far.ZNm = 500;
        renderer.Add([near, middle, far]);
        using var file = new TempFile("depth.png");
        ImageExport.WriteDepthPng(file.Path, renderer.Image, renderer.DepthSum!, renderer.Width, renderer.Height, -500, 500, saturatePercentile: 100);
        PythonPngReader.Decoded png = PythonPngReader.Read(file.Path);
        Assert.Equal(2, png.ColourType);

        // Each spot's centre pixel: hue from its z over [−500, 500] nm (blue, green, red), full brightness.
        Assert.Equal(new byte[] { 0, 0, 255 }, Pixel(png, 5, 5));
        Assert.Equal(new byte[] { 0, 255, 0 }, Pixel(png, 20, 5));
        Assert.Equal(new byte[] { 255, 0, 0 }, Pixel(png, 35, 5));
        Assert.Equal(new byte[] { 0, 0, 0 }, Pixel(png, 12, 0));
    }

    private static byte[] Pixel(PythonPngReader.Decoded png, int x, int y) => png.Pixels[(3 * ((y * png.Width) + x))..((3 * ((y * png.Width) + x)) + 3)];
}
