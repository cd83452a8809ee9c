namespace LiveSmlm.Localization;

/// <summary>
/// Per-pixel terms of one axis of the pixel-integrated Gaussian for the current (x, σ): E(i), ∂E/∂x,
/// ∂E/∂σ. Computed once per axis per iteration (roiSize + 1 exp instead of roiSize²). One fixed buffer
/// per struct (ILGPU supports fixed buffers; keep a single one per struct to stay on its tested path).
/// </summary>
public unsafe struct AxisTable
{
    /// <summary>Largest ROI side a table holds.</summary>
    public const int MaxPixels = 16;

    private fixed float _values[3 * MaxPixels];

    public readonly float Integral(int i) => _values[i];

    public readonly float DerivativePosition(int i) => _values[MaxPixels + i];

    public readonly float DerivativeSigma(int i) => _values[(2 * MaxPixels) + i];

    /// <summary>
    /// Fills the table for centre <paramref name="centre"/> and width <paramref name="sigma"/> (px,
    /// pixel i covers [i, i + 1)). Closed forms: REFERENCES.md (PSF) and Smith et al. 2010, suppl.
    /// </summary>
    public void Fill(int pixels, float centre, float sigma)
    {
        float invSqrt2Sigma = 1f / (Sqrt2 * sigma);
        float gaussScale = 1f / (Sqrt2Pi * sigma); // ∂E/∂x = gaussScale·(g(i) − g(i+1))
        float sigmaScale = 1f / (SqrtPi * sigma);  // ∂E/∂σ = sigmaScale·(u(i)·g(i) − u(i+1)·g(i+1))
        float u0 = -centre * invSqrt2Sigma;
        float g0 = MathF.Exp(-u0 * u0);
        float e0 = SinglePrecisionErf.ErfWithGaussian(u0, g0);
        for (int i = 0; i < pixels; i++)
        {
            float u1 = (i + 1 - centre) * invSqrt2Sigma;
            float g1 = MathF.Exp(-u1 * u1);
            float e1 = SinglePrecisionErf.ErfWithGaussian(u1, g1);
            _values[i] = 0.5f * (e1 - e0);
            _values[MaxPixels + i] = gaussScale * (g0 - g1);
            _values[(2 * MaxPixels) + i] = sigmaScale * ((u0 * g0) - (u1 * g1));
            u0 = u1;
            g0 = g1;
            e0 = e1;
        }
    }

    private const float Sqrt2 = 1.41421356f;
    private const float Sqrt2Pi = 2.50662827f;
    private const float SqrtPi = 1.77245385f;
}
