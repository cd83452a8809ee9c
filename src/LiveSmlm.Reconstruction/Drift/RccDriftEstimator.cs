using System.Globalization;
using LiveSmlm.Core;
using MathNet.Numerics;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// Drift by redundant cross-correlation (RCC; Wang et al., Opt Express 2014): the localizations of
/// each time window form a partial reconstruction; every pair of windows is cross-correlated (FFT)
/// and its peak located to a fraction of a bin; the over-determined pair shifts are solved by least
/// squares with outlier pairs rejected; the window drifts are interpolated to every frame.
/// </summary>
/// <remarks>
/// Incremental: <see cref="Add"/> only files points into their window; <see cref="Estimate"/>
/// recomputes the spectrum of a window whose content changed since the last estimate and correlates
/// only the pairs that involve such windows, so a live caller pays about one window's worth of FFTs
/// per update. Memory: 8 bytes per localization plus one complex-float spectrum (8 bytes per bin) per window.
/// One thread calls Add and Estimate.
/// </remarks>
public sealed class RccDriftEstimator : IDriftEstimator
{
    private readonly RccOptions _options;
    private readonly int _width;
    private readonly int _height;
    private readonly float[] _filter;
    private readonly Complex32[] _scratch;
    private readonly int _peakRadiusBins;
    private readonly List<Window> _windows = [];
    private readonly Dictionary<(int I, int J), CachedPair> _pairs = [];
    private int _lastFrame = -1;

    public RccDriftEstimator(RccOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _width = options.ImageWidthBins;
        _height = options.ImageHeightBins;
        _filter = CrossCorrelation.BlurFilter(_width, _height, options.BlurNm / options.BinNm);
        _scratch = new Complex32[_width * _height];

        // The correlation peak of two images each blurred by σ_b is σ_b·√2 wide (at least a bin): its
        // background starts three widths out.
        _peakRadiusBins = (int)Math.Ceiling(3 * Math.Sqrt(2) * Math.Max(options.BlurNm / options.BinNm, 0.5)) + 1;
    }

    public RccOptions Options => _options;

    public long LocalizationCount { get; private set; }

    /// <summary>Localizations not used: non-finite position or outside the field.</summary>
    public long SkippedCount { get; private set; }

    /// <summary>The window drifts of the last <see cref="Estimate"/>, in window order (for a plot or a log).</summary>
    public IReadOnlyList<WindowDrift> LastWindows { get; private set; } = [];

    /// <summary>Pair shifts the last estimate rejected as outliers.</summary>
    public int LastRejectedPairs { get; private set; }

    /// <summary>
    /// Whether the last estimate can be trusted, and why not. An unreliable estimate returns a zero trace:
    /// the localizations hold no drift information RCC can find, so none is invented.
    /// </summary>
    public DriftReliability LastReliability { get; private set; } = DriftReliability.Unreliable("no estimate yet", 0, 0, 0);

    public void Add(ReadOnlySpan<Localization> batch)
    {
        foreach (ref readonly Localization loc in batch)
        {
            if (loc.Frame < 0)
            {
                throw new ArgumentException($"Localization in frame {loc.Frame}: frames count from 0.", nameof(batch));
            }

            LocalizationCount++;
            _lastFrame = Math.Max(_lastFrame, loc.Frame);
            if (!(loc.XNm >= 0 && loc.XNm < _options.WidthNm && loc.YNm >= 0 && loc.YNm < _options.HeightNm))
            {
                SkippedCount++;
                continue;
            }

            int w = loc.Frame / _options.WindowFrames;
            while (_windows.Count <= w)
            {
                _windows.Add(new Window());
            }

            Window window = _windows[w];
            window.Points.Add((loc.XNm, loc.YNm));
            window.FrameSum += loc.Frame;
            double precision2 = 0.5 * ((loc.UncertaintyXNm * loc.UncertaintyXNm) + (loc.UncertaintyYNm * loc.UncertaintyYNm));
            if (double.IsFinite(precision2))
            {
                window.PrecisionSquaredSum += precision2;
            }
        }
    }

    public DriftTrace Estimate()
    {
        int frameCount = _lastFrame + 1;
        var usable = new List<int>();
        for (int w = 0; w < _windows.Count; w++)
        {
            if (_windows[w].Points.Count >= _options.MinLocalizationsPerWindow)
            {
                usable.Add(w);
            }
        }

        LastWindows = [];
        LastRejectedPairs = 0;
        if (usable.Count < 3)
        {
            LastReliability = DriftReliability.Unreliable(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{usable.Count} time window(s) of {_options.WindowFrames} frames have the {_options.MinLocalizationsPerWindow} localizations RCC needs; it needs three or more, so that windows far apart in time can show the structure persists (neighbouring windows also correlate through molecules seen on both sides of their boundary)"),
                usable.Count,
                0,
                0);
            return DriftTrace.Zero(frameCount);
        }

        foreach (int w in usable)
        {
            Window window = _windows[w];
            if (window.Spectrum is null || window.SpectrumCount != window.Points.Count)
            {
                window.Spectrum = CrossCorrelation.Spectrum(window.Points, _width, _height, _options.BinNm);
                window.SpectrumCount = window.Points.Count;
            }
        }

        var pairs = new List<PairShift>();
        var pairErrors = new List<double>();
        int candidates = 0, farPairs = 0, farSignificant = 0;

        // "Far" pairs: at least half the run apart (and never neighbours). A sample's structure correlates windows
        // however far apart; a molecule that blinks on both sides of a window boundary correlates neighbours only,
        // so the far pairs are the ones that prove a structure is there.
        int farSeparation = Math.Max(2, (usable[^1] - usable[0] + 1) / 2);
        int maxShiftBins = (int)Math.Ceiling(_options.MaxShiftNm / _options.BinNm);
        for (int a = 0; a < usable.Count; a++)
        {
            for (int b = a + 1; b < usable.Count; b++)
            {
                Window wa = _windows[usable[a]], wb = _windows[usable[b]];
                var key = (usable[a], usable[b]);
                if (!_pairs.TryGetValue(key, out CachedPair cached) || cached.CountA != wa.SpectrumCount || cached.CountB != wb.SpectrumCount)
                {
                    var shift = CrossCorrelation.Shift(wa.Spectrum!, wb.Spectrum!, _filter, _width, _height, maxShiftBins, _peakRadiusBins, _scratch);
                    cached = new CachedPair(wa.SpectrumCount, wb.SpectrumCount, shift);
                    _pairs[key] = cached;
                }

                candidates++;
                bool far = usable[b] - usable[a] >= farSeparation;
                farPairs += far ? 1 : 0;
                if (cached.Shift is { } s && s.Significance >= _options.MinPeakSignificance)
                {
                    farSignificant += far ? 1 : 0;
                    pairs.Add(new PairShift(a, b, s.DxBins * _options.BinNm, s.DyBins * _options.BinNm));
                    pairErrors.Add(ExpectedPairErrorNm(wa, wb, s.Significance));
                }
            }
        }

        int significant = pairs.Count;
        double fraction = farSignificant / (double)Math.Max(1, farPairs);
        int[] component = RedundantShiftSolver.Components(usable.Count, pairs);
        int linked = component.Count(c => c == component[0]);
        string? reason = null;
        if (significant == 0)
        {
            reason = string.Create(
                CultureInfo.InvariantCulture,
                $"none of the {candidates} window pairs has a correlation peak {_options.MinPeakSignificance} standard deviations above the correlation's noise: the windows share no structure (a sample without structure, or too few localizations per window)");
        }
        else if (fraction < _options.MinSignificantPairFraction)
        {
            reason = string.Create(
                CultureInfo.InvariantCulture,
                $"only {farSignificant} of the {farPairs} window pairs at least {farSeparation} windows apart ({fraction:P0}; {significant} of all {candidates} pairs) have a correlation peak {_options.MinPeakSignificance} standard deviations above the correlation's noise, fewer than the {_options.MinSignificantPairFraction:P0} needed: no structure persists over the run (neighbouring windows may share molecules that blink across their boundary, but that is not a structure RCC can follow)");
        }
        else if (linked < usable.Count)
        {
            reason = $"{usable.Count - linked} of {usable.Count} time windows correlate with no window linked to the first one";
        }

        if (reason is not null)
        {
            LastReliability = DriftReliability.Unreliable(reason, usable.Count, candidates, significant);
            return DriftTrace.Zero(frameCount);
        }

        (double[] x, double[] y, int rejected, List<int> kept) = RedundantShiftSolver.SolveKept(usable.Count, pairs, _options.OutlierThresholdNm);
        LastRejectedPairs = rejected;
        (double residualRms, double expectedRms) = Residuals(pairs, pairErrors, kept, x, y);
        var centres = usable.Select(w => _windows[w].FrameSum / _windows[w].Points.Count).ToArray();
        LastWindows = usable.Select((w, k) => new WindowDrift(w, centres[k], _windows[w].Points.Count, x[k], y[k])).ToArray();
        if (rejected > significant / 3)
        {
            reason = $"{rejected} of {significant} pair shifts disagree with the least-squares solution by more than {_options.OutlierThresholdNm} nm: the correlation peaks are not consistent";
        }
        else if (residualRms > _options.MaxResidualRatio * expectedRms)
        {
            reason = string.Create(
                CultureInfo.InvariantCulture,
                $"the pair shifts miss the solution by {residualRms:0.0} nm RMS, more than {_options.MaxResidualRatio} × the {expectedRms:0.0} nm their correlation peaks and localization precision allow: the correlation peaks are not consistent");
        }

        if (reason is not null)
        {
            LastReliability = DriftReliability.Unreliable(reason, usable.Count, candidates, significant) with { ResidualRmsNm = residualRms, ExpectedResidualRmsNm = expectedRms };
            return DriftTrace.Zero(frameCount);
        }

        LastReliability = new DriftReliability(true, string.Empty, usable.Count, candidates, significant, residualRms, expectedRms);
        double[] fx = DriftInterpolation.ToFrames(centres, x, frameCount);
        double[] fy = DriftInterpolation.ToFrames(centres, y, frameCount);
        double x0 = fx.Length > 0 ? fx[0] : 0, y0 = fy.Length > 0 ? fy[0] : 0;
        for (int f = 0; f < frameCount; f++)
        {
            fx[f] -= x0;
            fy[f] -= y0;
        }

        return new DriftTrace(fx, fy);
    }

    /// <summary><see cref="Estimate"/> with what produced it and its <see cref="LastReliability"/>.</summary>
    public DriftEstimate EstimateWithReliability()
    {
        DriftTrace trace = Estimate();
        return new DriftEstimate(trace, DriftMethod.Rcc, 0, LastReliability.Windows, LastRejectedPairs, LastReliability);
    }

    // The error of one pair shift, per axis: a correlation peak of width w located against noise z times
    // smaller than its height is off by about w / z; it is never better than two point clouds of the
    // windows' localization precision allow, σ·√(1/Na + 1/Nb).
    private double ExpectedPairErrorNm(Window a, Window b, double significance)
    {
        double width = Math.Sqrt(2) * Math.Max(_options.BlurNm, _options.BinNm / 2);
        double peak = double.IsFinite(significance) ? width / significance : 0;
        double precision = Math.Sqrt((a.PrecisionSquaredMean / a.Points.Count) + (b.PrecisionSquaredMean / b.Points.Count));
        return Math.Max(peak, precision);
    }

    // RMS of the 2D misses of the kept pairs, and what the pair errors lead one to expect (2 axes each).
    private static (double Residual, double Expected) Residuals(List<PairShift> pairs, List<double> errors, List<int> kept, double[] x, double[] y)
    {
        if (kept.Count == 0)
        {
            return (0, 0);
        }

        double miss = 0, expected = 0;
        foreach (int k in kept)
        {
            PairShift p = pairs[k];
            miss += Math.Pow(x[p.J] - x[p.I] - p.DxNm, 2) + Math.Pow(y[p.J] - y[p.I] - p.DyNm, 2);
            expected += 2 * errors[k] * errors[k];
        }

        return (Math.Sqrt(miss / kept.Count), Math.Sqrt(expected / kept.Count));
    }

    private sealed class Window
    {
        public List<(float XNm, float YNm)> Points { get; } = [];

        public double FrameSum { get; set; }

        /// <summary>Sum of the localizations' σ² (mean of x and y), nm², where the file has uncertainties.</summary>
        public double PrecisionSquaredSum { get; set; }

        public double PrecisionSquaredMean => PrecisionSquaredSum / Math.Max(1, Points.Count);

        public Complex32[]? Spectrum { get; set; }

        public int SpectrumCount { get; set; } = -1;
    }

    private readonly record struct CachedPair(int CountA, int CountB, CorrelationPeak? Shift);
}

/// <summary>The drift of one RCC window: its index, mean frame, localizations and drift relative to the first window, nm.</summary>
public readonly record struct WindowDrift(int Window, double CentreFrame, int Localizations, double XNm, double YNm);

/// <summary>
/// Whether a drift estimate holds real information. RCC (see <see cref="RccDriftEstimator.LastReliability"/>) is
/// reliable when enough of its window pairs have a correlation peak well above the correlation's own noise, they
/// link every window, and their shifts agree with each other within what the peaks and the localization precision
/// allow. Fiducial tracking is reliable when it found beads.
/// </summary>
/// <param name="Reliable">True when the trace may be used to correct the localizations.</param>
/// <param name="Reason">Why not, in words (empty when reliable).</param>
/// <param name="Windows">Time windows with enough localizations.</param>
/// <param name="Pairs">Window pairs correlated.</param>
/// <param name="SignificantPairs">Pairs whose peak stands above the noise floor.</param>
/// <param name="ResidualRmsNm">RMS 2D miss of the kept pair shifts against the least-squares solution, nm.</param>
/// <param name="ExpectedResidualRmsNm">The RMS miss the pairs' own errors lead one to expect, nm.</param>
public sealed record DriftReliability(bool Reliable, string Reason, int Windows, int Pairs, int SignificantPairs, double ResidualRmsNm, double ExpectedResidualRmsNm)
{
    /// <summary>What the user should do about an unreliable RCC trace.</summary>
    public const string Advice = "No drift correction was applied. Add fiducial beads to the sample (or use a structured sample) to measure drift.";

    /// <summary>The reliability of a trace from beads.</summary>
    public static DriftReliability FromBeads(int beads) => new(beads > 0, beads > 0 ? string.Empty : "no fiducial bead found", 0, 0, 0, 0, 0);

    internal static DriftReliability Unreliable(string reason, int windows, int pairs, int significant) => new(false, reason, windows, pairs, significant, 0, 0);
}
