namespace LiveSmlm.Localization;

/// <summary>
/// Outcome of a joint fit of n emitters (<see cref="MultiGaussianModel"/> layout): parameters in ROI
/// pixels and photoelectrons, and the CRLB of each from the joint Fisher matrix (F² included).
/// </summary>
public struct MultiEmitterResult
{
    public ParameterVector Parameters;
    public ParameterVector Crlb;
    public int Emitters;
    public float LogLikelihoodRatio;
    public int Iterations;
    public FitStatus Status;

    public readonly float X(int k) => Parameters[MultiGaussianModel.EmitterOffset(k)];

    public readonly float Y(int k) => Parameters[MultiGaussianModel.EmitterOffset(k) + 1];

    public readonly float Photons(int k) => Parameters[MultiGaussianModel.EmitterOffset(k) + 2];

    public readonly float Background => Parameters[MultiGaussianModel.BackgroundIndex(Emitters)];

    public readonly float CrlbX(int k) => Crlb[MultiGaussianModel.EmitterOffset(k)];

    public readonly float CrlbY(int k) => Crlb[MultiGaussianModel.EmitterOffset(k) + 1];
}

/// <summary>
/// Poisson MLE of n = 1…<see cref="MultiGaussianModel.MaxEmitters"/> emitters of fixed σ over one
/// background in one ROI: Fisher scoring on the shared <see cref="FisherScoring"/> pieces with the
/// single fit's step rules. Static, over value types, no allocation: the CPU and ILGPU run this code.
/// </summary>
public static class MultiEmitterMle
{
    /// <summary>
    /// Fits <paramref name="emitters"/> emitters from the start <paramref name="start"/> (layout of
    /// <see cref="MultiGaussianModel"/>), σ fixed at <see cref="FitOptions.InitialSigmaPx"/>. Status Ok
    /// when it converged with every emitter inside the ROI, finite CRLBs and at least
    /// <see cref="FitOptions.MinPhotoelectrons"/> per emitter.
    /// </summary>
    public static MultiEmitterResult Fit<TPixels, TVariance>(
        TPixels pixels, TVariance readVariance, int roiSize, FitOptions options, ParameterVector start, int emitters)
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        MultiEmitterResult result = default;
        result.Emitters = emitters;
        if (emitters < 1 || emitters > MultiGaussianModel.MaxEmitters || roiSize < GaussianMle.MinRoiSize || roiSize > GaussianMle.MaxRoiSize)
        {
            result.Status = FitStatus.InvalidRoi;
            return result;
        }

        ParameterVector p = start;
        ParameterVector last = default;
        int count = (3 * emitters) + 1;
        float sigma = options.InitialSigmaPx;
        float tolerance = options.TolerancePx;
        float damping = 1f;
        bool converged = false, outside = false, finite = true;
        int iteration = 0;
        MultiGaussianModel model = default;
        FisherMatrix fisher;
        while (iteration < options.MaxIterations)
        {
            iteration++;
            model.Set(roiSize, ref p, emitters, sigma);
            FisherScoring.Accumulate(ref model, pixels, readVariance, roiSize, out fisher, out ParameterVector gradient);
            if (!FisherScoring.Solve(ref fisher, count, ref gradient, out _, out ParameterVector step))
            {
                break;
            }

            bool oscillated = false;
            for (int k = 0; k < emitters; k++)
            {
                int o = MultiGaussianModel.EmitterOffset(k);
                oscillated |= FisherScoring.Reverses(step[o], last[o], tolerance) || FisherScoring.Reverses(step[o + 1], last[o + 1], tolerance);
            }

            damping = FisherScoring.NextDamping(damping, oscillated);
            bool small = true;
            for (int a = 0; a < count; a++)
            {
                // Positions are every parameter but each emitter's N and the background (the last).
                bool position = a < count - 1 && a % 3 != 2;
                float change = position
                    ? FisherScoring.Clamp(damping * step[a], FisherScoring.MaxPositionStepPx)
                    : FisherScoring.PositiveChange(p[a], damping * step[a]);
                last[a] = change;
                p[a] += change;
                finite &= FisherScoring.IsFinite(p[a]);
                small &= position ? MathF.Abs(change) < tolerance : MathF.Abs(change) < tolerance * MathF.Max(p[a], 1f);
                outside |= position && (p[a] < -FisherScoring.OutsideMarginPx || p[a] > roiSize + FisherScoring.OutsideMarginPx);
            }

            if (!finite || outside)
            {
                break;
            }

            // A model with one emitter too many is degenerate along the split: the decrement ends it
            // early where step sizes alone would crawl to the iteration limit.
            if (small || FisherScoring.Decrement(ref gradient, ref step, count) < FisherScoring.ConvergedDecrement)
            {
                converged = true;
                break;
            }
        }

        result.Parameters = p;
        result.Iterations = iteration;
        if (!finite || outside)
        {
            result.Status = finite ? FitStatus.OutsideRoi : FitStatus.NonFinite;
            return result;
        }

        model.Set(roiSize, ref p, emitters, sigma);
        FisherScoring.Accumulate(ref model, pixels, readVariance, roiSize, out fisher, out _);
        result.LogLikelihoodRatio = FisherScoring.LogLikelihoodRatio(ref model, pixels, readVariance, roiSize);
        result.Status = Finish(roiSize, options, converged, ref fisher, ref result);
        return result;
    }

    private static FitStatus Finish(int roiSize, FitOptions options, bool converged, ref FisherMatrix fisher, ref MultiEmitterResult r)
    {
        int emitters = r.Emitters;
        if (!FisherScoring.Crlb(ref fisher, (3 * emitters) + 1, options.ExcessNoiseFactor, out r.Crlb) || !FisherScoring.IsFinite(r.LogLikelihoodRatio))
        {
            return FitStatus.NonFinite;
        }

        for (int k = 0; k < emitters; k++)
        {
            float x = r.X(k), y = r.Y(k), cx = r.CrlbX(k), cy = r.CrlbY(k);
            if (!(FisherScoring.IsFinite(cx) && FisherScoring.IsFinite(cy) && cx > 0f && cy > 0f))
            {
                return FitStatus.NonFinite;
            }

            if (x < 0f || y < 0f || x > roiSize || y > roiSize)
            {
                return FitStatus.OutsideRoi;
            }

            if (r.Photons(k) < options.MinPhotoelectrons)
            {
                return FitStatus.TooFewPhotons;
            }
        }

        return converged ? FitStatus.Ok : FitStatus.NotConverged;
    }
}
