using LiveSmlm.Core;

namespace LiveSmlm.Localization;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// Cuts a ROI around each candidate, fits one emitter, and when that fit is poor tries two emitters
/// and keeps the better model (likelihood-ratio test); converts accepted fits to localizations.
/// One per worker thread: holds the ROI scratch buffers, so fitting allocates nothing. The policy's
/// numbers are <see cref="RoiPolicy"/>; both engines call this one definition (the GPU engine after
/// its kernels did the single fits).
/// </summary>
public sealed class RoiFitter
{
    private readonly LocalizerSettings _settings;
    private readonly FitOptions _options;
    private readonly int _roi;
    private readonly float _sigmaPx;
    private readonly double _pixelNm;
    private readonly double _qe;
    private readonly float[] _pixels;
    private readonly float[] _variance;
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
            _options3D = Fit3DOptions.Create();
            _options3D.MaxIterations = Math.Max(settings.MaxIterations, _options3D.MaxIterations);
            _options3D.ExcessNoiseFactor = _options.ExcessNoiseFactor;
            _options3D.MinPhotoelectrons = _options.MinPhotoelectrons;
            _options3D.MinSignalToNoise = _options.MinSignalToNoise;
        }
    }

    public long Fits { get; private set; }

    public long PairFits { get; private set; }

    public long PairsAccepted { get; private set; }

    public RejectionCounts Rejections { get; } = new();

    public void ClearCounts()
    {
        Fits = 0;
        PairFits = 0;
        PairsAccepted = 0;
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
        long started = StageClock.Start(), pairsBefore = _pairTicks;
        for (int index = from; index < to; index++)
        {
            RoiPlace roi = Place(candidates[index], width, height, frame);
            int x0 = roi.X0, y0 = roi.Y0;
            for (int j = 0; j < _roi; j++)
            {
                Array.Copy(electrons, ((y0 + j) * width) + x0, _pixels, j * _roi, _roi);
            }

            if (backgroundMap is not null)
            {
                FlattenBackground(backgroundMap, varianceMap, uniformVariance, width, x0, y0);
                FitOne(new ArrayPixels(_variance, 0), roi, output);
            }
            else if (varianceMap is not null)
            {
                for (int j = 0; j < _roi; j++)
                {
                    Array.Copy(varianceMap, ((y0 + j) * width) + x0, _variance, j * _roi, _roi);
                }

                FitOne(new ArrayPixels(_variance, 0), roi, output);
            }
            else if (uniformVariance > 0)
            {
                FitOne(new UniformPixels(uniformVariance), roi, output);
            }
            else
            {
                FitOne(default(ZeroPixels), roi, output);
            }
        }

        if (_clock is not null)
        {
            // The pair fits inside the loop were charged to their own stage already.
            _clock.Add(LocalizerStages.SingleFits, System.Diagnostics.Stopwatch.GetTimestamp() - started - (_pairTicks - pairsBefore));
        }
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

    private void FitOne<TVariance>(TVariance variance, RoiPlace roi, List<Localization> output)
        where TVariance : struct, IPixels
    {
        var pixels = new ArrayPixels(_pixels, 0);
        Fits++;
        if (_calibration is not null)
        {
            FitOne3D(pixels, variance, roi, output);
            return;
        }

        FitResult single = GaussianMle.Fit(pixels, variance, _roi, _options);
        Accept(single, pixels, variance, roi, output);
    }

    // x, y, z, N, b with the calibration's model (no pair fits in 3D: the two-emitter model is 2D).
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

    /// <summary>
    /// Everything after the single fit of the ROI <paramref name="pixels"/>: the pair fit when it is
    /// poor, the rejection count, the flags, the localization. Also the GPU backend's entry, whose
    /// kernel did the single fit on the same pixels (one policy for both backends).
    /// </summary>
    public void Accept<TVariance>(in FitResult single, ArrayPixels pixels, TVariance variance, RoiPlace roi, List<Localization> output)
        where TVariance : struct, IPixels
    {
        bool badLikelihood = HasBadLikelihood(single);
        double widthZ = WidthZ(single);
        bool overlap = badLikelihood || widthZ > RoiPolicy.OverlapSigmaZ;
        if (_settings.MultiEmitter && CouldBeTwo(single, badLikelihood, widthZ))
        {
            PairFits++;
            long pairStarted = StageClock.Start();
            TwoEmitterResult pair = TwoEmitterMle.Fit(pixels, variance, _roi, _sigmaPx, single, _options.MaxIterations, _options.ExcessNoiseFactor);
            long pairTicks = System.Diagnostics.Stopwatch.GetTimestamp() - pairStarted;
            _pairTicks += pairTicks;
            _clock?.Add(LocalizerStages.MultiEmitterFits, pairTicks);
            double gain = (single.LogLikelihoodRatio - pair.LogLikelihoodRatio) / _options.ExcessNoiseFactor;
            if (IsPlausible(pair) && gain > RoiPolicy.PairLikelihoodGain)
            {
                PairsAccepted++;
                output.Add(ToLocalization(roi, pair.X1, pair.Y1, pair.Photons1, pair.Background, _sigmaPx, pair.CrlbX1, pair.CrlbY1, pair.LogLikelihoodRatio, pair.Iterations, LocalizationFlags.MultiEmitter));
                output.Add(ToLocalization(roi, pair.X2, pair.Y2, pair.Photons2, pair.Background, _sigmaPx, pair.CrlbX2, pair.CrlbY2, pair.LogLikelihoodRatio, pair.Iterations, LocalizationFlags.MultiEmitter));
                return;
            }

            overlap |= IsPlausible(pair) && gain > RoiPolicy.OverlapLikelihoodGain;
        }

        if (single.Status != FitStatus.Ok)
        {
            Rejections.Add(single.Status);
            return;
        }

        output.Add(ToLocalization(roi, single.X, single.Y, single.Photons, single.Background, single.Sigma, single.CrlbX, single.CrlbY,
            single.LogLikelihoodRatio, single.Iterations, overlap ? LocalizationFlags.PossibleOverlap : LocalizationFlags.None));
    }

    // LLR above its expectation F·df by RoiPolicy.PoorFitStdDevs standard deviations (F·√(2 df)).
    private bool HasBadLikelihood(in FitResult single)
    {
        int df = (_roi * _roi) - (_options.FitSigma ? 5 : 4);
        double f = _options.ExcessNoiseFactor;
        return single.LogLikelihoodRatio > f * (df + (RoiPolicy.PoorFitStdDevs * Math.Sqrt(2.0 * df)));
    }

    private static bool CouldBeTwo(in FitResult single, bool badLikelihood, double widthZ) =>
        single.Status is FitStatus.Ok or FitStatus.SigmaOutOfRange or FitStatus.NotConverged
        && (badLikelihood || widthZ > RoiPolicy.TryPairSigmaZ);

    // (σ − σ_PSF)/√CRLB_σ; 0 when σ is fixed or its CRLB unusable.
    private double WidthZ(in FitResult single) =>
        _options.FitSigma && single.CrlbSigma > 0f ? (single.Sigma - _sigmaPx) / Math.Sqrt(single.CrlbSigma) : 0;

    private bool IsPlausible(in TwoEmitterResult pair)
    {
        if (!pair.Converged || !(pair.LogLikelihoodRatio >= 0) || !float.IsFinite(pair.CrlbX1) || !float.IsFinite(pair.CrlbX2)
            || pair.CrlbX1 <= 0 || pair.CrlbY1 <= 0 || pair.CrlbX2 <= 0 || pair.CrlbY2 <= 0)
        {
            return false;
        }

        bool inside = Inside(pair.X1) && Inside(pair.Y1) && Inside(pair.X2) && Inside(pair.Y2);
        return inside && pair.Photons1 >= _options.MinPhotoelectrons && pair.Photons2 >= _options.MinPhotoelectrons;
    }

    private bool Inside(float v) => v >= 0f && v <= _roi;

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
