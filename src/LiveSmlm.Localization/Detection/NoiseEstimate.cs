namespace LiveSmlm.Localization;

/// <summary>
/// The frame's own noise level from the first wavelet level W1 = f − V1: its standard deviation after
/// clipping at ±3 std, so that the few pixels on emitters do not inflate it.
/// </summary>
public static class NoiseEstimate
{
    // Clip at 3 std: a Gaussian keeps 99.73 % of its mass and its std shrinks to 0.9866 σ, undone below.
    private const float ClipStd = 3f;
    private const float ClippedStdOfUnitGaussian = 0.98657f;

    /// <summary>Clipped std of (<paramref name="image"/> − <paramref name="smoothed"/>).</summary>
    public static float ClippedStdOfDifference(ReadOnlySpan<float> image, ReadOnlySpan<float> smoothed)
    {
        double sum = 0;
        for (int i = 0; i < image.Length; i++)
        {
            float d = image[i] - smoothed[i];
            sum += d * d;
        }

        float std = (float)Math.Sqrt(sum / Math.Max(1, image.Length));
        float limit = ClipStd * std;
        double clipped = 0;
        int count = 0;
        for (int i = 0; i < image.Length; i++)
        {
            float d = image[i] - smoothed[i];
            if (MathF.Abs(d) < limit)
            {
                clipped += d * d;
                count++;
            }
        }

        return count == 0 ? 0f : (float)Math.Sqrt(clipped / count) / ClippedStdOfUnitGaussian;
    }
}
