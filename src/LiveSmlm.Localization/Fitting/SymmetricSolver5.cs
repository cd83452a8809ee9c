namespace LiveSmlm.Localization;

/// <summary>
/// Five values (x, y, N, b, σ) in fields, not an array, so that ILGPU keeps them in registers.
/// </summary>
public readonly record struct Vector5(float V0, float V1, float V2, float V3, float V4);

/// <summary>
/// Upper triangle of a symmetric 5×5 matrix (the Fisher information of x, y, N, b, σ) in fields,
/// so that kernels need no arrays. Index order: 0 = x, 1 = y, 2 = N, 3 = b, 4 = σ.
/// </summary>
public struct FisherMatrix5
{
    public float A00, A01, A02, A03, A04;
    public float A11, A12, A13, A14;
    public float A22, A23, A24;
    public float A33, A34;
    public float A44;

    /// <summary>Makes σ a fixed parameter: its row and column become those of the identity.</summary>
    public void FixSigma()
    {
        A04 = 0f;
        A14 = 0f;
        A24 = 0f;
        A34 = 0f;
        A44 = 1f;
    }
}

/// <summary>
/// The Jacobi-scaled Cholesky factor of a <see cref="FisherMatrix5"/>: scales sᵢ = 1/√Mᵢᵢ, the lower
/// triangle Lᵢⱼ of the unit-diagonal matrix, and the reciprocals rᵢ = 1/Lᵢᵢ, in fields (no arrays).
/// </summary>
public struct CholeskyFactor5
{
    public float S0, S1, S2, S3, S4;
    public float L10, L20, L30, L40;
    public float L21, L31, L41;
    public float L32, L42;
    public float L43;
    public float R0, R1, R2, R3, R4;
}

/// <summary>
/// Straight-line (unrolled, array-free) Cholesky algebra on <see cref="FisherMatrix5"/>, generated
/// once from a loop nest so that both the CPU JIT and ILGPU see only scalar registers. One
/// factorization serves the Newton step (<see cref="Solve"/>) and the CRLB (<see cref="InverseDiagonal"/>).
/// </summary>
public static class SymmetricSolver5
{
    // Smallest pivot of the unit-diagonal (scaled) matrix accepted as positive definite: below this
    // the float factorization has lost all digits (condition ≳ 10⁶).
    private const float MinPivot = 1e-6f;

    /// <summary>
    /// Factors symmetric positive-definite M after Jacobi scaling (the diagonal becomes 1, so photons
    /// ~10³ and positions ~1 px do not cost float precision). Returns false when M is not positive definite.
    /// </summary>
    public static bool Factor(FisherMatrix5 m, out CholeskyFactor5 f)
    {
        f = default;
        if (!(m.A00 > 0f) || !(m.A11 > 0f) || !(m.A22 > 0f) || !(m.A33 > 0f) || !(m.A44 > 0f))
        {
            return false;
        }

        float s0 = 1f / MathF.Sqrt(m.A00);
        float s1 = 1f / MathF.Sqrt(m.A11);
        float s2 = 1f / MathF.Sqrt(m.A22);
        float s3 = 1f / MathF.Sqrt(m.A33);
        float s4 = 1f / MathF.Sqrt(m.A44);
        float c01 = m.A01 * s0 * s1;
        float c02 = m.A02 * s0 * s2;
        float c03 = m.A03 * s0 * s3;
        float c04 = m.A04 * s0 * s4;
        float c12 = m.A12 * s1 * s2;
        float c13 = m.A13 * s1 * s3;
        float c14 = m.A14 * s1 * s4;
        float c23 = m.A23 * s2 * s3;
        float c24 = m.A24 * s2 * s4;
        float c34 = m.A34 * s3 * s4;

        // Column 0 of the unit-diagonal matrix: pivot 1, so L00 = r0 = 1.
        float l10 = c01;
        float l20 = c02;
        float l30 = c03;
        float l40 = c04;
        float d1 = 1f - l10 * l10;
        if (!(d1 > MinPivot)) { return false; }
        float r1 = 1f / MathF.Sqrt(d1);
        float l21 = (c12 - l20 * l10) * r1;
        float l31 = (c13 - l30 * l10) * r1;
        float l41 = (c14 - l40 * l10) * r1;
        float d2 = 1f - l20 * l20 - l21 * l21;
        if (!(d2 > MinPivot)) { return false; }
        float r2 = 1f / MathF.Sqrt(d2);
        float l32 = (c23 - l30 * l20 - l31 * l21) * r2;
        float l42 = (c24 - l40 * l20 - l41 * l21) * r2;
        float d3 = 1f - l30 * l30 - l31 * l31 - l32 * l32;
        if (!(d3 > MinPivot)) { return false; }
        float r3 = 1f / MathF.Sqrt(d3);
        float l43 = (c34 - l40 * l30 - l41 * l31 - l42 * l32) * r3;
        float d4 = 1f - l40 * l40 - l41 * l41 - l42 * l42 - l43 * l43;
        if (!(d4 > MinPivot)) { return false; }
        float r4 = 1f / MathF.Sqrt(d4);
        f = new CholeskyFactor5
        {
            S0 = s0, S1 = s1, S2 = s2, S3 = s3, S4 = s4,
            L10 = l10, L20 = l20, L30 = l30, L40 = l40,
            L21 = l21, L31 = l31, L41 = l41,
            L32 = l32, L42 = l42,
            L43 = l43,
            R0 = 1f, R1 = r1, R2 = r2, R3 = r3, R4 = r4,
        };
        return true;
    }

    /// <summary>Solves M·x = g for symmetric positive-definite M. Returns false when M is not positive definite.</summary>
    public static bool Solve(FisherMatrix5 m, Vector5 g, out Vector5 x)
    {
        x = default;
        if (!Factor(m, out CholeskyFactor5 f))
        {
            return false;
        }

        // Forward substitution L·z = S·g, then back substitution Lᵀ·y = z; x = S·y.
        float z0 = (g.V0 * f.S0) * f.R0;
        float z1 = (g.V1 * f.S1 - f.L10 * z0) * f.R1;
        float z2 = (g.V2 * f.S2 - f.L20 * z0 - f.L21 * z1) * f.R2;
        float z3 = (g.V3 * f.S3 - f.L30 * z0 - f.L31 * z1 - f.L32 * z2) * f.R3;
        float z4 = (g.V4 * f.S4 - f.L40 * z0 - f.L41 * z1 - f.L42 * z2 - f.L43 * z3) * f.R4;
        float y4 = z4 * f.R4;
        float y3 = (z3 - f.L43 * y4) * f.R3;
        float y2 = (z2 - f.L32 * y3 - f.L42 * y4) * f.R2;
        float y1 = (z1 - f.L21 * y2 - f.L31 * y3 - f.L41 * y4) * f.R1;
        float y0 = (z0 - f.L10 * y1 - f.L20 * y2 - f.L30 * y3 - f.L40 * y4) * f.R0;
        x = new Vector5(y0 * f.S0, y1 * f.S1, y2 * f.S2, y3 * f.S3, y4 * f.S4);
        return true;
    }

    /// <summary>
    /// Diagonal of M⁻¹ (the CRLB of each parameter when M is the Fisher information), through the
    /// scaled Cholesky factor: (M⁻¹)ᵢᵢ = sᵢ² Σₖ (L⁻¹)ₖᵢ². Returns false when M is not positive definite.
    /// </summary>
    public static bool InverseDiagonal(FisherMatrix5 m, out Vector5 diagonal)
    {
        diagonal = default;
        if (!Factor(m, out CholeskyFactor5 f))
        {
            return false;
        }

        // Q = L⁻¹, column by column.
        float q00 = f.R0;
        float q10 = -(f.L10 * q00) * f.R1;
        float q20 = -(f.L20 * q00 + f.L21 * q10) * f.R2;
        float q30 = -(f.L30 * q00 + f.L31 * q10 + f.L32 * q20) * f.R3;
        float q40 = -(f.L40 * q00 + f.L41 * q10 + f.L42 * q20 + f.L43 * q30) * f.R4;
        float q11 = f.R1;
        float q21 = -(f.L21 * q11) * f.R2;
        float q31 = -(f.L31 * q11 + f.L32 * q21) * f.R3;
        float q41 = -(f.L41 * q11 + f.L42 * q21 + f.L43 * q31) * f.R4;
        float q22 = f.R2;
        float q32 = -(f.L32 * q22) * f.R3;
        float q42 = -(f.L42 * q22 + f.L43 * q32) * f.R4;
        float q33 = f.R3;
        float q43 = -(f.L43 * q33) * f.R4;
        float q44 = f.R4;
        diagonal = new Vector5(
            f.S0 * f.S0 * (q00 * q00 + q10 * q10 + q20 * q20 + q30 * q30 + q40 * q40),
            f.S1 * f.S1 * (q11 * q11 + q21 * q21 + q31 * q31 + q41 * q41),
            f.S2 * f.S2 * (q22 * q22 + q32 * q32 + q42 * q42),
            f.S3 * f.S3 * (q33 * q33 + q43 * q43),
            f.S4 * f.S4 * (q44 * q44));
        return true;
    }
}
