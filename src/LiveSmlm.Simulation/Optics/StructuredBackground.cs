namespace LiveSmlm.Simulation;

/// <summary>
/// The background image in photons per pixel per frame at the sample: the uniform level plus a smooth
/// random landscape of wide Gaussian blobs (a cell's out-of-focus body), scaled so its peak is the
/// configured structured level. Built once per camera.
/// </summary>
public static class StructuredBackground
{
    /// <summary>Upper bound on blobs so building stays cheap for huge sensors with a small scale.</summary>
    private const int MaxBlobs = 256;

    public static float[] Build(BackgroundSettings background, int widthPx, int heightPx, double pixelSizeNm, ref Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(background);
        var image = new float[widthPx * heightPx];
        if (background.StructuredPhotonsPerPixel > 0)
        {
            AddBlobs(image, background, widthPx, heightPx, pixelSizeNm, ref rng);
        }

        float uniform = (float)background.UniformPhotonsPerPixel;
        for (int i = 0; i < image.Length; i++)
        {
            image[i] += uniform;
        }

        return image;
    }

    private static void AddBlobs(float[] image, BackgroundSettings background, int widthPx, int heightPx, double pixelSizeNm, ref Xoshiro256 rng)
    {
        double scalePx = background.StructuredScaleNm / pixelSizeNm;
        int blobs = (int)Math.Clamp(Math.Ceiling(widthPx * heightPx / (scalePx * scalePx)), 1, MaxBlobs);
        var field = new double[image.Length];
        double inv2s2 = 1.0 / (2 * scalePx * scalePx);
        for (int b = 0; b < blobs; b++)
        {
            double cx = rng.NextDouble() * widthPx;
            double cy = rng.NextDouble() * heightPx;
            double weight = 0.5 + rng.NextDouble();
            for (int y = 0; y < heightPx; y++)
            {
                double dy2 = (y + 0.5 - cy) * (y + 0.5 - cy);
                for (int x = 0; x < widthPx; x++)
                {
                    double dx = x + 0.5 - cx;
                    field[(y * widthPx) + x] += weight * Math.Exp(-((dx * dx) + dy2) * inv2s2);
                }
            }
        }

        double peak = field.Max();
        double scale = peak > 0 ? background.StructuredPhotonsPerPixel / peak : 0;
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = (float)(field[i] * scale);
        }
    }
}
