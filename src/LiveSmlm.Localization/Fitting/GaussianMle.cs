namespace LiveSmlm.Localization;

/// <summary>
/// Poisson maximum-likelihood fit of a pixel-integrated Gaussian μ = N·Ex(i)·Ey(j) + b to one ROI,
/// with CRLB and log-likelihood ratio. The one definition of the per-ROI math for CPU and GPU:
/// static, generic over pixel structs, no allocation, no exceptions, no managed arrays (ILGPU-compatible).
/// </summary>
/// <remarks>
/// Fisher scoring (Newton with the expected Hessian Σ ∂μ/∂a ∂μ/∂b / μ, Smith et al. 2010 use the
/// observed one): always positive definite, so every step goes uphill, and at the optimum the same
/// matrix is the Fisher information for the CRLB. Steps are limited (position ≤ 1 px, σ ≤ 0.5 px, N and
/// b halved instead of going negative) and halved while they oscillate, so a poor start never diverges;
/// isolated spots converge in 4–6 iterations. sCMOS read variance v is added to data and model
/// (Huang et al. 2013).
/// </remarks>
public static class GaussianMle
{
    /// <summary>Smallest ROI side: fewer pixels cannot constrain five parameters and a background.</summary>
    public const int MinRoiSize = 3;

    /// <summary>Largest ROI side (the per-axis tables are fixed-size).</summary>
    public const int MaxRoiSize = AxisTable.MaxPixels - 1;

    // Largest position step per iteration, px: a Newton step beyond one pixel is a bad quadratic model.
    private const float MaxPositionStepPx = 1f;

    // Largest σ step per iteration, px, and the σ floor while iterating (a narrower PSF is unphysical).
    private const float MaxSigmaStepPx = 0.5f;
    private const float SigmaFloorPx = 0.2f;

    // Converged when the undamped step is shorter than 1 % of a standard deviation (decrement 10⁻⁴).
    private const float ConvergedDecrement = 1e-4f;

    // Factor applied to all later steps each time a step reverses the previous one.
    private const float OscillationDamping = 0.5f;

    // μ is floored here so that 1/μ stays finite when N and b approach 0 on an empty ROI.
    private const float MinModel = 1e-4f;

    // Once the position is this far (px) outside the ROI the fit cannot come back: stop early.
    private const float OutsideMarginPx = 1f;

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
        bool converged = false;
        bool outside = false;
        int iteration = 0;
        float damping = 1f;
        float lastDx = 0f, lastDy = 0f, lastDs = 0f;
        AxisTable tx = default;
        AxisTable ty = default;
        FisherMatrix5 fisher = default;
        float evaluatedN = n, evaluatedB = b;
        while (iteration < options.MaxIterations)
        {
            iteration++;
            tx.Fill(roiSize, x, s);
            ty.Fill(roiSize, y, s);
            evaluatedN = n;
            evaluatedB = b;
            Accumulate(pixels, readVariance, roiSize, ref tx, ref ty, n, b, out fisher, out Vector5 gradient);
            if (!options.FitSigma)
            {
                fisher.FixSigma();
                gradient = new Vector5(gradient.V0, gradient.V1, gradient.V2, gradient.V3, 0f);
            }

            if (!SymmetricSolver5.Solve(fisher, gradient, out Vector5 step))
            {
                break;
            }

            // A step that reverses a position or σ step of more than the tolerance is oscillation:
            // halve every later step (low-SNR spots, where b, N and σ trade off).
            if ((step.V0 * lastDx < 0f && MathF.Abs(lastDx) > options.TolerancePx)
                || (step.V1 * lastDy < 0f && MathF.Abs(lastDy) > options.TolerancePx)
                || (step.V4 * lastDs < 0f && MathF.Abs(lastDs) > options.TolerancePx))
            {
                damping *= OscillationDamping;
            }
            else
            {
                damping = MathF.Min(1f, damping * 2f);
            }

            float dx = Clamp(damping * step.V0, MaxPositionStepPx);
            float dy = Clamp(damping * step.V1, MaxPositionStepPx);
            float ds = Clamp(damping * step.V4, MaxSigmaStepPx);
            lastDx = dx;
            lastDy = dy;
            lastDs = ds;
            x += dx;
            y += dy;
            float newN = n + (damping * step.V2);
            float dn = newN > 0f ? damping * step.V2 : -0.5f * n;
            n += dn;
            float newB = b + (damping * step.V3);
            b = newB > 0f ? newB : 0.5f * b;
            s = MathF.Max(s + ds, SigmaFloorPx);
            if (!(IsFinite(x) && IsFinite(y) && IsFinite(n) && IsFinite(b) && IsFinite(s)))
            {
                break;
            }

            if (x < -OutsideMarginPx || y < -OutsideMarginPx || x > roiSize + OutsideMarginPx || y > roiSize + OutsideMarginPx)
            {
                outside = true;
                break;
            }

            // Newton decrement gᵀI⁻¹g = gᵀΔ: the squared length of the step in units of the parameters'
            // own standard deviations, so low-SNR spots stop when further steps no longer matter.
            float decrement = (gradient.V0 * step.V0) + (gradient.V1 * step.V1) + (gradient.V2 * step.V2)
                + (gradient.V3 * step.V3) + (gradient.V4 * step.V4);
            bool smallSteps = MathF.Abs(dx) < options.TolerancePx && MathF.Abs(dy) < options.TolerancePx
                && MathF.Abs(ds) < options.TolerancePx && MathF.Abs(dn) < options.TolerancePx * n;
            if (smallSteps || decrement < ConvergedDecrement)
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
            // The last step was below tolerance: the Fisher matrix and tables of its starting point give
            // the CRLB and LLR to first and second order in that step, without another evaluation.
            result.LogLikelihoodRatio = LogLikelihoodRatio(pixels, readVariance, roiSize, ref tx, ref ty, evaluatedN, evaluatedB);
            result.Status = Finish(roiSize, options, converged, outside, fisher, ref result);
            return result;
        }

        if (!outside && IsFinite(x) && IsFinite(y) && IsFinite(n) && IsFinite(b) && IsFinite(s))
        {
            tx.Fill(roiSize, x, s);
            ty.Fill(roiSize, y, s);
            Accumulate(pixels, readVariance, roiSize, ref tx, ref ty, n, b, out fisher, out _);
            if (!options.FitSigma)
            {
                fisher.FixSigma();
            }

            result.LogLikelihoodRatio = LogLikelihoodRatio(pixels, readVariance, roiSize, ref tx, ref ty, n, b);
        }

        result.Status = Finish(roiSize, options, converged, outside, fisher, ref result);
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

        float b = MathF.Max(ring / ringCount, MinModel);
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
    /// Fisher information and score of the Poisson log-likelihood at the tables' (x, y, σ) and N, b:
    /// I_ab = Σ ∂ₐμ ∂ᵦμ / μ', g_a = Σ ∂ₐμ (d'/μ' − 1), with d' = d + v and μ' = μ + v.
    /// </summary>
    public static void Accumulate<TPixels, TVariance>(
        TPixels pixels, TVariance readVariance, int roiSize, ref AxisTable tx, ref AxisTable ty, float n, float b,
        out FisherMatrix5 fisher, out Vector5 gradient)
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        // Accumulate in locals, not in the out struct: the JIT keeps locals in registers, while each
        // "fisher.Aij +=" on a by-ref struct would be a load and a store per pixel.
        float a00 = 0f, a01 = 0f, a02 = 0f, a03 = 0f, a04 = 0f, a11 = 0f, a12 = 0f, a13 = 0f, a14 = 0f;
        float a22 = 0f, a23 = 0f, a24 = 0f, a33 = 0f, a34 = 0f, a44 = 0f;
        float g0 = 0f, g1 = 0f, g2 = 0f, g3 = 0f, g4 = 0f;
        for (int j = 0; j < roiSize; j++)
        {
            float ey = ty.Integral(j);
            float dey = ty.DerivativePosition(j);
            float sey = ty.DerivativeSigma(j);
            int row = j * roiSize;
            for (int i = 0; i < roiSize; i++)
            {
                float ex = tx.Integral(i);
                float v = readVariance[row + i];
                float psf = ex * ey;
                float mu = MathF.Max((n * psf) + b + v, MinModel);
                float d = pixels[row + i] + v;
                float w = 1f / mu;
                float px = n * tx.DerivativePosition(i) * ey;
                float py = n * ex * dey;
                float ps = n * ((tx.DerivativeSigma(i) * ey) + (ex * sey));
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

        fisher = new FisherMatrix5
        {
            A00 = a00, A01 = a01, A02 = a02, A03 = a03, A04 = a04,
            A11 = a11, A12 = a12, A13 = a13, A14 = a14,
            A22 = a22, A23 = a23, A24 = a24,
            A33 = a33, A34 = a34,
            A44 = a44,
        };
        gradient = new Vector5(g0, g1, g2, g3, g4);
    }

    /// <summary>
    /// Log-likelihood ratio 2Σ[μ' − d' + d' ln(d'/μ')] (d' ln d' → 0 where d' ≤ 0) at the tables' parameters.
    /// </summary>
    public static float LogLikelihoodRatio<TPixels, TVariance>(
        TPixels pixels, TVariance readVariance, int roiSize, ref AxisTable tx, ref AxisTable ty, float n, float b)
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        float sum = 0f;
        for (int j = 0; j < roiSize; j++)
        {
            float ey = ty.Integral(j);
            int row = j * roiSize;
            for (int i = 0; i < roiSize; i++)
            {
                float v = readVariance[row + i];
                float mu = MathF.Max((n * tx.Integral(i) * ey) + b + v, MinModel);
                float d = pixels[row + i] + v;
                sum += mu - d;
                if (d > 0f)
                {
                    sum += d * MathF.Log(d / mu);
                }
            }
        }

        return 2f * sum;
    }

    // Status and CRLB from the Fisher matrix at (or within tolerance of) the final parameters.
    private static FitStatus Finish(int roiSize, FitOptions options, bool converged, bool outside, FisherMatrix5 fisher, ref FitResult r)
    {
        if (outside)
        {
            return FitStatus.OutsideRoi;
        }

        if (!(IsFinite(r.X) && IsFinite(r.Y) && IsFinite(r.Photons) && IsFinite(r.Background) && IsFinite(r.Sigma)))
        {
            return FitStatus.NonFinite;
        }

        if (!SymmetricSolver5.InverseDiagonal(fisher, out Vector5 crlb))
        {
            return FitStatus.NonFinite;
        }

        float f = options.ExcessNoiseFactor;
        r.CrlbX = f * crlb.V0;
        r.CrlbY = f * crlb.V1;
        r.CrlbPhotons = f * crlb.V2;
        r.CrlbBackground = f * crlb.V3;
        r.CrlbSigma = options.FitSigma ? f * crlb.V4 : 0f;
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

    // |v| ≤ MaxValue is false for NaN and ±∞; written out because float.IsFinite is not an ILGPU intrinsic.
    private static bool IsFinite(float value) => MathF.Abs(value) <= float.MaxValue;

    private static float Clamp(float value, float limit) => MathF.Min(MathF.Max(value, -limit), limit);
}
