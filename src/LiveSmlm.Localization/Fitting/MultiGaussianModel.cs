namespace LiveSmlm.Localization;

/// <summary>
/// n ≤ <see cref="MaxEmitters"/> pixel-integrated Gaussians of one fixed σ over a flat background,
/// μ = b + Σₖ Nₖ·Exₖ(i)·Eyₖ(j), as a <see cref="IPixelModel"/>. Parameters (x₀, y₀, N₀, x₁, y₁, N₁, …, b):
/// emitter k at 3k, 3k + 1, 3k + 2, the background last (n = 1 is the single fit's x, y, N, b).
/// </summary>
/// <remarks>One <see cref="AxisTable"/> field per axis and emitter (no arrays: kernels keep them in local memory).</remarks>
public struct MultiGaussianModel : IPixelModel
{
    /// <summary>Most emitters one model holds (3·4 + 1 = 13 parameters).</summary>
    public const int MaxEmitters = 4;

    private AxisTable _x0, _y0, _x1, _y1, _x2, _y2, _x3, _y3;
    private float _n0, _n1, _n2, _n3;
    private float _background;
    private int _emitters;

    /// <summary>Index of emitter k's x in the parameter vector (y at +1, N at +2).</summary>
    public static int EmitterOffset(int k) => 3 * k;

    /// <summary>Index of the background for <paramref name="emitters"/> emitters.</summary>
    public static int BackgroundIndex(int emitters) => 3 * emitters;

    public readonly int Emitters => _emitters;

    public readonly int Parameters => (3 * _emitters) + 1;

    /// <summary>Fills the tables of <paramref name="emitters"/> emitters from <paramref name="p"/> (layout above), σ in px.</summary>
    public void Set(int roiSize, ref ParameterVector p, int emitters, float sigma)
    {
        _emitters = emitters;
        _background = p[BackgroundIndex(emitters)];
        _x0.Fill(roiSize, p[0], sigma);
        _y0.Fill(roiSize, p[1], sigma);
        _n0 = p[2];
        if (emitters > 1)
        {
            _x1.Fill(roiSize, p[3], sigma);
            _y1.Fill(roiSize, p[4], sigma);
            _n1 = p[5];
        }

        if (emitters > 2)
        {
            _x2.Fill(roiSize, p[6], sigma);
            _y2.Fill(roiSize, p[7], sigma);
            _n2 = p[8];
        }

        if (emitters > 3)
        {
            _x3.Fill(roiSize, p[9], sigma);
            _y3.Fill(roiSize, p[10], sigma);
            _n3 = p[11];
        }
    }

    public readonly float ValueAt(int i, int j)
    {
        float mu = _background + (_n0 * _x0.Integral(i) * _y0.Integral(j));
        if (_emitters > 1)
        {
            mu += _n1 * _x1.Integral(i) * _y1.Integral(j);
        }

        if (_emitters > 2)
        {
            mu += _n2 * _x2.Integral(i) * _y2.Integral(j);
        }

        if (_emitters > 3)
        {
            mu += _n3 * _x3.Integral(i) * _y3.Integral(j);
        }

        return mu;
    }

    public readonly float DerivativesAt(int i, int j, ref ParameterVector derivatives)
    {
        float mu = _background + Term(in _x0, in _y0, _n0, 0, i, j, ref derivatives);
        if (_emitters > 1)
        {
            mu += Term(in _x1, in _y1, _n1, 3, i, j, ref derivatives);
        }

        if (_emitters > 2)
        {
            mu += Term(in _x2, in _y2, _n2, 6, i, j, ref derivatives);
        }

        if (_emitters > 3)
        {
            mu += Term(in _x3, in _y3, _n3, 9, i, j, ref derivatives);
        }

        derivatives[BackgroundIndex(_emitters)] = 1f;
        return mu;
    }

    // One emitter's N·E and its three derivatives at offset..offset + 2.
    private static float Term(in AxisTable x, in AxisTable y, float photons, int offset, int i, int j, ref ParameterVector d)
    {
        float ex = x.Integral(i), ey = y.Integral(j), psf = ex * ey;
        d[offset] = photons * x.DerivativePosition(i) * ey;
        d[offset + 1] = photons * ex * y.DerivativePosition(j);
        d[offset + 2] = psf;
        return photons * psf;
    }
}
