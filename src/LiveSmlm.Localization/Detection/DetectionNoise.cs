using System.Numerics;
using System.Runtime.InteropServices;

namespace LiveSmlm.Localization;

/// <summary>
/// The detection threshold from the camera's noise model instead of the frame's measured noise: at each
/// pixel, factor · c · √(F · max(V2, 0) + read variance), with V2 the second wavelet smoothing (the
/// local mean, photoelectrons: background and the tails of nearby emitters), F the excess noise
/// factor (2 for an EMCCD) and c = std(W1)/σ = 0.8908 for white noise of std σ, so that factor 1 is
/// the threshold the measured noise gives on an empty frame (ThunderSTORM's 1.0 · std(W1)). A measured
/// std(W1) grows with the emitters in the frame (at 1 per µm² it doubles) and raised the threshold
/// over the dim ones; the modelled noise does not. Not for the noise-normalised residual of the
/// temporal background: its noise also holds the running median's error (on the as-shipped PAINT
/// stack ≈ 1.3 × the camera's), so there the frame's measured std(W1) stays (<see cref="NoiseEstimate"/>).
/// Value type passed into the GPU kernels; both backends compute <see cref="At"/> in the same float order.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct DetectionNoise
{
    /// <summary>std(W1)/σ for white noise: √(1 − 2·(6/16)² + (70/256)²), the à trous level-1 kernel's.</summary>
    public const float FirstLevelStdPerPixelStd = 0.8908f;

    /// <summary>factor · <see cref="FirstLevelStdPerPixelStd"/>.</summary>
    public float Scale;

    /// <summary>Variance per photoelectron of local mean: the excess noise factor F.</summary>
    public float VariancePerElectron;

    /// <summary>Variance every pixel has besides: the uniform read variance (photoelectrons²).</summary>
    public float ConstantVariance;

    /// <summary>The model for <paramref name="settings"/>' camera and threshold factor, with <paramref name="uniformReadVariance"/> where there is no map.</summary>
    public static DetectionNoise For(LocalizerSettings settings, float uniformReadVariance)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new DetectionNoise
        {
            Scale = (float)settings.DetectionThresholdFactor * FirstLevelStdPerPixelStd,
            VariancePerElectron = (float)settings.Camera.ExcessNoiseFactor,
            ConstantVariance = uniformReadVariance,
        };
    }

    /// <summary>The threshold at a pixel of local mean <paramref name="localMean"/> and extra variance <paramref name="readVariance"/>.</summary>
    public readonly float At(float localMean, float readVariance) =>
        Scale * MathF.Sqrt((VariancePerElectron * MathF.Max(localMean, 0f)) + readVariance);

    /// <summary>
    /// Writes the threshold of every pixel into <paramref name="thresholds"/> from the local mean
    /// <paramref name="smooth2"/> (V2) and the per-pixel read variance <paramref name="varianceMap"/>
    /// (null: <see cref="ConstantVariance"/> everywhere).
    /// </summary>
    public readonly void Fill(ReadOnlySpan<float> smooth2, float[]? varianceMap, Span<float> thresholds)
    {
        if (thresholds.Length < smooth2.Length)
        {
            throw new ArgumentException($"The threshold map holds {thresholds.Length} values, the image {smooth2.Length}.", nameof(thresholds));
        }

        // SIMD: the same IEEE operations per element as At (sqrt is correctly rounded either way), so the
        // GPU kernel's scalar At gives the same thresholds.
        int i = 0;
        if (Vector.IsHardwareAccelerated && varianceMap is null)
        {
            var scale = new Vector<float>(Scale);
            var perElectron = new Vector<float>(VariancePerElectron);
            var constant = new Vector<float>(ConstantVariance);
            for (; i + Vector<float>.Count <= smooth2.Length; i += Vector<float>.Count)
            {
                Vector<float> mean = Vector.Max(new Vector<float>(smooth2[i..]), Vector<float>.Zero);
                (scale * Vector.SquareRoot((perElectron * mean) + constant)).CopyTo(thresholds[i..]);
            }
        }

        for (; i < smooth2.Length; i++)
        {
            thresholds[i] = At(smooth2[i], varianceMap is null ? ConstantVariance : varianceMap[i]);
        }
    }
}
