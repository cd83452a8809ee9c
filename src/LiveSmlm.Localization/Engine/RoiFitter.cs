using System.Runtime.InteropServices;
using LiveSmlm.Core;

namespace LiveSmlm.Localization;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// Cuts a ROI around each candidate, fits one emitter, and when that fit is poor searches for more
/// (<see cref="MultiEmitterSearch"/>: split, residual peaks, joint refits, likelihood-ratio tests);
/// converts accepted fits to localizations.
/// One per worker thread: holds the ROI scratch buffers, so fitting allocates nothing. The policy's
/// numbers are <see cref="RoiPolicy"/>; both engines call this one definition (the GPU engine after
/// its kernels did the single fits).
/// </summary>
public sealed class RoiFitter
{
    private readonly LocalizerSettings _settings;
    private readonly FitOptions _options;
    private readonly MultiEmitterOptions _search;
    private readonly long[] _groups = new long[MultiGaussianModel.MaxEmitters + 1];
    private readonly int _roi;
    private readonly float _sigmaPx;
    private readonly double _pixelNm;
    private readonly double _qe;
    private readonly float[] _pixels;
    private readonly float[] _variance;
    private readonly List<FitResult> _singles = [];
    private readonly List<RoiPlace> _places = [];
    private AxisTable _neighbourX;
    private AxisTable _neighbourY;
    private readonly StageClock? _clock;
    private readonly PsfCalibration3D? _calibration;
    private readonly float[]? _splineCoefficients;
    private readonly Fit3DOptions _options3D;
    private long _pairTicks;

    /// <summary>A fitter for <paramref name="settings"/>; <paramref name="clock"/> (stages of <see cref="LocalizerStages"/>), when given, is charged with the fit and merge time.</summary>
    public RoiFitter(LocalizerSettings settings, StageClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _clock = clock;
        _settings = settings;
        _options = settings.ToFitOptions();
        _search = settings.ToMultiEmitterOptions();
        _roi = settings.EffectiveRoiSizePx;
        _sigmaPx = (float)settings.PsfSigmaPx;
        _pixelNm = settings.Camera.PixelSizeNm;
        _qe = settings.Camera.QuantumEfficiency;
        _pixels = new float[_roi * _roi];
        _variance = new float[_roi * _roi];
        _calibration = settings.Calibration3D;
        if (_calibration is not null)
        {
            _splineCoefficients = settings.Psf3D == Psf3DModel.Spline ? _calibration.SplineCoefficients() : null;
            _options3D = settings.ToFit3DOptions();
        }
    }

    public long Fits { get; private set; }

    /// <summary>Joint fits of two or more emitters run.</summary>
    public long PairFits { get; private set; }

    /// <summary>ROIs whose accepted model has two or more emitters.</summary>
    public long PairsAccepted { get; private set; }

    /// <summary>Emitters of accepted models that were placed at a residual peak (detection had missed them).</summary>
    public long EmittersFromResidual { get; private set; }

    /// <summary>Emitters accepted from the second detection pass on the residual image (<see cref="FitResidual"/>).</summary>
    public long ResidualDetections { get; private set; }

    /// <summary>Poor single fits repeated with their neighbours' fitted spots as known model.</summary>
    public long NeighbourRefits { get; private set; }

    /// <summary>ROIs with an accepted model of n emitters, at index n (index 0 unused).</summary>
    public IReadOnlyList<long> GroupsByEmitters => _groups;

    public RejectionCounts Rejections { get; } = new();

    public void ClearCounts()
    {
        Fits = 0;
        PairFits = 0;
        PairsAccepted = 0;
        EmittersFromResidual = 0;
        NeighbourRefits = 0;
        ResidualDetections = 0;
        Array.Clear(_groups);
        Rejections.Clear();
    }

    /// <summary>
    /// Fits every candidate of one frame and appends its localizations to <paramref name="output"/>.
    /// <paramref name="varianceMap"/>: per-pixel read variance (photoelectrons²) or null for uniform
    /// <paramref name="uniformVariance"/>. <paramref name="backgroundMap"/>: a temporal background, or
    /// null; when given, the fit sees f − B + mean(B) with the excess B − mean(B) as extra variance, so
    /// static structure in the ROI is neither fitted as an emitter nor trusted as signal.
    /// </summary>
    public void FitFrame(
        float[] electrons, float[]? varianceMap, float uniformVariance, float[]? backgroundMap, int width, int height,
        List<Candidate> candidates, int frame, List<Localization> output)
    {
        int start = output.Count;
        FitCandidates(electrons, varianceMap, uniformVariance, backgroundMap, width, height, candidates, 0, candidates.Count, frame, output);
        RemoveDuplicates(output, start);
    }

    /// <summary>
    /// Fits candidates [<paramref name="from"/>, <paramref name="to"/>) without merging duplicates: one
    /// share of a frame whose candidates several workers fit; the caller merges with <see cref="RemoveDuplicates"/>.
    /// </summary>
    public void FitCandidates(
        float[] electrons, float[]? varianceMap, float uniformVariance, float[]? backgroundMap, int width, int height,
        List<Candidate> candidates, int from, int to, int frame, List<Localization> output)
    {
        if (_calibration is not null)
        {
            FitCandidates3D(electrons, varianceMap, uniformVariance, backgroundMap, width, height, candidates, from, to, frame, output);
            return;
        }

        _singles.Clear();
        _places.Clear();
        FitSingles(electrons, varianceMap, uniformVariance, backgroundMap, width, height, candidates, from, to, frame, _singles, _places);
        AcceptRange(electrons, varianceMap, uniformVariance, backgroundMap, width, _singles, _places, 0, _singles.Count, output);
    }

    /// <summary>
    /// The second detection pass's fits: each candidate of the residual image <paramref name="residual"/>
    /// (data − model of the accepted fits) is fitted as one emitter with <paramref name="variance"/>
    /// (read variance + that model: the accepted spots as known model) and kept when the fit is good
    /// and stays at its candidate (a fit that slides away found no emitter there).
    /// </summary>
    public void FitResidual(float[] residual, float[] variance, int width, int height, List<Candidate> candidates, int frame, List<Localization> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _singles.Clear();
        _places.Clear();
        FitSingles(residual, variance, 0f, null, width, height, candidates, 0, candidates.Count, frame, _singles, _places);
        for (int r = 0; r < _singles.Count; r++)
        {
            FitResult single = _singles[r];
            if (single.Status == FitStatus.Ok && !LeftItsCandidate(single, _places[r]))
            {
                ResidualDetections++;
                AcceptSingle(single, _places[r], output, 0f);
            }
        }
    }

    /// <summary>
    /// The first pass over candidates [<paramref name="from"/>, <paramref name="to"/>): cuts each ROI and
    /// fits one emitter; appends the fits and their places to <paramref name="singles"/> / <paramref name="places"/>.
    /// </summary>
    public void FitSingles(
        float[] electrons, float[]? varianceMap, float uniformVariance, float[]? backgroundMap, int width, int height,
        List<Candidate> candidates, int from, int to, int frame, List<FitResult> singles, List<RoiPlace> places)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(singles);
        ArgumentNullException.ThrowIfNull(places);
        long started = StageClock.Start();
        for (int index = from; index < to; index++)
        {
            RoiPlace roi = Place(candidates[index], width, height, frame);
            Cut(electrons, varianceMap, backgroundMap, uniformVariance, width, roi.X0, roi.Y0);
            var pixels = new ArrayPixels(_pixels, 0);
            Fits++;
            FitResult single = backgroundMap is not null || varianceMap is not null
                ? GaussianMle.Fit(pixels, new ArrayPixels(_variance, 0), _roi, _options)
                : uniformVariance > 0
                    ? GaussianMle.Fit(pixels, new UniformPixels(uniformVariance), _roi, _options)
                    : GaussianMle.Fit(pixels, default(ZeroPixels), _roi, _options);
            singles.Add(single);
            places.Add(roi);
        }

        _clock?.Stop(LocalizerStages.SingleFits, started);
    }

    /// <summary>
    /// The second pass (<see cref="AcceptAll"/>) over fits [<paramref name="from"/>, <paramref name="to"/>)
    /// of one frame's <paramref name="singles"/>, all of which are seen as neighbours; the ROI pixels are
    /// cut from the frame again where needed.
    /// </summary>
    public void AcceptRange(
        float[] electrons, float[]? varianceMap, float uniformVariance, float[]? backgroundMap, int width,
        List<FitResult> singles, List<RoiPlace> places, int from, int to, List<Localization> output)
    {
        var source = new FrameRoiSource(this, electrons, varianceMap, uniformVariance, backgroundMap, width);
        AcceptAll(source, CollectionsMarshal.AsSpan(singles), CollectionsMarshal.AsSpan(places), from, to, output);
    }

    // Cuts the ROI at (x0, y0) into _pixels and, where there is per-pixel variance, _variance.
    private void Cut(float[] electrons, float[]? varianceMap, float[]? backgroundMap, float uniformVariance, int width, int x0, int y0)
    {
        for (int j = 0; j < _roi; j++)
        {
            Array.Copy(electrons, ((y0 + j) * width) + x0, _pixels, j * _roi, _roi);
        }

        if (backgroundMap is not null)
        {
            FlattenBackground(backgroundMap, varianceMap, uniformVariance, width, x0, y0);
        }
        else if (varianceMap is not null)
        {
            for (int j = 0; j < _roi; j++)
            {
                Array.Copy(varianceMap, ((y0 + j) * width) + x0, _variance, j * _roi, _roi);
            }
        }
    }

    /// <summary>Where the ROI pixels of a frame's r-th fit come from, for the second look at poor fits.</summary>
    public interface IRoiSource
    {
        /// <summary>Writes ROI <paramref name="index"/>'s pixels and per-pixel extra variance (photoelectrons, photoelectrons²).</summary>
        void Load(int index, RoiPlace place, float[] pixels, float[] variance);
    }

    // The CPU engine's source: cuts the ROI from the frame again.
    private readonly struct FrameRoiSource(RoiFitter fitter, float[] electrons, float[]? varianceMap, float uniformVariance, float[]? backgroundMap, int width) : IRoiSource
    {
        public void Load(int index, RoiPlace place, float[] pixels, float[] variance)
        {
            fitter.Cut(electrons, varianceMap, backgroundMap, uniformVariance, width, place.X0, place.Y0);
            if (backgroundMap is null && varianceMap is null)
            {
                Array.Fill(variance, uniformVariance);
            }
        }
    }

    /// <summary>
    /// Everything after the single fits of one frame (or share): for each poor fit (the gate of
    /// <see cref="MultiEmitterSearch.ShouldTry"/>), the other fits' spots that reach into its ROI are
    /// taken as known (added to the model through the extra variance, as Huang et al. do for read
    /// noise) and the single fit is repeated; when that is still poor, the multi-emitter search runs on
    /// the ROI's own pixels. Then rejections, flags and localizations. Also the GPU backend's entry, whose
    /// kernels did the single fits on the same pixels (one policy for both backends).
    /// </summary>
    public void AcceptAll<TSource>(TSource source, ReadOnlySpan<FitResult> singles, ReadOnlySpan<RoiPlace> places, int from, int to, List<Localization> output)
        where TSource : struct, IRoiSource
    {
        ArgumentNullException.ThrowIfNull(output);
        long started = StageClock.Start(), pairsBefore = _pairTicks;
        for (int r = from; r < to; r++)
        {
            FitResult single = singles[r];
            if (_search.MaxEmitters >= 2 && LeftItsCandidate(single, places[r]))
            {
                // A dim emitter beside a bright one: its fit slid onto the neighbour (and would be
                // dropped as its duplicate, or leave the ROI). Refit it with the other fits' spots as
                // known model; the refit is kept when it stays at the candidate.
                source.Load(r, places[r], _pixels, _variance);
                if (AddNeighbours(r, singles, places, _roi * 0.5f, _roi * 0.5f))
                {
                    NeighbourRefits++;
                    FitResult refit = GaussianMle.Fit(new ArrayPixels(_pixels, 0), new ArrayPixels(_variance, 0), _roi, _options);
                    if (refit.Status == FitStatus.Ok && !LeftItsCandidate(refit, places[r]))
                    {
                        // Stays with its candidate: this is the emitter (a pair the fit sat between
                        // keeps its own single fit and goes to the search below).
                        single = refit;
                    }
                }
            }

            if (!MultiEmitterSearch.ShouldTry(single, _roi, _options, _search))
            {
                AcceptSingle(single, places[r], output, 0f);
                continue;
            }

            long pairStarted = StageClock.Start();
            source.Load(r, places[r], _pixels, _variance);
            var pixels = new ArrayPixels(_pixels, 0);
            var variance = new ArrayPixels(_variance, 0);
            if (AddNeighbours(r, singles, places, single.X, single.Y))
            {
                NeighbourRefits++;
                FitResult refit = GaussianMle.Fit(pixels, variance, _roi, _options);
                if (!MultiEmitterSearch.ShouldTry(refit, _roi, _options, _search))
                {
                    _pairTicks += System.Diagnostics.Stopwatch.GetTimestamp() - pairStarted;
                    _clock?.Add(LocalizerStages.MultiEmitterFits, System.Diagnostics.Stopwatch.GetTimestamp() - pairStarted);
                    AcceptSingle(refit, places[r], output, 0f);
                    continue;
                }

                // Still poor: the neighbours' single fits were not good enough to take as given (close
                // pairs bias each other), so the search fits them jointly from the ROI's own pixels.
                source.Load(r, places[r], _pixels, _variance);
            }

            float rejectedGain = 0f;
            MultiEmitterResult group = default;
            if (MultiEmitterSearch.ShouldTry(single, _roi, _options, _search))
            {
                group = MultiEmitterSearch.Search(pixels, variance, _roi, _options, _search, single, out int tried, out int fromResidual, out rejectedGain);
                PairFits += tried;
                if (group.Emitters > 1)
                {
                    EmittersFromResidual += fromResidual;
                }
            }

            long pairTicks = System.Diagnostics.Stopwatch.GetTimestamp() - pairStarted;
            _pairTicks += pairTicks;
            _clock?.Add(LocalizerStages.MultiEmitterFits, pairTicks);
            if (group.Emitters > 1)
            {
                PairsAccepted++;
                _groups[group.Emitters]++;
                for (int k = 0; k < group.Emitters; k++)
                {
                    output.Add(ToLocalization(places[r], group.X(k), group.Y(k), group.Photons(k), group.Background, _sigmaPx, group.CrlbX(k), group.CrlbY(k),
                        group.LogLikelihoodRatio, group.Iterations, LocalizationFlags.MultiEmitter));
                }
            }
            else
            {
                AcceptSingle(single, places[r], output, rejectedGain);
            }
        }

        if (_clock is not null)
        {
            // The multi-emitter work inside was charged to its own stage already.
            _clock.Add(LocalizerStages.SingleFits, System.Diagnostics.Stopwatch.GetTimestamp() - started - (_pairTicks - pairsBefore));
        }
    }

    // True when a fit that is not at the frame's edge ended farther than RoiPolicy.CandidateDriftInSigma·σ
    // (at least a pixel) from its candidate, the ROI's centre: an isolated spot's fit stays within its
    // maximum pixel (≤ 0.71 px from its centre) plus its error.
    private bool LeftItsCandidate(in FitResult single, RoiPlace place)
    {
        if (place.AtBorder || !(single.Status == FitStatus.Ok || single.Status == FitStatus.OutsideRoi))
        {
            return false;
        }

        float limit = MathF.Max(1f, (float)(RoiPolicy.CandidateDriftInSigma * _sigmaPx));
        float dx = single.X - (_roi * 0.5f), dy = single.Y - (_roi * 0.5f);
        return !((dx * dx) + (dy * dy) <= limit * limit);
    }

    // Subtracts from _pixels and adds to _variance (so to the model) the fitted spots of the other good
    // single fits that reach into ROI r (centre within the ROI plus NeighbourReachInSigma·σ), except one
    // within DuplicateFractionOfSigma·σ of (x, y), this ROI's own emitter; true when there was one.
    private bool AddNeighbours(int r, ReadOnlySpan<FitResult> singles, ReadOnlySpan<RoiPlace> places, float ownX, float ownY)
    {
        RoiPlace here = places[r];
        float reach = (float)(RoiPolicy.NeighbourReachInSigma * _sigmaPx);
        bool any = false;
        for (int k = 0; k < singles.Length; k++)
        {
            if (k == r || singles[k].Status != FitStatus.Ok)
            {
                continue;
            }

            // The neighbour's centre in this ROI's pixel coordinates.
            float x = singles[k].X + places[k].X0 - here.X0, y = singles[k].Y + places[k].Y0 - here.Y0;
            if (x < -reach || y < -reach || x > _roi + reach || y > _roi + reach)
            {
                continue;
            }

            // The same emitter found from two candidates is not its own neighbour.
            float dx = x - ownX, dy = y - ownY;
            if ((dx * dx) + (dy * dy) < RoiPolicy.DuplicateFractionOfSigma * RoiPolicy.DuplicateFractionOfSigma * _sigmaPx * _sigmaPx)
            {
                continue;
            }

            _neighbourX.Fill(_roi, x, singles[k].Sigma);
            _neighbourY.Fill(_roi, y, singles[k].Sigma);
            float photons = singles[k].Photons;
            for (int j = 0; j < _roi; j++)
            {
                float ey = photons * _neighbourY.Integral(j);
                for (int i = 0; i < _roi; i++)
                {
                    float m = ey * _neighbourX.Integral(i);
                    _pixels[(j * _roi) + i] -= m;
                    _variance[(j * _roi) + i] += m;
                }
            }

            any = true;
        }

        return any;
    }

    private void AcceptSingle(in FitResult single, RoiPlace roi, List<Localization> output, float rejectedGain)
    {
        if (single.Status != FitStatus.Ok)
        {
            Rejections.Add(single.Status);
            return;
        }

        bool overlap = MultiEmitterSearch.HasPoorLikelihood(single, _roi, _options, (float)RoiPolicy.PoorFitStdDevs)
            || MultiEmitterSearch.WidthZ(single, _options) > RoiPolicy.OverlapSigmaZ
            || rejectedGain > RoiPolicy.OverlapLikelihoodGain;
        _groups[1]++;
        output.Add(ToLocalization(roi, single.X, single.Y, single.Photons, single.Background, single.Sigma, single.CrlbX, single.CrlbY,
            single.LogLikelihoodRatio, single.Iterations, overlap ? LocalizationFlags.PossibleOverlap : LocalizationFlags.None));
    }

    // Replaces the ROI's background B by its mean b̄ (pixels − B + b̄) and folds the Poisson variance
    // that B really had above b̄ into the per-pixel extra variance (as Huang et al. do for read noise).
    private void FlattenBackground(float[] backgroundMap, float[]? varianceMap, float uniformVariance, int width, int x0, int y0)
    {
        double sum = 0;
        for (int j = 0; j < _roi; j++)
        {
            int row = ((y0 + j) * width) + x0;
            for (int i = 0; i < _roi; i++)
            {
                sum += backgroundMap[row + i];
            }
        }

        float mean = (float)(sum / (_roi * _roi));
        for (int j = 0; j < _roi; j++)
        {
            int row = ((y0 + j) * width) + x0;
            for (int i = 0; i < _roi; i++)
            {
                float b = backgroundMap[row + i];
                int k = (j * _roi) + i;
                _pixels[k] += mean - b;
                _variance[k] = (varianceMap?[row + i] ?? uniformVariance) + MathF.Max(b - mean, 0f);
            }
        }
    }

    // 3D: every candidate fitted once as x, y, z, N, b with the calibration's model (no multi-emitter
    // search in 3D: the multi-emitter model is 2D).
    private void FitCandidates3D(
        float[] electrons, float[]? varianceMap, float uniformVariance, float[]? backgroundMap, int width, int height,
        List<Candidate> candidates, int from, int to, int frame, List<Localization> output)
    {
        long started = StageClock.Start();
        for (int index = from; index < to; index++)
        {
            RoiPlace roi = Place(candidates[index], width, height, frame);
            Cut(electrons, varianceMap, backgroundMap, uniformVariance, width, roi.X0, roi.Y0);
            var pixels = new ArrayPixels(_pixels, 0);
            Fits++;
            if (backgroundMap is not null || varianceMap is not null)
            {
                FitOne3D(pixels, new ArrayPixels(_variance, 0), roi, output);
            }
            else if (uniformVariance > 0)
            {
                FitOne3D(pixels, new UniformPixels(uniformVariance), roi, output);
            }
            else
            {
                FitOne3D(pixels, default(ZeroPixels), roi, output);
            }
        }

        _clock?.Stop(LocalizerStages.SingleFits, started);
    }

    private void FitOne3D<TVariance>(ArrayPixels pixels, TVariance variance, RoiPlace roi, List<Localization> output)
        where TVariance : struct, IPixels
    {
        PsfCalibration3D c = _calibration!;
        Fit3DResult r;
        if (_splineCoefficients is not null)
        {
            (float zMin, float zMax) = c.SplineZRange();
            var model = new SplinePsfModel<ArrayPixels>(new ArrayPixels(_splineCoefficients, 0), c.Spline!.Grid, zMin, zMax);
            r = Emitter3D.Fit(ref model, pixels, variance, _roi, _options3D);
        }
        else
        {
            AstigmaticGaussianModel model = c.GaussModel(_roi);
            r = Emitter3D.Fit(ref model, pixels, variance, _roi, _options3D);
        }

        Accept3D(r, roi, output);
    }

    /// <summary>
    /// Counts a rejected 3D fit, or appends the localization of an accepted one (z, √CRLB_z and the
    /// calibration's σx(z), σy(z)); the GPU engine's entry after its 3D kernels (one policy for both).
    /// </summary>
    public void Accept3D(in Fit3DResult r, RoiPlace roi, List<Localization> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        PsfCalibration3D c = _calibration ?? throw new InvalidOperationException("Accept3D needs settings with a 3D calibration (LocalizerSettings.Calibration3D).");
        if (r.Status != FitStatus.Ok)
        {
            Rejections.Add(r.Status);
            return;
        }

        Localization loc = ToLocalization(roi, r.X, r.Y, r.Photons, r.Background, _sigmaPx, r.CrlbX, r.CrlbY, r.LogLikelihoodRatio, r.Iterations, LocalizationFlags.None);
        loc.ZNm = r.ZNm;
        loc.UncertaintyZNm = MathF.Sqrt(r.CrlbZ);
        loc.SigmaXNm = (float)c.X.SigmaNm(r.ZNm);
        loc.SigmaYNm = (float)c.Y.SigmaNm(r.ZNm);
        output.Add(loc);
    }

    /// <summary>
    /// Where the ROI of <paramref name="c"/> is cut: centred, clamped into the frame; AtBorder when
    /// the clamp moved it.
    /// </summary>
    public RoiPlace Place(Candidate c, int width, int height, int frame)
    {
        int x0 = Math.Clamp(c.X - (_roi / 2), 0, width - _roi);
        int y0 = Math.Clamp(c.Y - (_roi / 2), 0, height - _roi);
        return new RoiPlace(x0, y0, x0 != c.X - (_roi / 2) || y0 != c.Y - (_roi / 2), frame);
    }

    private Localization ToLocalization(
        RoiPlace roi, float x, float y, float photoelectrons, float background, float sigmaPx, float crlbX, float crlbY, float llr, int iterations, LocalizationFlags flags)
    {
        Localization loc = Localization.Create(
            roi.Frame, (float)((roi.X0 + x) * _pixelNm), (float)((roi.Y0 + y) * _pixelNm), (float)(photoelectrons / _qe));
        loc.BackgroundPhotons = (float)(background / _qe);
        loc.SigmaXNm = (float)(sigmaPx * _pixelNm);
        loc.SigmaYNm = loc.SigmaXNm;
        loc.UncertaintyXNm = (float)(Math.Sqrt(crlbX) * _pixelNm);
        loc.UncertaintyYNm = (float)(Math.Sqrt(crlbY) * _pixelNm);
        loc.LogLikelihoodRatio = llr;
        loc.Iterations = iterations;
        loc.Flags = flags | (roi.AtBorder ? LocalizationFlags.AtBorder : LocalizationFlags.None);
        return loc;
    }

    // Keeps, of two localizations closer than RoiPolicy.DuplicateFractionOfSigma·σ, the more precise one. Sorts
    // the frame's results by x first, so each is compared only with its neighbours in x: O(n log n)
    // for the thousands of spots of a large dense frame.
    public void RemoveDuplicates(List<Localization> output, int start)
    {
        ArgumentNullException.ThrowIfNull(output);
        int count = output.Count - start;
        if (count < 2)
        {
            return;
        }

        long started = StageClock.Start();

        output.Sort(start, count, ByX.Instance);
        double limitNm = RoiPolicy.DuplicateFractionOfSigma * _sigmaPx * _pixelNm;
        double limit2 = limitNm * limitNm;
        int kept = start;
        for (int i = start; i < output.Count; i++)
        {
            Localization candidate = output[i];
            bool duplicate = false;
            for (int k = kept - 1; k >= start && candidate.XNm - output[k].XNm < limitNm; k--)
            {
                double dx = output[k].XNm - candidate.XNm, dy = output[k].YNm - candidate.YNm;
                if ((dx * dx) + (dy * dy) < limit2)
                {
                    if (candidate.UncertaintyXNm + candidate.UncertaintyYNm < output[k].UncertaintyXNm + output[k].UncertaintyYNm)
                    {
                        output[k] = candidate;
                    }

                    duplicate = true;
                    break;
                }
            }

            if (!duplicate)
            {
                output[kept++] = candidate;
            }
        }

        output.RemoveRange(kept, output.Count - kept);
        _clock?.Stop(LocalizerStages.DuplicateMerge, started);
    }

    private sealed class ByX : IComparer<Localization>
    {
        public static readonly ByX Instance = new();

        public int Compare(Localization a, Localization b)
        {
            int byX = a.XNm.CompareTo(b.XNm);
            return byX != 0 ? byX : a.YNm.CompareTo(b.YNm);
        }
    }

    /// <summary>Where a ROI was cut: its top-left pixel, whether the frame edge moved it, and the frame.</summary>
    public readonly record struct RoiPlace(int X0, int Y0, bool AtBorder, int Frame);
}
