namespace LiveSmlm.Localization;

/// <summary>
/// Poisson maximum-likelihood fit of any <see cref="IFitModel"/> to one ROI by Fisher scoring, built from
/// the shared <see cref="FisherScoring"/> pieces (accumulation, Jacobi-scaled Cholesky step, damping,
/// Newton decrement, CRLB). The loop of the 3D fitters (astigmatic Gaussian, cubic spline) and of the
/// bead calibration's elliptical fit; static, no allocation, no exceptions (ILGPU-compatible).
/// </summary>
public static class ModelFit
{
    /// <summary>
    /// Fits <paramref name="theta"/> (start values in, estimate out) and returns the status; the CRLB
    /// variances (F² included) go to <paramref name="crlb"/>, the log-likelihood ratio and iterations to
    /// <paramref name="logLikelihoodRatio"/> and <paramref name="iterations"/>. Ok means converged with a
    /// positive-definite Fisher matrix and the position inside the ROI; the caller judges the rest.
    /// </summary>
    public static FitStatus Fit<TModel, TPixels, TVariance>(
        ref TModel model, TPixels pixels, TVariance readVariance, int roiSize, int maxIterations, float excessNoiseFactor,
        ref ParameterVector theta, out ParameterVector crlb, out float logLikelihoodRatio, out int iterations)
        where TModel : struct, IFitModel
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        crlb = default;
        logLikelihoodRatio = 0f;
        int count = model.Parameters;
        bool converged = false;
        bool outside = false;
        bool finite = true;
        float damping = 1f;
        ParameterVector last = default;
        FisherMatrix fisher = default;
        iterations = 0;
        while (iterations < maxIterations)
        {
            iterations++;
            model.Load(ref theta);
            FisherScoring.Accumulate(ref model, pixels, readVariance, roiSize, out fisher, out ParameterVector gradient);
            if (!FisherScoring.Solve(ref fisher, count, ref gradient, out _, out ParameterVector step))
            {
                finite = false;
                break;
            }

            bool oscillated = false;
            for (int a = 0; a < count; a++)
            {
                oscillated |= model.StepLimit(a) > 0f && FisherScoring.Reverses(step[a], last[a], model.Tolerance(a));
            }

            damping = FisherScoring.NextDamping(damping, oscillated);
            bool small = true;
            for (int a = 0; a < count; a++)
            {
                float change = damping * step[a];
                float limit = model.StepLimit(a);
                if (limit > 0f)
                {
                    change = FisherScoring.Clamp(change, limit);
                }

                if (model.IsPositive(a))
                {
                    change = FisherScoring.PositiveChange(theta[a], change);
                }

                float value = MathF.Min(MathF.Max(theta[a] + change, model.Lower(a)), model.Upper(a));
                last[a] = value - theta[a];
                theta[a] = value;
                // Converged on the undamped step: a damped one is short because of the damping, not the optimum.
                small &= MathF.Abs(step[a]) < model.Tolerance(a);
                finite &= FisherScoring.IsFinite(value);
            }

            if (!finite)
            {
                break;
            }

            float margin = FisherScoring.OutsideMarginPx;
            if (theta[0] < -margin || theta[1] < -margin || theta[0] > roiSize + margin || theta[1] > roiSize + margin)
            {
                outside = true;
                break;
            }

            if (small || FisherScoring.Decrement(ref gradient, ref step, count) < FisherScoring.ConvergedDecrement)
            {
                converged = true;
                break;
            }
        }

        if (outside)
        {
            return FitStatus.OutsideRoi;
        }

        if (!finite)
        {
            return FitStatus.NonFinite;
        }

        // The Fisher matrix and the likelihood ratio at the estimate itself.
        model.Load(ref theta);
        FisherScoring.Accumulate(ref model, pixels, readVariance, roiSize, out fisher, out _);
        logLikelihoodRatio = FisherScoring.LogLikelihoodRatio(ref model, pixels, readVariance, roiSize);
        if (!FisherScoring.Crlb(ref fisher, count, excessNoiseFactor, out crlb))
        {
            return FitStatus.NonFinite;
        }

        if (theta[0] < 0f || theta[1] < 0f || theta[0] > roiSize || theta[1] > roiSize)
        {
            return FitStatus.OutsideRoi;
        }

        return converged ? FitStatus.Ok : FitStatus.NotConverged;
    }

    /// <summary>
    /// Start values common to every model, from <see cref="GaussianMle.InitialEstimate"/>: (x, y) = centroid of
    /// the positive excess (px, ROI corner origin), N = sum above b, b = mean of the outer ring; into θ[0 … 3].
    /// </summary>
    public static void InitialEstimate<TPixels>(TPixels pixels, int roiSize, ref ParameterVector theta)
        where TPixels : struct, IPixels
    {
        Vector5 start = GaussianMle.InitialEstimate(pixels, roiSize, 1f);
        theta[0] = start.V0;
        theta[1] = start.V1;
        theta[2] = start.V2;
        theta[3] = start.V3;
    }
}
