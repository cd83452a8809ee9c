using System.Globalization;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// Settings of redundant cross-correlation (RCC; Wang et al., Opt Express 2014): the field the
/// partial reconstructions cover, their bin size and blur, the time window of each, how far the
/// correlation peak is searched and which pair shifts count as outliers.
/// </summary>
public sealed record RccOptions
{
    /// <summary>Largest side of a partial reconstruction, bins (an FFT of 2048² complex floats is 32 MB per window).</summary>
    public const int MaxImageSideBins = 2048;

    /// <summary>Field width, nm, from x = 0 (localizations outside it are not used for drift).</summary>
    public double WidthNm { get; init; }

    /// <summary>Field height, nm, from y = 0.</summary>
    public double HeightNm { get; init; }

    /// <summary>Bin of the partial reconstructions, nm. The correlation peak is fitted to a fraction of it.</summary>
    public double BinNm { get; init; } = 40;

    /// <summary>
    /// Gaussian blur of each partial reconstruction, nm (applied in Fourier space). A peak a few bins wide
    /// makes the sub-bin fit well conditioned; 0 leaves the histograms as they are.
    /// </summary>
    public double BlurNm { get; init; } = 40;

    /// <summary>Frames per time window (one partial reconstruction each).</summary>
    public int WindowFrames { get; init; } = 1000;

    /// <summary>A window with fewer localizations than this is left out of the solution.</summary>
    public int MinLocalizationsPerWindow { get; init; } = 100;

    /// <summary>The correlation peak is searched within ± this shift, nm.</summary>
    public double MaxShiftNm { get; init; } = 1000;

    /// <summary>
    /// A pair whose measured shift misses the least-squares solution by more than this (nm, 2D) is
    /// rejected, as long as every window stays connected (Wang et al. 2014 use r_max ≈ 0.2 camera px).
    /// </summary>
    public double OutlierThresholdNm { get; init; } = 20;

    /// <summary>
    /// A pair of windows counts only when its correlation peak stands this many standard deviations above the
    /// correlation's noise (its spread over the searched shifts away from the peak). Two windows of independent
    /// random sites give a correlation that is noise alone; its largest value over the ~(2·MaxShiftNm/BinNm)²
    /// shifts searched is a few standard deviations (and heavier-tailed when dyes blink several times per window).
    /// </summary>
    public double MinPeakSignificance { get; init; } = 8;

    /// <summary>
    /// The estimate is reliable only when at least this fraction of the window pairs at least half the run apart is
    /// significant: a structure correlates windows however far apart, while molecules that blink across a window
    /// boundary correlate neighbours only; and RCC's outlier rejection relies on most pair shifts being right.
    /// </summary>
    public double MinSignificantPairFraction { get; init; } = 0.5;

    /// <summary>
    /// The estimate is unreliable when the pair shifts miss the least-squares solution by more than this times the
    /// RMS their own errors (peak width over significance, localization precision) lead one to expect.
    /// </summary>
    public double MaxResidualRatio { get; init; } = 3;

    /// <summary>Bins across the field in x, padded to a power of two (the FFT is fastest there, and padding keeps wrap-around away).</summary>
    public int ImageWidthBins => NextPowerOfTwo((int)Math.Ceiling(WidthNm / BinNm));

    public int ImageHeightBins => NextPowerOfTwo((int)Math.Ceiling(HeightNm / BinNm));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range and its range.</summary>
    public void Validate()
    {
        Require(double.IsFinite(WidthNm) && WidthNm > 0, nameof(WidthNm), WidthNm, "> 0 nm");
        Require(double.IsFinite(HeightNm) && HeightNm > 0, nameof(HeightNm), HeightNm, "> 0 nm");
        Require(double.IsFinite(BinNm) && BinNm > 0, nameof(BinNm), BinNm, "> 0 nm");
        Require(
            Math.Ceiling(WidthNm / BinNm) <= MaxImageSideBins && Math.Ceiling(HeightNm / BinNm) <= MaxImageSideBins,
            nameof(BinNm),
            BinNm,
            string.Create(CultureInfo.InvariantCulture, $"≥ {Math.Max(WidthNm, HeightNm) / MaxImageSideBins:0.##} nm for a {WidthNm:0} × {HeightNm:0} nm field (at most {MaxImageSideBins} bins a side)"));
        Require(double.IsFinite(BlurNm) && BlurNm >= 0, nameof(BlurNm), BlurNm, "≥ 0 nm");
        Require(WindowFrames >= 1, nameof(WindowFrames), WindowFrames, "≥ 1 frame");
        Require(MinLocalizationsPerWindow >= 1, nameof(MinLocalizationsPerWindow), MinLocalizationsPerWindow, "≥ 1");
        Require(double.IsFinite(MaxShiftNm) && MaxShiftNm >= BinNm, nameof(MaxShiftNm), MaxShiftNm, "≥ BinNm");
        Require(double.IsFinite(MinPeakSignificance) && MinPeakSignificance >= 0, nameof(MinPeakSignificance), MinPeakSignificance, "≥ 0 standard deviations");
        Require(MinSignificantPairFraction is >= 0 and <= 1, nameof(MinSignificantPairFraction), MinSignificantPairFraction, "[0, 1]");
        Require(double.IsFinite(MaxResidualRatio) && MaxResidualRatio > 0, nameof(MaxResidualRatio), MaxResidualRatio, "> 0");
        Require(double.IsFinite(OutlierThresholdNm) && OutlierThresholdNm > 0, nameof(OutlierThresholdNm), OutlierThresholdNm, "> 0 nm");
    }

    internal static int NextPowerOfTwo(int n)
    {
        int p = 1;
        while (p < n)
        {
            p <<= 1;
        }

        return p;
    }

    private static void Require(bool ok, string name, double value, string range)
    {
        if (!ok)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"RCC setting {name} = {value} is out of range; allowed {range}."), name);
        }
    }
}
