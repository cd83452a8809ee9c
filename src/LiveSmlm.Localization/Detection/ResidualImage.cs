namespace LiveSmlm.Localization;

/// <summary>
/// The second detection pass's per-pixel math (DAOSTORM's residual detection): the model image of a
/// frame's accepted emitters (pixel-integrated Gaussians, <see cref="AxisTable"/>), so that detection
/// can run again on data − model and the new candidates be fitted with the accepted spots as known
/// model (their expected counts added to the per-pixel variance, as Huang et al. do for read noise).
/// Static over value types so every backend can call it.
/// </summary>
public static class ResidualImage
{
    /// <summary>
    /// Adds to <paramref name="model"/> (width·height, photoelectrons) the expected counts of a spot of
    /// <paramref name="photons"/> photoelectrons at (<paramref name="x"/>, <paramref name="y"/>) px
    /// (pixel i covers [i, i + 1)) and width <paramref name="sigma"/> px, over a window of
    /// 2·ceil(3σ)+1 px (at most <see cref="GaussianMle.MaxRoiSize"/>) around it; pixels outside the frame are skipped.
    /// </summary>
    public static void AddSpot(Span<float> model, int width, int height, float x, float y, float photons, float sigma)
    {
        if (!(sigma > 0f) || !float.IsFinite(x) || !float.IsFinite(y) || !float.IsFinite(photons))
        {
            return;
        }

        int n = Math.Min(GaussianMle.MaxRoiSize, (2 * (int)MathF.Ceiling(3f * sigma)) + 1);
        int x0 = (int)MathF.Floor(x) - (n / 2), y0 = (int)MathF.Floor(y) - (n / 2);
        AxisTable ax = default, ay = default;
        ax.Fill(n, x - x0, sigma);
        ay.Fill(n, y - y0, sigma);
        for (int j = 0; j < n; j++)
        {
            int py = y0 + j;
            if (py < 0 || py >= height)
            {
                continue;
            }

            float ey = photons * ay.Integral(j);
            for (int i = 0; i < n; i++)
            {
                int px = x0 + i;
                if (px >= 0 && px < width)
                {
                    model[(py * width) + px] += ey * ax.Integral(i);
                }
            }
        }
    }

    /// <summary>
    /// Marks in <paramref name="near"/> every pixel whose centre lies within <paramref name="radius"/> px
    /// of (<paramref name="x"/>, <paramref name="y"/>): residual maxima there are the accepted
    /// emitter's own model mismatch, not a new one.
    /// </summary>
    public static void MarkNear(Span<bool> near, int width, int height, float x, float y, float radius)
    {
        int r = (int)MathF.Ceiling(radius) + 1;
        int cx = (int)MathF.Floor(x), cy = (int)MathF.Floor(y);
        for (int py = Math.Max(0, cy - r); py <= Math.Min(height - 1, cy + r); py++)
        {
            for (int px = Math.Max(0, cx - r); px <= Math.Min(width - 1, cx + r); px++)
            {
                float dx = px + 0.5f - x, dy = py + 0.5f - y;
                if ((dx * dx) + (dy * dy) <= radius * radius)
                {
                    near[(py * width) + px] = true;
                }
            }
        }
    }
}
