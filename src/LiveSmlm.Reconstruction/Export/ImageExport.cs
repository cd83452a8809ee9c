using System.Globalization;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// Turns a rendered float image into a PNG a person can look at: a percentile of the non-zero
/// pixels saturates (so a few bright clusters do not leave the rest black), optional gamma, colormap.
/// </summary>
public static class ImageExport
{
    /// <summary>
    /// Writes <paramref name="image"/> (row-major, width × height) as a PNG. The value at
    /// <paramref name="saturatePercentile"/> of the positive pixels (nearest rank) maps to full scale;
    /// t = clamp(v / saturation, 0, 1)^gamma then goes through <paramref name="colormap"/>.
    /// gamma below 1 brightens faint structure.
    /// </summary>
    public static void WriteRenderPng(string path, float[] image, int width, int height, Colormap colormap = Colormap.Hot, double saturatePercentile = 99.5, double gamma = 1.0)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (width <= 0 || height <= 0 || (long)width * height != image.Length)
        {
            throw new ArgumentException($"Image holds {image.Length} pixels but width × height = {width}×{height}; they must agree and be positive.", nameof(image));
        }

        if (!(saturatePercentile > 0 && saturatePercentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(saturatePercentile), $"saturatePercentile = {saturatePercentile.ToString(CultureInfo.InvariantCulture)} is out of range; allowed (0, 100].");
        }

        if (!(gamma > 0 && double.IsFinite(gamma)))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), $"gamma = {gamma.ToString(CultureInfo.InvariantCulture)} is out of range; allowed > 0 (1 = linear).");
        }

        double saturation = SaturationLevel(image, saturatePercentile);
        switch (colormap)
        {
            case Colormap.Gray:
                var grey = new byte[image.Length];
                for (int i = 0; i < image.Length; i++)
                {
                    grey[i] = ToByte(Level(image[i], saturation, gamma));
                }

                PngWriter.WriteGray8(path, width, height, grey);
                break;
            case Colormap.Hot:
                var rgb = new byte[image.Length * 3];
                for (int i = 0; i < image.Length; i++)
                {
                    double t = Level(image[i], saturation, gamma);
                    rgb[3 * i] = ToByte(3 * t);
                    rgb[(3 * i) + 1] = ToByte((3 * t) - 1);
                    rgb[(3 * i) + 2] = ToByte((3 * t) - 2);
                }

                PngWriter.WriteRgb8(path, width, height, rgb);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(colormap), $"Unknown colormap {colormap}; allowed Gray or Hot.");
        }
    }

    /// <summary>
    /// Writes a depth-coloured render: hue from the mean depth DepthSum/Image of each pixel over
    /// [zMin, zMax] (blue → cyan → green → yellow → red, nearest to farthest from the coverslip as in
    /// ThunderSTORM's and Picasso's 3D views), brightness from the intensity scaled as <see cref="WriteRenderPng"/> does.
    /// </summary>
    public static void WriteDepthPng(string path, float[] image, float[] depthSum, int width, int height, double zMinNm, double zMaxNm, double saturatePercentile = 99.5)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(depthSum);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (width <= 0 || height <= 0 || (long)width * height != image.Length || depthSum.Length != image.Length)
        {
            throw new ArgumentException($"Intensity ({image.Length}) and depth ({depthSum.Length}) images must both hold width × height = {width}×{height} pixels.", nameof(image));
        }

        if (!(zMaxNm > zMinNm))
        {
            throw new ArgumentOutOfRangeException(nameof(zMaxNm), $"Depth range [{zMinNm}, {zMaxNm}] nm is empty; zMaxNm must exceed zMinNm.");
        }

        double saturation = SaturationLevel(image, saturatePercentile);
        var rgb = new byte[image.Length * 3];
        for (int i = 0; i < image.Length; i++)
        {
            double level = Level(image[i], saturation, 1.0);
            if (level <= 0)
            {
                continue;
            }

            double t = Math.Clamp(((depthSum[i] / image[i]) - zMinNm) / (zMaxNm - zMinNm), 0, 1);
            (double r, double g, double b) = DepthColour(t);
            rgb[3 * i] = ToByte(level * r);
            rgb[(3 * i) + 1] = ToByte(level * g);
            rgb[(3 * i) + 2] = ToByte(level * b);
        }

        PngWriter.WriteRgb8(path, width, height, rgb);
    }

    /// <summary>The depth colour of t ∈ [0, 1]: piecewise-linear blue (0) → cyan (¼) → green (½) → yellow (¾) → red (1).</summary>
    public static (double R, double G, double B) DepthColour(double t)
    {
        t = Math.Clamp(t, 0, 1);
        return t switch
        {
            < 0.25 => (0, 4 * t, 1),
            < 0.5 => (0, 1, 1 - (4 * (t - 0.25))),
            < 0.75 => (4 * (t - 0.5), 1, 0),
            _ => (1, 1 - (4 * (t - 0.75)), 0),
        };
    }

    /// <summary>
    /// Nearest-rank percentile of the positive finite pixels: the value at index ⌈p/100 · n⌉ − 1 of
    /// their sorted list. 1 when no pixel is positive, so an empty render exports black.
    /// </summary>
    internal static double SaturationLevel(float[] image, double percentile)
    {
        var positive = new List<float>();
        foreach (float v in image)
        {
            if (v > 0 && float.IsFinite(v))
            {
                positive.Add(v);
            }
        }

        if (positive.Count == 0)
        {
            return 1;
        }

        positive.Sort();
        int rank = (int)Math.Ceiling(percentile / 100.0 * positive.Count) - 1;
        return positive[Math.Clamp(rank, 0, positive.Count - 1)];
    }

    private static double Level(float value, double saturation, double gamma)
    {
        double t = value / saturation;
        if (!(t > 0))
        {
            return 0; // negative, zero and NaN all show as black
        }

        return Math.Pow(Math.Min(t, 1.0), gamma);
    }

    private static byte ToByte(double unit) => (byte)Math.Round(255 * Math.Clamp(unit, 0, 1), MidpointRounding.AwayFromZero);
}
