namespace LiveSmlm.Localization;

/// <summary>
/// Poisson maximum-likelihood fit of a pixel-integrated Gaussian μ = N·Ex(i)·Ey(j) + b to one ROI,
/// with CRLB and log-likelihood ratio. The one definition of the per-ROI math for CPU and GPU:
/// static, generic over pixel structs, no allocation, no exceptions, no managed arrays (ILGPU-compatible).
/// </summary>
/// <remarks>
/// Fisher scoring of a <see cref="GaussianModel"/> on the shared <see cref="FisherScoring"/> pieces
/// (accumulation, Cholesky solve, damping, CRLB). Steps are limited (position ≤ 1 px, σ ≤ 0.5 px, N and
/// b halved instead of going negative) and damped while they oscillate, so a poor start never diverges;
/// isolated spots converge in 4–6 iterations. sCMOS read variance v is added to data and model
/// (Huang et al. 2013).
/// </remarks>
public static class GaussianMle
{
    /// <summary>Smallest ROI side: fewer pixels cannot constrain five parameters and a background.</summary>
    public const int MinRoiSize = 3;

    /// <summary>Largest ROI side (the per-axis tables are fixed-size).</summary>
    public const int MaxRoiSize = AxisTable.MaxPixels - 1;

    // Largest σ step per iteration, px, and the σ floor while iterating (a narrower PSF is unphysical).
    private const float MaxSigmaStepPx = 0.5f;
    private const float SigmaFloorPx = 0.2f;

    /// <summary>
    /// Fits one ROI. <paramref name="pixels"/>: photoelectrons, row-major, roiSize²;
    /// <paramref name="readVariance"/>: per-pixel read variance in photoelectrons² (a
    /// <see cref="ZeroPixels"/> for EMCCD/negligible read noise). Never throws; see <see cref="FitResult.Status"/>.
    /// </summary>
    public static FitResult Fit<TPixels, TVariance>(TPixels pixels, TVariance readVariance, int roiSize, FitOptions options)
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        FitResult result = default;
        if (roiSize < MinRoiSize || roiSize > MaxRoiSize)
        {
            result.Status = FitStatus.InvalidRoi;
            return result;
        }

        Vector5 p = InitialEstimate(pixels, roiSize, options.InitialSigmaPx);
        float x = p.V0, y = p.V1, n = p.V2, b = p.V3, s = p.V4;
        bool fitSigma = options.FitSigma;
        int count = fitSigma ? 5 : 4;
        bool converged = false;
        bool outside = false;
        int iteration = 0;
        float damping = 1f;
        float lastDx = 0f, lastDy = 0f, lastDs = 0f;
        GaussianModel model = default;
        FisherMatrix fisher = default;
        ParameterVector scale = default;
        while (iteration < options.MaxIterations)
        {
            iteration++;
            model.Set(roiSize, x, y, s, n, b, fitSigma);
            Accumulate(ref model, pixels, readVariance, roiSize, out fisher, out ParameterVector gradient);
            if (!FisherScoring.Solve(ref fisher, count, ref gradient, out scale, out ParameterVector step))
            {
                break;
            }

            // A step that reverses a position or σ step of more than the tolerance is oscillation:
            // damp every later step (low-SNR spots, where b, N and σ trade off).
            float stepS = fitSigma ? step[4] : 0f;
            bool oscillated = FisherScoring.Reverses(step[0], lastDx, options.TolerancePx)
                || FisherScoring.Reverses(step[1], lastDy, options.TolerancePx)
                || FisherScoring.Reverses(stepS, lastDs, options.TolerancePx);
            damping = FisherScoring.NextDamping(damping, oscillated);
            float dx = FisherScoring.Clamp(damping * step[0], FisherScoring.MaxPositionStepPx);
            float dy = FisherScoring.Clamp(damping * step[1], FisherScoring.MaxPositionStepPx);
            float ds = FisherScoring.Clamp(damping * stepS, MaxSigmaStepPx);
            lastDx = dx;
            lastDy = dy;
            lastDs = ds;
            x += dx;
            y += dy;
            float dn = FisherScoring.PositiveChange(n, damping * step[2]);
            n += dn;
            b += FisherScoring.PositiveChange(b, damping * step[3]);
            s = MathF.Max(s + ds, SigmaFloorPx);
            if (!(FisherScoring.IsFinite(x) && FisherScoring.IsFinite(y) && FisherScoring.IsFinite(n) && FisherScoring.IsFinite(b) && FisherScoring.IsFinite(s)))
            {
                break;
            }

            float margin = FisherScoring.OutsideMarginPx;
            if (x < -margin || y < -margin || x > roiSize + margin || y > roiSize + margin)
            {
                outside = true;
                break;
            }

            // Newton decrement: low-SNR spots stop when further steps no longer matter.
            float decrement = FisherScoring.Decrement(ref gradient, ref step, count);
            bool smallSteps = MathF.Abs(dx) < options.TolerancePx && MathF.Abs(dy) < options.TolerancePx
                && MathF.Abs(ds) < options.TolerancePx && MathF.Abs(dn) < options.TolerancePx * n;
            if (smallSteps || decrement < FisherScoring.ConvergedDecrement)
            {
                converged = true;
                break;
            }
        }

        result.X = x;
        result.Y = y;
        result.Photons = n;
        result.Background = b;
        result.Sigma = s;
        result.Iterations = iteration;
        if (converged)
        {
            // The last step was below tolerance: the factored Fisher matrix and tables of its starting
            // point give the CRLB and LLR to first and second order in that step, without another evaluation.
            result.LogLikelihoodRatio = FisherScoring.LogLikelihoodRatio(ref model, pixels, readVariance, roiSize);
            result.Status = Finish(roiSize, options, converged, outside, ref fisher, ref scale, true, ref result);
            return result;
        }

        if (!outside && FisherScoring.IsFinite(x) && FisherScoring.IsFinite(y) && FisherScoring.IsFinite(n) && FisherScoring.IsFinite(b) && FisherScoring.IsFinite(s))
        {
            model.Set(roiSize, x, y, s, n, b, fitSigma);
            Accumulate(ref model, pixels, readVariance, roiSize, out fisher, out _);
            result.LogLikelihoodRatio = FisherScoring.LogLikelihoodRatio(ref model, pixels, readVariance, roiSize);
        }

        result.Status = Finish(roiSize, options, converged, outside, ref fisher, ref scale, false, ref result);
        return result;
    }

    /// <summary>
    /// Start values: b = mean of the ROI's outer ring (mostly background for a centred spot), N = sum
    /// above b, (x, y) = centroid of the positive excess, σ = the configured PSF width.
    /// </summary>
    public static Vector5 InitialEstimate<TPixels>(TPixels pixels, int roiSize, float sigmaPx)
        where TPixels : struct, IPixels
    {
        float ring = 0f;
        int ringCount = 0;
        for (int j = 0; j < roiSize; j++)
        {
            for (int i = 0; i < roiSize; i++)
            {
                if (i == 0 || j == 0 || i == roiSize - 1 || j == roiSize - 1)
                {
                    ring += pixels[(j * roiSize) + i];
                    ringCount++;
                }
            }
        }

        float b = MathF.Max(ring / ringCount, FisherScoring.MinModel);
        float sum = 0f, sx = 0f, sy = 0f, total = 0f;
        for (int j = 0; j < roiSize; j++)
        {
            for (int i = 0; i < roiSize; i++)
            {
                float excess = pixels[(j * roiSize) + i] - b;
                total += excess;
                if (excess > 0f)
                {
                    sum += excess;
                    sx += excess * (i + 0.5f);
                    sy += excess * (j + 0.5f);
                }
            }
        }

        float centre = 0.5f * roiSize;
        float x = sum > 0f ? sx / sum : centre;
        float y = sum > 0f ? sy / sum : centre;
        return new Vector5(x, y, MathF.Max(total, 1f), b, sigmaPx);
    }

    /// <summary>
    /// <see cref="FisherScoring.Accumulate"/> for the 5-parameter <see cref="GaussianModel"/>, unrolled
    /// into locals: the hot loop of every isolated emitter, where the generic loop over a parameter
    /// vector costs 35–40 % of the fit rate (measured with `livesmlm bench`). Same sums, same packed
    /// layout; with σ fixed the solve uses the leading 4 × 4 block.
    /// </summary>
    public static void Accumulate<TPixels, TVariance>(
        ref GaussianModel model, TPixels pixels, TVariance readVariance, int roiSize, out FisherMatrix fisher, out ParameterVector gradient)
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        // Accumulate in locals, not in the out structs: the JIT keeps locals in registers, while each
        // "fisher[i, j] +=" on a by-ref struct would be a load and a store per pixel.
        float n = model.Photons, b = model.Background;
        float a00 = 0f, a01 = 0f, a02 = 0f, a03 = 0f, a04 = 0f, a11 = 0f, a12 = 0f, a13 = 0f, a14 = 0f;
        float a22 = 0f, a23 = 0f, a24 = 0f, a33 = 0f, a34 = 0f, a44 = 0f;
        float g0 = 0f, g1 = 0f, g2 = 0f, g3 = 0f, g4 = 0f;
        for (int j = 0; j < roiSize; j++)
        {
            float ey = model.Y.Integral(j);
            float dey = model.Y.DerivativePosition(j);
            float sey = model.Y.DerivativeSigma(j);
            int row = j * roiSize;
            for (int i = 0; i < roiSize; i++)
            {
                float ex = model.X.Integral(i);
                float v = readVariance[row + i];
                float psf = ex * ey;
                float mu = MathF.Max((n * psf) + b + v, FisherScoring.MinModel);
                float d = pixels[row + i] + v;
                float w = 1f / mu;
                float px = n * model.X.DerivativePosition(i) * ey;
                float py = n * ex * dey;
                float ps = n * ((model.X.DerivativeSigma(i) * ey) + (ex * sey));
                float r = (d * w) - 1f;
                g0 += r * px;
                g1 += r * py;
                g2 += r * psf;
                g3 += r;
                g4 += r * ps;
                float wx = w * px, wy = w * py, wn = w * psf, ws = w * ps;
                a00 += wx * px;
                a01 += wx * py;
                a02 += wx * psf;
                a03 += wx;
                a04 += wx * ps;
                a11 += wy * py;
                a12 += wy * psf;
                a13 += wy;
                a14 += wy * ps;
                a22 += wn * psf;
                a23 += wn;
                a24 += wn * ps;
                a33 += w;
                a34 += ws;
                a44 += ws * ps;
            }
        }

        fisher = default;
        fisher[0, 0] = a00;
        fisher[1, 0] = a01;
        fisher[1, 1] = a11;
        fisher[2, 0] = a02;
        fisher[2, 1] = a12;
        fisher[2, 2] = a22;
        fisher[3, 0] = a03;
        fisher[3, 1] = a13;
        fisher[3, 2] = a23;
        fisher[3, 3] = a33;
        fisher[4, 0] = a04;
        fisher[4, 1] = a14;
        fisher[4, 2] = a24;
        fisher[4, 3] = a34;
        fisher[4, 4] = a44;
        gradient = default;
        gradient[0] = g0;
        gradient[1] = g1;
        gradient[2] = g2;
        gradient[3] = g3;
        gradient[4] = g4;
    }

    // Status and CRLB from the Fisher matrix at (or within tolerance of) the final parameters.
    // fisher is the Fisher matrix, or its factor (with scale) when factored.
    private static FitStatus Finish(
        int roiSize, FitOptions options, bool converged, bool outside, ref FisherMatrix fisher, ref ParameterVector scale, bool factored, ref FitResult r)
    {
        if (outside)
        {
            return FitStatus.OutsideRoi;
        }

        if (!(IsFinite(r.X) && IsFinite(r.Y) && IsFinite(r.Photons) && IsFinite(r.Background) && IsFinite(r.Sigma)))
        {
            return FitStatus.NonFinite;
        }

        int count = options.FitSigma ? 5 : 4;
        ParameterVector crlb;
        bool valid = factored
            ? FisherScoring.Crlb(ref fisher, ref scale, count, options.ExcessNoiseFactor, out crlb)
            : FisherScoring.Crlb(ref fisher, count, options.ExcessNoiseFactor, out crlb);
        if (!valid)
        {
            return FitStatus.NonFinite;
        }

        r.CrlbX = crlb[0];
        r.CrlbY = crlb[1];
        r.CrlbPhotons = crlb[2];
        r.CrlbBackground = crlb[3];
        r.CrlbSigma = options.FitSigma ? crlb[4] : 0f;
        if (!(IsFinite(r.CrlbX) && IsFinite(r.CrlbY) && r.CrlbX > 0f && r.CrlbY > 0f))
        {
            return FitStatus.NonFinite;
        }

        if (r.X < 0f || r.Y < 0f || r.X > roiSize || r.Y > roiSize)
        {
            return FitStatus.OutsideRoi;
        }

        if (r.Sigma < options.MinSigmaPx || r.Sigma > options.MaxSigmaPx)
        {
            return FitStatus.SigmaOutOfRange;
        }

        if (r.Photons < options.MinPhotoelectrons || r.Photons < options.MinSignalToNoise * MathF.Sqrt(r.CrlbPhotons))
        {
            return FitStatus.TooFewPhotons;
        }

        return converged ? FitStatus.Ok : FitStatus.NotConverged;
    }

    private static bool IsFinite(float value) => FisherScoring.IsFinite(value);
}

/// <summary>Five values (x, y, N, b, σ) in fields: the single fit's start values.</summary>
public readonly record struct Vector5(float V0, float V1, float V2, float V3, float V4);
