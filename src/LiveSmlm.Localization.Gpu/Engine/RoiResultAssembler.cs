using LiveSmlm.Core;

namespace LiveSmlm.Localization.Gpu;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// Turns the device's single-emitter fits of one frame into localizations with the CPU engine's
/// policy (RoiFitter): poor fits are refitted as pairs on the host with TwoEmitterMle, rejections are
/// counted, duplicates found from two candidates are merged.
/// </summary>
/// <remarks>
/// The constants mirror RoiFitter's (internal to LiveSmlm.Localization); the equivalence tests catch
/// any drift. The pair fit stays on the host because TwoEmitterMle uses stack spans (CPU only).
/// </remarks>
internal sealed class RoiResultAssembler
{
    // RoiFitter: a single fit is poor when its LLR exceeds F·df by 3 std (F·√(2 df)) ...
    private const double PoorFitStdDevs = 3.0;

    // ... or when it is wider than the PSF by more than 1.5 of its own std (√CRLB_σ): try a pair.
    private const double TryPairSigmaZ = 1.5;

    // Kept as one but flagged PossibleOverlap when wider by more than 3 std ...
    private const double OverlapSigmaZ = 3.0;

    // ... or when the pair model gains more than this without winning.
    private const double OverlapLikelihoodGain = 10.0;

    // The pair wins when it lowers the LLR per unit excess noise by more than χ²₂'s 0.9997 quantile.
    private const double PairLikelihoodGain = 16.0;

    // Two results closer than half a σ are the same emitter found from two candidates.
    private const double DuplicateFractionOfSigma = 0.5;

    private readonly LocalizerSettings _settings;
    private readonly FitOptions _options;
    private readonly int _roi;
    private readonly float _sigmaPx;
    private readonly double _pixelNm;
    private readonly double _qe;

    public RoiResultAssembler(LocalizerSettings settings)
    {
        _settings = settings;
        _options = settings.ToFitOptions();
        _roi = settings.EffectiveRoiSizePx;
        _sigmaPx = (float)settings.PsfSigmaPx;
        _pixelNm = settings.Camera.PixelSizeNm;
        _qe = settings.Camera.QuantumEfficiency;
    }

    public long PairFits { get; private set; }

    public long PairsAccepted { get; private set; }

    public RejectionCounts Rejections { get; } = new();

    /// <summary>
    /// Appends the localizations of ROIs [first, first + count) of a batch to <paramref name="output"/>.
    /// <paramref name="rois"/> / <paramref name="variance"/>: the ROI pixels the device fitted (needed
    /// only for pair fits); <paramref name="uniformVariance"/> when there is no map.
    /// </summary>
    public void AssembleFrame(
        ReadOnlySpan<FitResult> results, ReadOnlySpan<RoiPlacement> placements, ReadOnlySpan<bool> atBorder, float[] rois, float[]? variance,
        float uniformVariance, int first, int count, int frame, List<Localization> output)
    {
        int start = output.Count;
        int area = _roi * _roi;
        for (int r = first; r < first + count; r++)
        {
            RoiPlacement p = placements[r];
            var place = new RoiSite(p.X0, p.Y0, atBorder[r], frame);
            var pixels = new ArrayPixels(rois, r * area);
            if (variance is not null)
            {
                Assemble(results[r], pixels, new ArrayPixels(variance, r * area), place, output);
            }
            else if (uniformVariance > 0)
            {
                Assemble(results[r], pixels, new UniformPixels(uniformVariance), place, output);
            }
            else
            {
                Assemble(results[r], pixels, default(ZeroPixels), place, output);
            }
        }

        RemoveDuplicates(output, start);
    }

    /// <summary>
    /// The ROI's top-left corner for a candidate, clamped into the frame, as RoiFitter cuts it.
    /// </summary>
    public RoiPlacement Place(int slot, Candidate c, int width, int height, out bool atBorder)
    {
        int x0 = Math.Clamp(c.X - (_roi / 2), 0, width - _roi);
        int y0 = Math.Clamp(c.Y - (_roi / 2), 0, height - _roi);
        atBorder = x0 != c.X - (_roi / 2) || y0 != c.Y - (_roi / 2);
        return new RoiPlacement(slot, x0, y0);
    }

    private void Assemble<TVariance>(in FitResult single, ArrayPixels pixels, TVariance variance, RoiSite place, List<Localization> output)
        where TVariance : struct, IPixels
    {
        bool badLikelihood = HasBadLikelihood(single);
        double widthZ = WidthZ(single);
        bool overlap = badLikelihood || widthZ > OverlapSigmaZ;
        if (_settings.MultiEmitter && CouldBeTwo(single, badLikelihood, widthZ))
        {
            PairFits++;
            TwoEmitterResult pair = TwoEmitterMle.Fit(pixels, variance, _roi, _sigmaPx, single, _options.MaxIterations, _options.ExcessNoiseFactor);
            double gain = (single.LogLikelihoodRatio - pair.LogLikelihoodRatio) / _options.ExcessNoiseFactor;
            if (IsPlausible(pair) && gain > PairLikelihoodGain)
            {
                PairsAccepted++;
                output.Add(ToLocalization(place, pair.X1, pair.Y1, pair.Photons1, pair.Background, _sigmaPx, pair.CrlbX1, pair.CrlbY1, pair.LogLikelihoodRatio, pair.Iterations, LocalizationFlags.MultiEmitter));
                output.Add(ToLocalization(place, pair.X2, pair.Y2, pair.Photons2, pair.Background, _sigmaPx, pair.CrlbX2, pair.CrlbY2, pair.LogLikelihoodRatio, pair.Iterations, LocalizationFlags.MultiEmitter));
                return;
            }

            overlap |= IsPlausible(pair) && gain > OverlapLikelihoodGain;
        }

        if (single.Status != FitStatus.Ok)
        {
            Rejections.Add(single.Status);
            return;
        }

        output.Add(ToLocalization(place, single.X, single.Y, single.Photons, single.Background, single.Sigma, single.CrlbX, single.CrlbY,
            single.LogLikelihoodRatio, single.Iterations, overlap ? LocalizationFlags.PossibleOverlap : LocalizationFlags.None));
    }

    private bool HasBadLikelihood(in FitResult single)
    {
        int df = (_roi * _roi) - (_options.FitSigma ? 5 : 4);
        double f = _options.ExcessNoiseFactor;
        return single.LogLikelihoodRatio > f * (df + (PoorFitStdDevs * Math.Sqrt(2.0 * df)));
    }

    private static bool CouldBeTwo(in FitResult single, bool badLikelihood, double widthZ) =>
        single.Status is FitStatus.Ok or FitStatus.SigmaOutOfRange or FitStatus.NotConverged
        && (badLikelihood || widthZ > TryPairSigmaZ);

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
        RoiSite place, float x, float y, float photoelectrons, float background, float sigmaPx, float crlbX, float crlbY, float llr, int iterations, LocalizationFlags flags)
    {
        Localization loc = Localization.Create(
            place.Frame, (float)((place.X0 + x) * _pixelNm), (float)((place.Y0 + y) * _pixelNm), (float)(photoelectrons / _qe));
        loc.BackgroundPhotons = (float)(background / _qe);
        loc.SigmaXNm = (float)(sigmaPx * _pixelNm);
        loc.SigmaYNm = loc.SigmaXNm;
        loc.UncertaintyXNm = (float)(Math.Sqrt(crlbX) * _pixelNm);
        loc.UncertaintyYNm = (float)(Math.Sqrt(crlbY) * _pixelNm);
        loc.LogLikelihoodRatio = llr;
        loc.Iterations = iterations;
        loc.Flags = flags | (place.AtBorder ? LocalizationFlags.AtBorder : LocalizationFlags.None);
        return loc;
    }

    // Keeps, of two localizations closer than DuplicateFractionOfSigma·σ, the more precise one. Sorts
    // the frame's results by x first (ILocalizer: sorted by x within a frame), so each is compared only
    // with its neighbours in x.
    private void RemoveDuplicates(List<Localization> output, int start)
    {
        int count = output.Count - start;
        if (count < 2)
        {
            return;
        }

        output.Sort(start, count, ByX.Instance);
        double limitNm = DuplicateFractionOfSigma * _sigmaPx * _pixelNm;
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
    }

    // x, then y: the order of localizations within a frame.
    private sealed class ByX : IComparer<Localization>
    {
        public static readonly ByX Instance = new();

        public int Compare(Localization a, Localization b)
        {
            int byX = a.XNm.CompareTo(b.XNm);
            return byX != 0 ? byX : a.YNm.CompareTo(b.YNm);
        }
    }

    private readonly record struct RoiSite(int X0, int Y0, bool AtBorder, int Frame);
}
