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
