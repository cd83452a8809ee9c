using System.Runtime.InteropServices;

namespace LiveSmlm.Localization;

/// <summary>
/// The thresholds of <see cref="MultiEmitterSearch"/>, derived on the host from a significance level
/// (<see cref="Create"/>) and passed by value into kernels.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct MultiEmitterOptions
{
    /// <summary>Most emitters fitted jointly in one ROI (1 = single fits only).</summary>
    public int MaxEmitters;

    /// <summary>LLR drop (per unit excess noise) for 2 fixed-σ emitters to beat the σ-free single fit: χ²₂ upper α quantile.</summary>
    public float SplitGain;

    /// <summary>LLR drop (per unit excess noise) for n + 1 emitters to beat n: χ²₃ upper α quantile.</summary>
    public float AddGain;

    /// <summary>Residual z (3 × 3 box of the residual over √ of its model) above which a further emitter is tried: one-sided α, Bonferroni over the ROI's pixels.</summary>
    public float ResidualZ;

    /// <summary>The try-gate: a single fit wider than the PSF by this many of its own standard deviations.</summary>
    public float TrySigmaZ;

    /// <summary>The try-gate: a single fit whose LLR exceeds its expectation F·df by this many standard deviations F·√(2 df).</summary>
    public float TryPoorFitStdDevs;

    /// <summary>
    /// Thresholds for significance <paramref name="alpha"/> (the false-positive rate of each model test
    /// under Wilks' theorem) and at most <paramref name="maxEmitters"/> emitters per ROI.
    /// </summary>
    public static MultiEmitterOptions Create(int maxEmitters, double alpha, int roiSize) => new()
    {
        MaxEmitters = maxEmitters,
        SplitGain = (float)ChiSquared.UpperQuantile(2, alpha),
        AddGain = (float)ChiSquared.UpperQuantile(3, alpha),
        ResidualZ = (float)ChiSquared.NormalUpperQuantile(alpha / (roiSize * roiSize)),
        TrySigmaZ = (float)RoiPolicy.TryPairSigmaZ,
        TryPoorFitStdDevs = (float)RoiPolicy.PoorFitStdDevs,
    };
}

/// <summary>
/// Model selection for one ROI after its single fit: is it n = 1, 2, … emitters? A cheap gate on the
/// single fit decides whether to look at all (σ wider than the PSF, or a poor goodness of fit); then the
/// second emitter starts from a split of the spot along its long axis (a close pair) or at the peak of
/// the single model's residual (an emitter detection missed), each further one at the residual peak of
/// the current fit (as 3D-DAOSTORM), all refitted jointly; a model with more emitters is kept only when
/// its likelihood-ratio gain passes the χ² test at the configured significance (Huang et al. 2011).
/// Static over value types: the CPU engine and the GPU kernels run this one definition.
/// </summary>
public static class MultiEmitterSearch
{
    // The split start: half the excess width along the long axis, clipped to where two emitters can
    // hide in one spot of width σ (below ~0.4 px the pair is one spot) and stay inside the ROI.
    private const float MinHalfSeparationPx = 0.4f;
    private const float MaxHalfSeparationPx = 2f;

    // Variance of the pixel-integrated PSF along an axis: σ² + 1/12 (a uniform pixel's own variance).
    private const float PixelVariance = 1f / 12f;

    // A 3 × 3 box holds about this fraction of a spot of σ ≈ 1–1.5 px centred in it: the start photons
    // of an emitter placed at a residual peak are the box's excess divided by it.
    private const float BoxFraction = 0.5f;

    /// <summary>
    /// True when the single fit <paramref name="single"/> is poor enough to try more emitters: its σ
    /// exceeds the PSF by <see cref="MultiEmitterOptions.TrySigmaZ"/> standard deviations, or its LLR
    /// its χ² expectation by <see cref="MultiEmitterOptions.TryPoorFitStdDevs"/>.
    /// </summary>
    public static bool ShouldTry(in FitResult single, int roiSize, FitOptions options, MultiEmitterOptions search)
    {
        if (search.MaxEmitters < 2 || !(single.Status == FitStatus.Ok || single.Status == FitStatus.SigmaOutOfRange || single.Status == FitStatus.NotConverged))
        {
            return false;
        }

        return WidthZ(single, options) > search.TrySigmaZ || HasPoorLikelihood(single, roiSize, options, search.TryPoorFitStdDevs);
    }

    /// <summary>(σ − σ_PSF)/√CRLB_σ; 0 when σ is fixed or its CRLB unusable.</summary>
    public static float WidthZ(in FitResult single, FitOptions options) =>
        options.FitSigma && single.CrlbSigma > 0f ? (single.Sigma - options.InitialSigmaPx) / MathF.Sqrt(single.CrlbSigma) : 0f;

    /// <summary>LLR above its expectation F·df by <paramref name="stdDevs"/> standard deviations F·√(2 df) (LLR ≈ F·χ²(df)).</summary>
    public static bool HasPoorLikelihood(in FitResult single, int roiSize, FitOptions options, float stdDevs)
    {
        float df = (roiSize * roiSize) - (options.FitSigma ? 5 : 4);
        return single.LogLikelihoodRatio > options.ExcessNoiseFactor * (df + (stdDevs * MathF.Sqrt(2f * df)));
    }

    /// <summary>
    /// Searches n = 2 … MaxEmitters for the ROI whose single fit is <paramref name="single"/>. Returns
    /// the best model with more than one emitter that passed the tests (Emitters ≥ 2, Status Ok), or
    /// Emitters = 1 when the single fit stays. <paramref name="tried"/>: joint fits run;
    /// <paramref name="fromResidual"/>: emitters of the result that were placed at a residual peak;
    /// <paramref name="bestRejectedGain"/>: the gain of the 2-emitter model when it lost (for flags).
    /// </summary>
    public static MultiEmitterResult Search<TPixels, TVariance>(
        TPixels pixels, TVariance readVariance, int roiSize, FitOptions options, MultiEmitterOptions search, in FitResult single,
        out int tried, out int fromResidual, out float bestRejectedGain)
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        tried = 0;
        fromResidual = 0;
        bestRejectedGain = 0f;
        MultiEmitterResult best = default;
        best.Emitters = 1;
        float f = options.ExcessNoiseFactor;

        // n = 2: a spot wider than the PSF is a close pair (split it); otherwise the poor fit is an
        // emitter elsewhere in the ROI (start it at the residual peak).
        ParameterVector start = default;
        bool split = WidthZ(single, options) > search.TrySigmaZ;
        int placed = 0;
        if (split)
        {
            Split(pixels, roiSize, options.InitialSigmaPx, single, ref start);
        }
        else
        {
            GaussianModel model = default;
            model.Set(roiSize, single.X, single.Y, single.Sigma, single.Photons, single.Background, false);
            start[0] = single.X;
            start[1] = single.Y;
            start[2] = single.Photons;
            if (!AddAtResidualPeak(ref model, pixels, readVariance, roiSize, search.ResidualZ, 1, ref start, single.Background))
            {
                return best;
            }

            placed = 1;
        }

        tried++;
        MultiEmitterResult pair = MultiEmitterMle.Fit(pixels, readVariance, roiSize, options, ref start, 2);
        float gain = (single.LogLikelihoodRatio - pair.LogLikelihoodRatio) / f;
        if (pair.Status != FitStatus.Ok || !(gain > search.SplitGain))
        {
            bestRejectedGain = pair.Status == FitStatus.Ok ? gain : 0f;
            return best;
        }

        best = pair;
        fromResidual = placed;
        for (int n = 2; n < search.MaxEmitters; n++)
        {
            MultiGaussianModel current = default;
            ParameterVector next = default;
            best.CopyTo(ref next);
            current.Set(roiSize, ref next, n, options.InitialSigmaPx);
            if (!AddAtResidualPeak(ref current, pixels, readVariance, roiSize, search.ResidualZ, n, ref next, best.Background))
            {
                break;
            }

            tried++;
            MultiEmitterResult more = MultiEmitterMle.Fit(pixels, readVariance, roiSize, options, ref next, n + 1);
            if (more.Status != FitStatus.Ok || !((best.LogLikelihoodRatio - more.LogLikelihoodRatio) / f > search.AddGain))
            {
                break;
            }

            best = more;
            fromResidual++;
        }

        return best;
    }

    /// <summary>
    /// Finds the residual's peak — the 3 × 3 box sum of d − μ over √(Σ μ') — and, when its z passes
    /// <paramref name="threshold"/>, writes emitter <paramref name="n"/> there into <paramref name="p"/>
    /// (emitters 0 … n − 1 kept) with the background after it. False when the residual is noise.
    /// </summary>
    public static bool AddAtResidualPeak<TModel, TPixels, TVariance>(
        ref TModel model, TPixels pixels, TVariance readVariance, int roiSize, float threshold, int n, ref ParameterVector p, float background)
        where TModel : struct, IPixelModel
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        float bestZ = threshold, bestExcess = 0f;
        int bestI = -1, bestJ = -1;
        for (int cj = 1; cj < roiSize - 1; cj++)
        {
            for (int ci = 1; ci < roiSize - 1; ci++)
            {
                float excess = 0f, variance = 0f;
                for (int j = cj - 1; j <= cj + 1; j++)
                {
                    for (int i = ci - 1; i <= ci + 1; i++)
                    {
                        float v = readVariance[(j * roiSize) + i];
                        float mu = MathF.Max(model.ValueAt(i, j), FisherScoring.MinModel);
                        excess += pixels[(j * roiSize) + i] - mu;
                        variance += mu + v;
                    }
                }

                float z = excess / MathF.Sqrt(variance);
                if (z > bestZ)
                {
                    bestZ = z;
                    bestExcess = excess;
                    bestI = ci;
                    bestJ = cj;
                }
            }
        }

        if (bestI < 0)
        {
            return false;
        }

        int o = MultiGaussianModel.EmitterOffset(n);
        p[o] = bestI + 0.5f;
        p[o + 1] = bestJ + 0.5f;
        p[o + 2] = bestExcess / BoxFraction;
        p[MultiGaussianModel.BackgroundIndex(n + 1)] = MathF.Max(background, FisherScoring.MinModel);
        return true;
    }

    /// <summary>
    /// The close-pair start: the single spot split along the principal axis of the ROI's excess second
    /// moments by half its excess width, half the photons each.
    /// </summary>
    public static void Split<TPixels>(TPixels pixels, int roiSize, float sigmaPx, in FitResult single, ref ParameterVector p)
        where TPixels : struct, IPixels
    {
        float sw = 0f, sxx = 0f, syy = 0f, sxy = 0f;
        for (int j = 0; j < roiSize; j++)
        {
            for (int i = 0; i < roiSize; i++)
            {
                float w = pixels[(j * roiSize) + i] - single.Background;
                if (w > 0f)
                {
                    float dx = i + 0.5f - single.X, dy = j + 0.5f - single.Y;
                    sw += w;
                    sxx += w * dx * dx;
                    syy += w * dy * dy;
                    sxy += w * dx * dy;
                }
            }
        }

        float cxx = sw > 0f ? sxx / sw : 0f, cyy = sw > 0f ? syy / sw : 0f, cxy = sw > 0f ? sxy / sw : 0f;
        float half = 0.5f * (cxx - cyy);
        float major = (0.5f * (cxx + cyy)) + MathF.Sqrt((half * half) + (cxy * cxy));
        float angle = 0.5f * MathF.Atan2(2f * cxy, cxx - cyy);
        float excess = major - (sigmaPx * sigmaPx) - PixelVariance;
        float halfSeparation = MathF.Min(MathF.Max(MathF.Sqrt(MathF.Max(excess, 0f)), MinHalfSeparationPx), MaxHalfSeparationPx);
        float ux = MathF.Cos(angle) * halfSeparation, uy = MathF.Sin(angle) * halfSeparation;
        float photons = 0.5f * MathF.Max(single.Photons, 2f);
        p[0] = single.X + ux;
        p[1] = single.Y + uy;
        p[2] = photons;
        p[3] = single.X - ux;
        p[4] = single.Y - uy;
        p[5] = photons;
        p[6] = MathF.Max(single.Background, FisherScoring.MinModel);
    }
}
