namespace LiveSmlm.Localization;

/// <summary>
/// Outcome of a joint fit of n ≤ 4 emitters: positions in ROI pixels, photoelectrons, and the CRLB
/// variances of each position from the joint Fisher matrix (F² included). Plain fields, no fixed
/// buffers: kernels copy it by value (ILGPU cannot copy a struct that holds a fixed buffer).
/// </summary>
public struct MultiEmitterResult
{
    public float X0, Y0, N0, X1, Y1, N1, X2, Y2, N2, X3, Y3, N3;
    public float CrlbX0, CrlbY0, CrlbX1, CrlbY1, CrlbX2, CrlbY2, CrlbX3, CrlbY3;
    public float Background;
    public int Emitters;
    public float LogLikelihoodRatio;
    public int Iterations;
    public FitStatus Status;

    public readonly float X(int k) => k == 0 ? X0 : k == 1 ? X1 : k == 2 ? X2 : X3;

    public readonly float Y(int k) => k == 0 ? Y0 : k == 1 ? Y1 : k == 2 ? Y2 : Y3;

    public readonly float Photons(int k) => k == 0 ? N0 : k == 1 ? N1 : k == 2 ? N2 : N3;

    public readonly float CrlbX(int k) => k == 0 ? CrlbX0 : k == 1 ? CrlbX1 : k == 2 ? CrlbX2 : CrlbX3;

    public readonly float CrlbY(int k) => k == 0 ? CrlbY0 : k == 1 ? CrlbY1 : k == 2 ? CrlbY2 : CrlbY3;

    /// <summary>Writes the parameters in <see cref="MultiGaussianModel"/> layout into <paramref name="p"/>.</summary>
    public readonly void CopyTo(ref ParameterVector p)
    {
        for (int k = 0; k < Emitters; k++)
        {
            int o = MultiGaussianModel.EmitterOffset(k);
            p[o] = X(k);
            p[o + 1] = Y(k);
            p[o + 2] = Photons(k);
        }

        p[MultiGaussianModel.BackgroundIndex(Emitters)] = Background;
    }

    /// <summary>Takes the parameters (layout of <see cref="MultiGaussianModel"/>) and, when given, their CRLB variances.</summary>
    public void Set(ref ParameterVector p, ref ParameterVector crlb)
    {
        for (int k = 0; k < Emitters; k++)
        {
            int o = MultiGaussianModel.EmitterOffset(k);
            float x = p[o], y = p[o + 1], n = p[o + 2], cx = crlb[o], cy = crlb[o + 1];
            if (k == 0) { X0 = x; Y0 = y; N0 = n; CrlbX0 = cx; CrlbY0 = cy; }
            else if (k == 1) { X1 = x; Y1 = y; N1 = n; CrlbX1 = cx; CrlbY1 = cy; }
            else if (k == 2) { X2 = x; Y2 = y; N2 = n; CrlbX2 = cx; CrlbY2 = cy; }
            else { X3 = x; Y3 = y; N3 = n; CrlbX3 = cx; CrlbY3 = cy; }
        }

        Background = p[MultiGaussianModel.BackgroundIndex(Emitters)];
    }
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
        TPixels pixels, TVariance readVariance, int roiSize, FitOptions options, ref ParameterVector start, int emitters)
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

        int count = (3 * emitters) + 1;

        // Element by element: ILGPU cannot copy a struct that holds a fixed buffer.
        ParameterVector p = default;
        for (int a = 0; a < count; a++)
        {
            p[a] = start[a];
        }

        ParameterVector last = default;
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
            Accumulate(ref model, pixels, readVariance, roiSize, out fisher, out ParameterVector gradient);
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

        result.Iterations = iteration;
        ParameterVector crlb = default;
        if (!finite || outside)
        {
            result.Set(ref p, ref crlb);
            result.Status = finite ? FitStatus.OutsideRoi : FitStatus.NonFinite;
            return result;
        }

        model.Set(roiSize, ref p, emitters, sigma);
        Accumulate(ref model, pixels, readVariance, roiSize, out fisher, out _);
        result.LogLikelihoodRatio = FisherScoring.LogLikelihoodRatio(ref model, pixels, readVariance, roiSize);
        bool valid = FisherScoring.Crlb(ref fisher, count, options.ExcessNoiseFactor, out crlb);
        result.Set(ref p, ref crlb);
        result.Status = valid ? Finish(roiSize, options, converged, ref result) : FitStatus.NonFinite;
        return result;
    }

    // The unrolled two-emitter sums where they apply (bit-identical), else the generic loop.
    private static void Accumulate<TPixels, TVariance>(
        ref MultiGaussianModel model, TPixels pixels, TVariance readVariance, int roiSize, out FisherMatrix fisher, out ParameterVector gradient)
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        if (model.Emitters == 2)
        {
            model.AccumulateTwo(pixels, readVariance, roiSize, out fisher, out gradient);
        }
        else
        {
            FisherScoring.Accumulate(ref model, pixels, readVariance, roiSize, out fisher, out gradient);
        }
    }

    private static FitStatus Finish(int roiSize, FitOptions options, bool converged, ref MultiEmitterResult r)
    {
        int emitters = r.Emitters;
        if (!FisherScoring.IsFinite(r.LogLikelihoodRatio))
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
