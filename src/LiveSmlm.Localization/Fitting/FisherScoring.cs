namespace LiveSmlm.Localization;

/// <summary>
/// What a PSF model gives Fisher scoring for one pixel: the expected photoelectrons μ (without read
/// variance) and, for <see cref="DerivativesAt"/>, ∂μ/∂θₐ for every free parameter. A struct
/// implements it, so the scoring loop is specialised per model on the CPU and inside ILGPU kernels.
/// </summary>
public interface IPixelModel
{
    /// <summary>Free parameters, ≤ <see cref="FisherScoring.MaxParameters"/>.</summary>
    int Parameters { get; }

    /// <summary>μ at pixel column <paramref name="i"/>, row <paramref name="j"/>.</summary>
    float ValueAt(int i, int j);

    /// <summary>μ at pixel (i, j), with ∂μ/∂θₐ written to <paramref name="derivatives"/>[0 … Parameters).</summary>
    float DerivativesAt(int i, int j, ref ParameterVector derivatives);
}

/// <summary>Up to <see cref="FisherScoring.MaxParameters"/> floats in one fixed buffer (no managed array: kernels hold it in registers or local memory).</summary>
public unsafe struct ParameterVector
{
    private fixed float _values[FisherScoring.MaxParameters];

    public float this[int index]
    {
        readonly get => _values[index];
        set => _values[index] = value;
    }
}

/// <summary>
/// A symmetric matrix of up to <see cref="FisherScoring.MaxParameters"/>² (the Fisher information), its
/// lower triangle packed row by row (element (i, j), j ≤ i, at i(i+1)/2 + j) in one fixed buffer.
/// </summary>
public unsafe struct FisherMatrix
{
    private fixed float _values[FisherScoring.MaxParameters * (FisherScoring.MaxParameters + 1) / 2];

    /// <summary>Element (i, j) for j ≤ i.</summary>
    public float this[int i, int j]
    {
        readonly get => _values[(i * (i + 1) / 2) + j];
        set => _values[(i * (i + 1) / 2) + j] = value;
    }

    /// <summary>Element k of the packed lower triangle.</summary>
    public readonly float Packed(int k) => _values[k];

    public void AddPacked(int k, float value) => _values[k] += value;

    public void SetPacked(int k, float value) => _values[k] = value;
}

/// <summary>
/// The pieces of Poisson maximum-likelihood Fisher scoring that every fitted PSF model shares: the
/// accumulation of the Fisher information and score over a ROI, the log-likelihood ratio, the Cholesky
/// solve for the step, the step rules (limits, oscillation damping, convergence) and the CRLB. Static,
/// over value types, no allocation and no exceptions: the one definition for the CPU and for ILGPU.
/// </summary>
/// <remarks>
/// Fisher scoring is Newton's method with the expected Hessian Σ ∂ₐμ ∂ᵦμ / μ (Smith et al. 2010 use the
/// observed one): always positive definite, so every step goes uphill, and at the optimum the same
/// matrix is the Fisher information for the CRLB. sCMOS read variance v is added to data and model
/// (Huang et al. 2013): d' = d + v, μ' = μ + v.
/// </remarks>
public static class FisherScoring
{
    /// <summary>Largest number of free parameters (4 emitters of 3 parameters, a background, and room for σ/z).</summary>
    public const int MaxParameters = 16;

    /// <summary>Largest position step per iteration, px: a Newton step beyond one pixel is a bad quadratic model.</summary>
    public const float MaxPositionStepPx = 1f;

    /// <summary>Converged when the Newton decrement gᵀI⁻¹g (the squared step in units of the parameters' own standard deviations) is below this (1 % of a standard deviation).</summary>
    public const float ConvergedDecrement = 1e-4f;

    /// <summary>Factor applied to all later steps each time a step reverses the previous one.</summary>
    public const float OscillationDamping = 0.5f;

    /// <summary>μ is floored here so that 1/μ stays finite when photons and background approach 0.</summary>
    public const float MinModel = 1e-4f;

    /// <summary>Once a position is this far (px) outside the ROI the fit cannot come back: stop early.</summary>
    public const float OutsideMarginPx = 1f;

    // Smallest pivot of the unit-diagonal (scaled) matrix accepted as positive definite: below this
    // the float factorization has lost all digits (condition ≳ 10⁶).
    private const float MinPivot = 1e-6f;

    /// <summary>
    /// Fisher information I_ab = Σ ∂ₐμ ∂ᵦμ / μ' and score g_a = Σ ∂ₐμ (d'/μ' − 1) of the Poisson
    /// log-likelihood of <paramref name="model"/> over a roiSize² ROI.
    /// </summary>
    public static void Accumulate<TModel, TPixels, TVariance>(
        ref TModel model, TPixels pixels, TVariance readVariance, int roiSize, out FisherMatrix fisher, out ParameterVector gradient)
        where TModel : struct, IPixelModel
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        fisher = default;
        gradient = default;
        ParameterVector d = default;
        int count = model.Parameters;
        for (int j = 0; j < roiSize; j++)
        {
            int row = j * roiSize;
            for (int i = 0; i < roiSize; i++)
            {
                float v = readVariance[row + i];
                float mu = MathF.Max(model.DerivativesAt(i, j, ref d) + v, MinModel);
                float w = 1f / mu;
                float r = ((pixels[row + i] + v) * w) - 1f;
                int k = 0;
                for (int a = 0; a < count; a++)
                {
                    float da = d[a];
                    gradient[a] += r * da;
                    float wa = w * da;
                    for (int b = 0; b <= a; b++)
                    {
                        fisher.AddPacked(k, wa * d[b]);
                        k++;
                    }
                }
            }
        }
    }

    /// <summary>Log-likelihood ratio 2Σ[μ' − d' + d' ln(d'/μ')] (d' ln d' → 0 where d' ≤ 0): ≈ χ² with pixels − parameters degrees of freedom.</summary>
    public static float LogLikelihoodRatio<TModel, TPixels, TVariance>(ref TModel model, TPixels pixels, TVariance readVariance, int roiSize)
        where TModel : struct, IPixelModel
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        float sum = 0f;
        for (int j = 0; j < roiSize; j++)
        {
            int row = j * roiSize;
            for (int i = 0; i < roiSize; i++)
            {
                float v = readVariance[row + i];
                float mu = MathF.Max(model.ValueAt(i, j) + v, MinModel);
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

    /// <summary>
    /// Factors the leading n × n block of symmetric positive-definite M in place after Jacobi scaling
    /// (the diagonal becomes 1, so photons ~10³ and positions ~1 px do not cost float precision):
    /// afterwards M holds the lower triangle L of the scaled matrix with 1/Lᵢᵢ on the diagonal, and
    /// <paramref name="scale"/> holds sᵢ = 1/√Mᵢᵢ. Returns false when M is not positive definite.
    /// </summary>
    public static bool Factor(ref FisherMatrix m, int n, out ParameterVector scale)
    {
        scale = default;
        int rowI = 0;
        for (int i = 0; i < n; i++)
        {
            float diagonal = m.Packed(rowI + i);
            if (!(diagonal > 0f))
            {
                return false;
            }

            float si = 1f / MathF.Sqrt(diagonal);
            scale[i] = si;
            int rowJ = 0;
            for (int j = 0; j < i; j++)
            {
                float s = m.Packed(rowI + j) * si * scale[j];
                for (int k = 0; k < j; k++)
                {
                    s -= m.Packed(rowI + k) * m.Packed(rowJ + k);
                }

                m.SetPacked(rowI + j, s * m.Packed(rowJ + j));
                rowJ += j + 1;
            }

            float pivot = 1f;
            for (int k = 0; k < i; k++)
            {
                float l = m.Packed(rowI + k);
                pivot -= l * l;
            }

            if (!(pivot > MinPivot))
            {
                return false;
            }

            m.SetPacked(rowI + i, 1f / MathF.Sqrt(pivot));
            rowI += i + 1;
        }

        return true;
    }

    /// <summary>Solves M·x = g with the factor of M from <see cref="Factor"/> (forward L·z = S·g, back Lᵀ·y = z, x = S·y).</summary>
    public static void Solve(ref FisherMatrix factor, ref ParameterVector scale, int n, ref ParameterVector g, out ParameterVector x)
    {
        x = default;
        int rowI = 0;
        for (int i = 0; i < n; i++)
        {
            float s = g[i] * scale[i];
            for (int k = 0; k < i; k++)
            {
                s -= factor.Packed(rowI + k) * x[k];
            }

            x[i] = s * factor.Packed(rowI + i);
            rowI += i + 1;
        }

        for (int i = n - 1; i >= 0; i--)
        {
            rowI -= i + 1;
            float s = x[i];
            int rowK = rowI + i + 1;
            for (int k = i + 1; k < n; k++)
            {
                s -= factor.Packed(rowK + i) * x[k];
                rowK += k + 1;
            }

            x[i] = s * factor.Packed(rowI + i);
        }

        for (int i = 0; i < n; i++)
        {
            x[i] *= scale[i];
        }
    }

    /// <summary>
    /// Solves M·x = g, factoring M in place (afterwards <paramref name="m"/> and <paramref name="scale"/>
    /// are the factor, ready for <see cref="Crlb"/>). Returns false when M is not positive definite.
    /// </summary>
    public static bool Solve(ref FisherMatrix m, int n, ref ParameterVector g, out ParameterVector scale, out ParameterVector x)
    {
        if (!Factor(ref m, n, out scale))
        {
            x = default;
            return false;
        }

        Solve(ref m, ref scale, n, ref g, out x);
        return true;
    }

    /// <summary>
    /// The CRLB of each parameter from the factor of the Fisher information M: F²·(M⁻¹)ᵢᵢ with F² the
    /// excess noise factor, (M⁻¹)ᵢᵢ = sᵢ² Σₖ (L⁻¹)ₖᵢ². False when a variance is not finite and positive.
    /// </summary>
    public static bool Crlb(ref FisherMatrix factor, ref ParameterVector scale, int n, float excessNoiseFactor, out ParameterVector variances)
    {
        variances = default;
        bool valid = true;

        // Column c of Q = L⁻¹ (lower triangular): q_c = 1/L_cc, q_i = −(Σ_{c≤k<i} L_ik q_k)/L_ii.
        ParameterVector q = default;
        int rowC = 0;
        for (int c = 0; c < n; c++)
        {
            float qc = factor.Packed(rowC + c);
            q[c] = qc;
            float sum = qc * qc;
            int rowI = rowC + c + 1;
            for (int i = c + 1; i < n; i++)
            {
                float s = 0f;
                for (int k = c; k < i; k++)
                {
                    s -= factor.Packed(rowI + k) * q[k];
                }

                float qi = s * factor.Packed(rowI + i);
                q[i] = qi;
                sum += qi * qi;
                rowI += i + 1;
            }

            float variance = excessNoiseFactor * scale[c] * scale[c] * sum;
            variances[c] = variance;
            valid &= IsFinite(variance) && variance > 0f;
            rowC += c + 1;
        }

        return valid;
    }

    /// <summary>The CRLB from the Fisher information M itself (factored in place). False when M is not positive definite.</summary>
    public static bool Crlb(ref FisherMatrix m, int n, float excessNoiseFactor, out ParameterVector variances)
    {
        if (!Factor(ref m, n, out ParameterVector scale))
        {
            variances = default;
            return false;
        }

        return Crlb(ref m, ref scale, n, excessNoiseFactor, out variances);
    }

    /// <summary>Newton decrement gᵀΔ of a step Δ = I⁻¹g.</summary>
    public static float Decrement(ref ParameterVector gradient, ref ParameterVector step, int n)
    {
        float sum = 0f;
        for (int a = 0; a < n; a++)
        {
            sum += gradient[a] * step[a];
        }

        return sum;
    }

    /// <summary>True when <paramref name="step"/> reverses a previous step longer than the tolerance: oscillation.</summary>
    public static bool Reverses(float step, float lastStep, float tolerance) => step * lastStep < 0f && MathF.Abs(lastStep) > tolerance;

    /// <summary>The damping after a step: halved when the step oscillated, else doubled back towards 1.</summary>
    public static float NextDamping(float damping, bool oscillated) => oscillated ? damping * OscillationDamping : MathF.Min(1f, damping * 2f);

    /// <summary>The change of a parameter that must stay positive (photons, background): halve it instead of crossing 0.</summary>
    public static float PositiveChange(float value, float step) => value + step > 0f ? step : -0.5f * value;

    /// <summary>|v| ≤ MaxValue is false for NaN and ±∞; written out because float.IsFinite is not an ILGPU intrinsic.</summary>
    public static bool IsFinite(float value) => MathF.Abs(value) <= float.MaxValue;

    /// <summary><paramref name="value"/> limited to ±<paramref name="limit"/>.</summary>
    public static float Clamp(float value, float limit) => MathF.Min(MathF.Max(value, -limit), limit);
}
