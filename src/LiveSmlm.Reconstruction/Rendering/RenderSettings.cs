using LiveSmlm.Core;
using static LiveSmlm.Core.SettingValidation;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// What a super-resolution render covers and how wide each localization's Gaussian is.
/// Coordinates follow the shared convention: nm, origin at the top-left corner of the top-left pixel.
/// </summary>
public sealed record RenderSettings
{
    /// <summary>
    /// Largest Gaussian width, in render pixels, that a setting may ask for: the splat window is
    /// ±3σ, so this bounds the per-localization cost (and the scratch buffers) whatever the image size.
    /// </summary>
    public const double MaxSigmaInPixels = 500;

    /// <summary>Largest image the renderer allocates (2^28 float pixels = 1 GiB).</summary>
    public const long MaxPixelCount = 1L << 28;

    /// <summary>Side of one render pixel, nm.</summary>
    public double PixelSizeNm { get; init; } = 10;

    /// <summary>Width of the rendered field, nm (usually camera width in pixels × camera pixel size).</summary>
    public double WidthNm { get; init; }

    /// <summary>Height of the rendered field, nm.</summary>
    public double HeightNm { get; init; }

    /// <summary>
    /// One Gaussian width for every localization, nm; null to use each localization's mean
    /// lateral uncertainty, clamped to [<see cref="MinSigmaNm"/>, <see cref="MaxSigmaNm"/>].
    /// </summary>
    public double? FixedSigmaNm { get; init; }

    /// <summary>Smallest width used when rendering by uncertainty, nm.</summary>
    public double MinSigmaNm { get; init; } = 2;

    /// <summary>Largest width used when rendering by uncertainty, nm.</summary>
    public double MaxSigmaNm { get; init; } = 50;

    /// <summary>
    /// Width used when rendering by uncertainty but a localization has none (NaN, e.g. a CSV
    /// without an uncertainty column), nm.
    /// </summary>
    public double FallbackSigmaNm { get; init; } = 20;

    /// <summary>
    /// z range (nm) of a depth-coloured render: when set, the renderer also accumulates each splat's
    /// weight × z, and the PNG colours every pixel by its mean depth over this range (3D data).
    /// </summary>
    public (double MinNm, double MaxNm)? DepthRangeNm { get; init; }

    /// <summary>Image width in render pixels: ⌈WidthNm / PixelSizeNm⌉.</summary>
    public int WidthPx => (int)Math.Ceiling(WidthNm / PixelSizeNm);

    /// <summary>Image height in render pixels: ⌈HeightNm / PixelSizeNm⌉.</summary>
    public int HeightPx => (int)Math.Ceiling(HeightNm / PixelSizeNm);

    /// <summary>Settings covering a whole camera field (width × height camera pixels).</summary>
    public static RenderSettings ForCameraField(LocalizationSetInfo info, double renderPixelSizeNm = 10)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new RenderSettings
        {
            PixelSizeNm = renderPixelSizeNm,
            WidthNm = info.WidthPx * info.PixelSizeNm,
            HeightNm = info.HeightPx * info.PixelSizeNm,
        };
    }

    /// <summary>Throws <see cref="SettingException"/> naming the first bad field (render.…) and its allowed range.</summary>
    public void Validate()
    {
        Require(double.IsFinite(PixelSizeNm) && PixelSizeNm > 0, "render.pixelSizeNm", PixelSizeNm, "> 0 nm");
        Require(double.IsFinite(WidthNm) && WidthNm > 0, "render.widthNm", WidthNm, "> 0 nm");
        Require(double.IsFinite(HeightNm) && HeightNm > 0, "render.heightNm", HeightNm, "> 0 nm");
        double maxSigmaNm = MaxSigmaInPixels * PixelSizeNm;
        string sigmaRange = $"(0, {Format(maxSigmaNm)}] nm (at most {MaxSigmaInPixels} render pixels)";
        if (FixedSigmaNm is { } fixedSigma)
        {
            Require(double.IsFinite(fixedSigma) && fixedSigma > 0 && fixedSigma <= maxSigmaNm, "render.fixedSigmaNm", fixedSigma, sigmaRange);
        }

        Require(double.IsFinite(MinSigmaNm) && MinSigmaNm > 0 && MinSigmaNm <= maxSigmaNm, "render.minSigmaNm", MinSigmaNm, sigmaRange);
        Require(double.IsFinite(MaxSigmaNm) && MaxSigmaNm >= MinSigmaNm && MaxSigmaNm <= maxSigmaNm, "render.maxSigmaNm", MaxSigmaNm, $"[minSigmaNm = {Format(MinSigmaNm)}, {Format(maxSigmaNm)}] nm");
        Require(double.IsFinite(FallbackSigmaNm) && FallbackSigmaNm > 0 && FallbackSigmaNm <= maxSigmaNm, "render.fallbackSigmaNm", FallbackSigmaNm, sigmaRange);
        long pixels = (long)Math.Ceiling(WidthNm / PixelSizeNm) * (long)Math.Ceiling(HeightNm / PixelSizeNm);
        if (pixels > MaxPixelCount)
        {
            throw new SettingException(
                "render.pixelSizeNm",
                $"= {Format(PixelSizeNm)} is too small for the area: widthNm × heightNm / pixelSizeNm² = {pixels} pixels is too large; allowed at most {MaxPixelCount}. Use a larger pixelSizeNm.",
                Format(PixelSizeNm));
        }
    }
}
