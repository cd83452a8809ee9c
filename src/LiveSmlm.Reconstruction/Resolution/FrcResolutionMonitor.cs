using System.Globalization;
using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction;

/// <summary>Settings of the live FRC: the field, the histogram pixel and the time blocks that split the localizations in two.</summary>
public sealed record FrcOptions
{
    public const int MaxImageSidePx = 4096;

    public double WidthNm { get; init; }

    public double HeightNm { get; init; }

    /// <summary>Histogram pixel, nm; well below the resolution to be measured (Nieuwenhuizen et al. use a few nm to ~10 nm).</summary>
    public double PixelNm { get; init; } = 10;

    /// <summary>Frames per time block: even blocks form the first half, odd blocks the second.</summary>
    public int BlockFrames { get; init; } = 500;

    /// <summary>Side of the (square, zero-padded) images: the field in pixels, up to the next power of two.</summary>
    public int SidePx => RccOptions.NextPowerOfTwo((int)Math.Ceiling(Math.Max(WidthNm, HeightNm) / PixelNm));

    public void Validate()
    {
        Require(double.IsFinite(WidthNm) && WidthNm > 0, nameof(WidthNm), WidthNm, "> 0 nm");
        Require(double.IsFinite(HeightNm) && HeightNm > 0, nameof(HeightNm), HeightNm, "> 0 nm");
        Require(double.IsFinite(PixelNm) && PixelNm > 0, nameof(PixelNm), PixelNm, "> 0 nm");
        Require(Math.Ceiling(Math.Max(WidthNm, HeightNm) / PixelNm) <= MaxImageSidePx, nameof(PixelNm), PixelNm, $"at least 1/{MaxImageSidePx} of the field's larger side");
        Require(BlockFrames >= 1, nameof(BlockFrames), BlockFrames, "≥ 1 frame");
    }

    private static void Require(bool ok, string name, double value, string range)
    {
        if (!ok)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"FRC setting {name} = {value} is out of range; allowed {range}."), name);
        }
    }
}

/// <summary>
/// Live FRC resolution of the growing image: localizations are binned as they arrive into two
/// histograms, one per half (alternating time blocks), and <see cref="Compute"/> correlates them.
/// Adding costs a few operations per localization; a compute costs two FFTs of the image.
/// One thread calls Add and Compute; the history records every compute for the plateau stop.
/// </summary>
public sealed class FrcResolutionMonitor
{
    private readonly FrcOptions _options;
    private readonly int _side;
    private readonly float[] _first;
    private readonly float[] _second;
    private readonly List<(long Localizations, int LastFrame, double ResolutionNm)> _history = [];
    private int _lastFrame = -1;

    public FrcResolutionMonitor(FrcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _side = options.SidePx;
        _first = new float[_side * _side];
        _second = new float[_side * _side];
    }

    public FrcOptions Options => _options;

    /// <summary>Localizations binned into one of the halves.</summary>
    public long LocalizationCount { get; private set; }

    /// <summary>Every <see cref="Compute"/> so far: localizations then, last frame seen, resolution (NaN when not resolved).</summary>
    public IReadOnlyList<(long Localizations, int LastFrame, double ResolutionNm)> History => _history;

    public void Add(ReadOnlySpan<Localization> batch)
    {
        foreach (ref readonly Localization loc in batch)
        {
            if (!(loc.XNm >= 0 && loc.XNm < _options.WidthNm && loc.YNm >= 0 && loc.YNm < _options.HeightNm) || loc.Frame < 0)
            {
                continue;
            }

            int i = (int)(loc.XNm / _options.PixelNm), j = (int)(loc.YNm / _options.PixelNm);
            float[] half = (loc.Frame / _options.BlockFrames) % 2 == 0 ? _first : _second;
            half[(j * _side) + i] += 1;
            LocalizationCount++;
            _lastFrame = Math.Max(_lastFrame, loc.Frame);
        }
    }

    /// <summary>The FRC of the two halves as they are now, recorded in <see cref="History"/>.</summary>
    public FrcCurve Compute()
    {
        FrcCurve curve = FourierRingCorrelation.Compute(_first, _second, _side, _options.PixelNm);
        _history.Add((LocalizationCount, _lastFrame, curve.ResolutionNm));
        return curve;
    }

    /// <summary>
    /// True when the resolution has improved by less than <paramref name="minImprovementNm"/> over the last
    /// <paramref name="overFrames"/> frames: the latest compute against the last one at least that many frames earlier
    /// (false while there is no such earlier compute, or either is unresolved).
    /// </summary>
    public bool HasStoppedImproving(double minImprovementNm, int overFrames)
    {
        if (_history.Count < 2)
        {
            return false;
        }

        var latest = _history[^1];
        for (int k = _history.Count - 2; k >= 0; k--)
        {
            if (latest.LastFrame - _history[k].LastFrame >= overFrames)
            {
                double before = _history[k].ResolutionNm;
                return double.IsFinite(before) && double.IsFinite(latest.ResolutionNm) && before - latest.ResolutionNm < minImprovementNm;
            }
        }

        return false;
    }
}
