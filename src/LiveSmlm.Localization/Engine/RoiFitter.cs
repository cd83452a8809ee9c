using LiveSmlm.Core;

namespace LiveSmlm.Localization;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// Cuts a ROI around each candidate, fits one emitter, and when that fit is poor tries two emitters
/// and keeps the better model (likelihood-ratio test); converts accepted fits to localizations.
/// One per worker thread: holds the ROI scratch buffers, so fitting allocates nothing.
/// </summary>
internal sealed class RoiFitter
{
    // A single fit is "poor" when its log-likelihood ratio exceeds its expectation F·df by this many
    // standard deviations (F·√(2 df)): LLR ≈ χ²(df), scaled by the excess noise factor for an EMCCD.
    private const double PoorFitStdDevs = 3.0;

    // ... or when its width exceeds the PSF's by this factor: two emitters closer than σ·1.5 look like
    // one wider spot (1.2σ apart: √(1 + 0.36/2)·σ ≈ 1.09σ on average over the two axes).
    private const double PoorFitSigmaFactor = 1.05;

    // The pair wins when it lowers the LLR (per unit excess noise) by more than this: the 0.9997
    // quantile of χ² with 2 degrees of freedom, the difference in free parameters (7 vs 5).
    private const double PairLikelihoodGain = 16.0;

    // Two results closer than this fraction of σ are the same emitter found from two candidates.
    private const double DuplicateFractionOfSigma = 0.5;

    private readonly LocalizerSettings _settings;
    private readonly FitOptions _options;
    private readonly int _roi;
    private readonly float _sigmaPx;
    private readonly double _pixelNm;
    private readonly double _qe;
    private readonly float[] _pixels;
    private readonly float[] _variance;

    public RoiFitter(LocalizerSettings settings)
    {
        _settings = settings;
        _options = settings.ToFitOptions();
        _roi = settings.EffectiveRoiSizePx;
        _sigmaPx = (float)settings.PsfSigmaPx;
        _pixelNm = settings.Camera.PixelSizeNm;
        _qe = settings.Camera.QuantumEfficiency;
        _pixels = new float[_roi * _roi];
        _variance = new float[_roi * _roi];
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
    /// <paramref name="uniformVariance"/>.
    /// </summary>
    public void FitFrame(
        float[] electrons, float[]? varianceMap, float uniformVariance, int width, int height, List<Candidate> candidates, int frame, List<Localization> output)
    {
        int start = output.Count;
        foreach (Candidate c in candidates)
        {
            int x0 = Math.Clamp(c.X - (_roi / 2), 0, width - _roi);
            int y0 = Math.Clamp(c.Y - (_roi / 2), 0, height - _roi);
            bool atBorder = x0 != c.X - (_roi / 2) || y0 != c.Y - (_roi / 2);
            for (int j = 0; j < _roi; j++)
            {
                Array.Copy(electrons, ((y0 + j) * width) + x0, _pixels, j * _roi, _roi);
            }

            var roi = new RoiPlace(x0, y0, atBorder, frame);
            if (varianceMap is not null)
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

        RemoveDuplicates(output, start);
    }

    private void FitOne<TVariance>(TVariance variance, RoiPlace roi, List<Localization> output)
        where TVariance : struct, IPixels
    {
        var pixels = new ArrayPixels(_pixels, 0);
        Fits++;
        FitResult single = GaussianMle.Fit(pixels, variance, _roi, _options);
        bool poor = IsPoor(single);
        if (_settings.MultiEmitter && poor)
        {
            PairFits++;
            TwoEmitterResult pair = TwoEmitterMle.Fit(pixels, variance, _roi, _sigmaPx, single, _options.MaxIterations, _options.ExcessNoiseFactor);
            if (AcceptPair(single, pair))
            {
                PairsAccepted++;
                output.Add(ToLocalization(roi, pair.X1, pair.Y1, pair.Photons1, pair.Background, _sigmaPx, pair.CrlbX1, pair.CrlbY1, pair.LogLikelihoodRatio, pair.Iterations, LocalizationFlags.MultiEmitter));
                output.Add(ToLocalization(roi, pair.X2, pair.Y2, pair.Photons2, pair.Background, _sigmaPx, pair.CrlbX2, pair.CrlbY2, pair.LogLikelihoodRatio, pair.Iterations, LocalizationFlags.MultiEmitter));
                return;
            }
        }

        if (single.Status != FitStatus.Ok)
        {
            Rejections.Add(single.Status);
            return;
        }

        output.Add(ToLocalization(roi, single.X, single.Y, single.Photons, single.Background, single.Sigma, single.CrlbX, single.CrlbY,
            single.LogLikelihoodRatio, single.Iterations, poor ? LocalizationFlags.PossibleOverlap : LocalizationFlags.None));
    }

    private bool IsPoor(in FitResult single)
    {
        if (single.Status is not (FitStatus.Ok or FitStatus.SigmaOutOfRange or FitStatus.NotConverged))
        {
            return false;
        }

        int df = (_roi * _roi) - (_options.FitSigma ? 5 : 4);
        double f = _options.ExcessNoiseFactor;
        bool badLikelihood = single.LogLikelihoodRatio > f * (df + (PoorFitStdDevs * Math.Sqrt(2.0 * df)));
        bool tooWide = _options.FitSigma && single.Sigma > PoorFitSigmaFactor * _sigmaPx;
        return badLikelihood || tooWide;
    }

    private bool AcceptPair(in FitResult single, in TwoEmitterResult pair)
    {
        if (!pair.Converged || !(pair.LogLikelihoodRatio >= 0) || !float.IsFinite(pair.CrlbX1) || !float.IsFinite(pair.CrlbX2)
            || pair.CrlbX1 <= 0 || pair.CrlbY1 <= 0 || pair.CrlbX2 <= 0 || pair.CrlbY2 <= 0)
        {
            return false;
        }

        bool inside = Inside(pair.X1) && Inside(pair.Y1) && Inside(pair.X2) && Inside(pair.Y2);
        bool bright = pair.Photons1 >= _options.MinPhotoelectrons && pair.Photons2 >= _options.MinPhotoelectrons;
        double gain = (single.LogLikelihoodRatio - pair.LogLikelihoodRatio) / _options.ExcessNoiseFactor;
        return inside && bright && gain > PairLikelihoodGain;
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

    // Keeps, of two localizations closer than DuplicateFractionOfSigma·σ, the more precise one.
    private void RemoveDuplicates(List<Localization> output, int start)
    {
        double limitNm = DuplicateFractionOfSigma * _sigmaPx * _pixelNm;
        double limit2 = limitNm * limitNm;
        int kept = start;
        for (int i = start; i < output.Count; i++)
        {
            Localization candidate = output[i];
            bool duplicate = false;
            for (int k = start; k < kept; k++)
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
    }

    private readonly record struct RoiPlace(int X0, int Y0, bool AtBorder, int Frame);
}
