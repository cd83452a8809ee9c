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
/// Straight-line (unrolled, array-free) Cholesky algebra on <see cref="FisherMatrix5"/>, generated
/// once from a loop nest so that both the CPU JIT and ILGPU see only scalar registers.
/// </summary>
public static class SymmetricSolver5
{
    // Smallest pivot of the unit-diagonal (scaled) matrix accepted as positive definite: below this
    // the float factorization has lost all digits (condition ≳ 10⁶).
    private const float MinPivot = 1e-6f;

    /// <summary>
    /// Solves M·x = g for symmetric positive-definite M by a Jacobi-scaled Cholesky factorization
    /// (scaling makes the diagonal 1, so photons ~10³ and positions ~1 px do not cost float precision).
    /// Returns false when M is not positive definite.
    /// </summary>
    public static bool Solve(FisherMatrix5 m, Vector5 g, out Vector5 x)
    {
        x = default;
        if (!(m.A00 > 0f)) { return false; }
        float s0 = 1f / MathF.Sqrt(m.A00);
        if (!(m.A11 > 0f)) { return false; }
        float s1 = 1f / MathF.Sqrt(m.A11);
        if (!(m.A22 > 0f)) { return false; }
        float s2 = 1f / MathF.Sqrt(m.A22);
        if (!(m.A33 > 0f)) { return false; }
        float s3 = 1f / MathF.Sqrt(m.A33);
        if (!(m.A44 > 0f)) { return false; }
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
        float d0 = 1f;
        if (!(d0 > MinPivot)) { return false; }
        float l00 = MathF.Sqrt(d0);
        float r0 = 1f / l00;
        float l10 = (c01) * r0;
        float l20 = (c02) * r0;
        float l30 = (c03) * r0;
        float l40 = (c04) * r0;
        float d1 = 1f - l10 * l10;
        if (!(d1 > MinPivot)) { return false; }
        float l11 = MathF.Sqrt(d1);
        float r1 = 1f / l11;
        float l21 = (c12 - l20 * l10) * r1;
        float l31 = (c13 - l30 * l10) * r1;
        float l41 = (c14 - l40 * l10) * r1;
        float d2 = 1f - l20 * l20 - l21 * l21;
        if (!(d2 > MinPivot)) { return false; }
        float l22 = MathF.Sqrt(d2);
        float r2 = 1f / l22;
        float l32 = (c23 - l30 * l20 - l31 * l21) * r2;
        float l42 = (c24 - l40 * l20 - l41 * l21) * r2;
        float d3 = 1f - l30 * l30 - l31 * l31 - l32 * l32;
        if (!(d3 > MinPivot)) { return false; }
        float l33 = MathF.Sqrt(d3);
        float r3 = 1f / l33;
        float l43 = (c34 - l40 * l30 - l41 * l31 - l42 * l32) * r3;
        float d4 = 1f - l40 * l40 - l41 * l41 - l42 * l42 - l43 * l43;
        if (!(d4 > MinPivot)) { return false; }
        float l44 = MathF.Sqrt(d4);
        float r4 = 1f / l44;
        float z0 = (g.V0 * s0) * r0;
        float z1 = (g.V1 * s1 - l10 * z0) * r1;
        float z2 = (g.V2 * s2 - l20 * z0 - l21 * z1) * r2;
        float z3 = (g.V3 * s3 - l30 * z0 - l31 * z1 - l32 * z2) * r3;
        float z4 = (g.V4 * s4 - l40 * z0 - l41 * z1 - l42 * z2 - l43 * z3) * r4;
        float y4 = (z4) * r4;
        float y3 = (z3 - l43 * y4) * r3;
        float y2 = (z2 - l32 * y3 - l42 * y4) * r2;
        float y1 = (z1 - l21 * y2 - l31 * y3 - l41 * y4) * r1;
        float y0 = (z0 - l10 * y1 - l20 * y2 - l30 * y3 - l40 * y4) * r0;
        x = new Vector5(y0 * s0, y1 * s1, y2 * s2, y3 * s3, y4 * s4);
        return true;
    }

    /// <summary>
    /// Diagonal of M⁻¹ (the CRLB of each parameter when M is the Fisher information), through the
    /// same scaled Cholesky factor: (M⁻¹)ᵢᵢ = sᵢ² Σₖ (L⁻¹)ₖᵢ². Returns false when M is not positive definite.
    /// </summary>
    public static bool InverseDiagonal(FisherMatrix5 m, out Vector5 diagonal)
    {
        diagonal = default;
        if (!(m.A00 > 0f)) { return false; }
        float s0 = 1f / MathF.Sqrt(m.A00);
        if (!(m.A11 > 0f)) { return false; }
        float s1 = 1f / MathF.Sqrt(m.A11);
        if (!(m.A22 > 0f)) { return false; }
        float s2 = 1f / MathF.Sqrt(m.A22);
        if (!(m.A33 > 0f)) { return false; }
        float s3 = 1f / MathF.Sqrt(m.A33);
        if (!(m.A44 > 0f)) { return false; }
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
        float d0 = 1f;
        if (!(d0 > MinPivot)) { return false; }
        float l00 = MathF.Sqrt(d0);
        float r0 = 1f / l00;
        float l10 = (c01) * r0;
        float l20 = (c02) * r0;
        float l30 = (c03) * r0;
        float l40 = (c04) * r0;
        float d1 = 1f - l10 * l10;
        if (!(d1 > MinPivot)) { return false; }
        float l11 = MathF.Sqrt(d1);
        float r1 = 1f / l11;
        float l21 = (c12 - l20 * l10) * r1;
        float l31 = (c13 - l30 * l10) * r1;
        float l41 = (c14 - l40 * l10) * r1;
        float d2 = 1f - l20 * l20 - l21 * l21;
        if (!(d2 > MinPivot)) { return false; }
        float l22 = MathF.Sqrt(d2);
        float r2 = 1f / l22;
        float l32 = (c23 - l30 * l20 - l31 * l21) * r2;
        float l42 = (c24 - l40 * l20 - l41 * l21) * r2;
        float d3 = 1f - l30 * l30 - l31 * l31 - l32 * l32;
        if (!(d3 > MinPivot)) { return false; }
        float l33 = MathF.Sqrt(d3);
        float r3 = 1f / l33;
        float l43 = (c34 - l40 * l30 - l41 * l31 - l42 * l32) * r3;
        float d4 = 1f - l40 * l40 - l41 * l41 - l42 * l42 - l43 * l43;
        if (!(d4 > MinPivot)) { return false; }
        float l44 = MathF.Sqrt(d4);
        float r4 = 1f / l44;
        float q00 = r0;
        float q10 = -(l10 * q00) * r1;
        float q20 = -(l20 * q00 + l21 * q10) * r2;
        float q30 = -(l30 * q00 + l31 * q10 + l32 * q20) * r3;
        float q40 = -(l40 * q00 + l41 * q10 + l42 * q20 + l43 * q30) * r4;
        float q11 = r1;
        float q21 = -(l21 * q11) * r2;
        float q31 = -(l31 * q11 + l32 * q21) * r3;
        float q41 = -(l41 * q11 + l42 * q21 + l43 * q31) * r4;
        float q22 = r2;
        float q32 = -(l32 * q22) * r3;
        float q42 = -(l42 * q22 + l43 * q32) * r4;
        float q33 = r3;
        float q43 = -(l43 * q33) * r4;
        float q44 = r4;
        diagonal = new Vector5(
            s0 * s0 * (q00 * q00 + q10 * q10 + q20 * q20 + q30 * q30 + q40 * q40),
            s1 * s1 * (q11 * q11 + q21 * q21 + q31 * q31 + q41 * q41),
            s2 * s2 * (q22 * q22 + q32 * q32 + q42 * q42),
            s3 * s3 * (q33 * q33 + q43 * q43),
            s4 * s4 * (q44 * q44));
        return true;
    }
}
