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
    }

    public RccOptions Options => _options;

    public long LocalizationCount { get; private set; }

    /// <summary>Localizations not used: non-finite position or outside the field.</summary>
    public long SkippedCount { get; private set; }

    /// <summary>The window drifts of the last <see cref="Estimate"/>, in window order (for a plot or a log).</summary>
    public IReadOnlyList<WindowDrift> LastWindows { get; private set; } = [];

    /// <summary>Pair shifts the last estimate rejected as outliers.</summary>
    public int LastRejectedPairs { get; private set; }

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

        if (usable.Count == 0)
        {
            LastWindows = [];
            LastRejectedPairs = 0;
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
        int maxShiftBins = (int)Math.Ceiling(_options.MaxShiftNm / _options.BinNm);
        for (int a = 0; a < usable.Count; a++)
        {
            for (int b = a + 1; b < usable.Count; b++)
            {
                Window wa = _windows[usable[a]], wb = _windows[usable[b]];
                var key = (usable[a], usable[b]);
                if (!_pairs.TryGetValue(key, out CachedPair cached) || cached.CountA != wa.SpectrumCount || cached.CountB != wb.SpectrumCount)
                {
                    var shift = CrossCorrelation.Shift(wa.Spectrum!, wb.Spectrum!, _filter, _width, _height, maxShiftBins, _scratch);
                    cached = new CachedPair(wa.SpectrumCount, wb.SpectrumCount, shift);
                    _pairs[key] = cached;
                }

                if (cached.Shift is { } s)
                {
                    pairs.Add(new PairShift(a, b, s.DxBins * _options.BinNm, s.DyBins * _options.BinNm));
                }
            }
        }

        (double[] x, double[] y, int rejected) = RedundantShiftSolver.Connected(usable.Count, pairs)
            ? RedundantShiftSolver.Solve(usable.Count, pairs, _options.OutlierThresholdNm)
            : SolveLargestComponent(usable, pairs);
        LastRejectedPairs = rejected;

        var centres = usable.Select(w => _windows[w].FrameSum / _windows[w].Points.Count).ToArray();
        LastWindows = usable.Select((w, k) => new WindowDrift(w, centres[k], _windows[w].Points.Count, x[k], y[k])).ToArray();
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

    // Windows that do not correlate with the rest have no shift relative to it; the largest connected
    // group is solved and the others get their drift from the interpolation, not a made-up zero.
    private (double[] X, double[] Y, int Rejected) SolveLargestComponent(List<int> usable, List<PairShift> pairs)
    {
        int[] component = RedundantShiftSolver.Components(usable.Count, pairs);
        int largest = component.GroupBy(c => c).MaxBy(g => g.Count())!.Key;
        var keep = Enumerable.Range(0, usable.Count).Where(k => component[k] == largest).ToList();
        if (keep.Count < 2)
        {
            throw new InvalidOperationException(
                $"RCC: none of the {usable.Count} windows correlates with another (no peak within ±{_options.MaxShiftNm} nm); the localizations may be too sparse, or the drift larger than MaxShiftNm.");
        }

        var map = keep.Select((k, i) => (k, i)).ToDictionary(t => t.k, t => t.i);
        var sub = pairs.Where(p => map.ContainsKey(p.I) && map.ContainsKey(p.J)).Select(p => p with { I = map[p.I], J = map[p.J] }).ToList();
        (double[] x, double[] y, int rejected) = RedundantShiftSolver.Solve(keep.Count, sub, _options.OutlierThresholdNm);
        var kept = keep.Select(k => usable[k]).ToList();
        usable.Clear();
        usable.AddRange(kept);
        return (x, y, rejected);
    }

    private sealed class Window
    {
        public List<(float XNm, float YNm)> Points { get; } = [];

        public double FrameSum { get; set; }

        public Complex32[]? Spectrum { get; set; }

        public int SpectrumCount { get; set; } = -1;
    }

    private readonly record struct CachedPair(int CountA, int CountB, (double DxBins, double DyBins)? Shift);
}

/// <summary>The drift of one RCC window: its index, mean frame, localizations and drift relative to the first window, nm.</summary>
public readonly record struct WindowDrift(int Window, double CentreFrame, int Localizations, double XNm, double YNm);
