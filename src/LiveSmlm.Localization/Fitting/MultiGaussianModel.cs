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

    /// <summary>
    /// <see cref="FisherScoring.Accumulate"/> for exactly two emitters (7 parameters, most joint fits),
    /// unrolled into locals as <see cref="GaussianMle.Accumulate"/> is for the single fit: the generic
    /// loop adds each of the 28 + 7 sums into the by-ref structs, a load and a store per pixel. The same
    /// float operations in the same order per sum, so the result is bit-identical to the generic loop.
    /// </summary>
    public readonly void AccumulateTwo<TPixels, TVariance>(
        TPixels pixels, TVariance readVariance, int roiSize, out FisherMatrix fisher, out ParameterVector gradient)
        where TPixels : struct, IPixels
        where TVariance : struct, IPixels
    {
        float n0 = _n0, n1 = _n1, b = _background;
        float a00 = 0f, a10 = 0f, a11 = 0f, a20 = 0f, a21 = 0f, a22 = 0f;
        float a30 = 0f, a31 = 0f, a32 = 0f, a33 = 0f, a40 = 0f, a41 = 0f, a42 = 0f, a43 = 0f, a44 = 0f;
        float a50 = 0f, a51 = 0f, a52 = 0f, a53 = 0f, a54 = 0f, a55 = 0f;
        float a60 = 0f, a61 = 0f, a62 = 0f, a63 = 0f, a64 = 0f, a65 = 0f, a66 = 0f;
        float g0 = 0f, g1 = 0f, g2 = 0f, g3 = 0f, g4 = 0f, g5 = 0f, g6 = 0f;
        for (int j = 0; j < roiSize; j++)
        {
            float ey0 = _y0.Integral(j), dy0 = _y0.DerivativePosition(j);
            float ey1 = _y1.Integral(j), dy1 = _y1.DerivativePosition(j);
            int row = j * roiSize;
            for (int i = 0; i < roiSize; i++)
            {
                float ex0 = _x0.Integral(i), ex1 = _x1.Integral(i);
                float psf0 = ex0 * ey0, psf1 = ex1 * ey1;
                float d0 = n0 * _x0.DerivativePosition(i) * ey0, d1 = n0 * ex0 * dy0;
                float d3 = n1 * _x1.DerivativePosition(i) * ey1, d4 = n1 * ex1 * dy1;
                float v = readVariance[row + i];
                float mu = MathF.Max(b + (n0 * psf0) + (n1 * psf1) + v, FisherScoring.MinModel);
                float w = 1f / mu;
                float r = ((pixels[row + i] + v) * w) - 1f;
                g0 += r * d0;
                g1 += r * d1;
                g2 += r * psf0;
                g3 += r * d3;
                g4 += r * d4;
                g5 += r * psf1;
                g6 += r;
                float w0 = w * d0, w1 = w * d1, w2 = w * psf0, w3 = w * d3, w4 = w * d4, w5 = w * psf1;
                a00 += w0 * d0;
                a10 += w1 * d0;
                a11 += w1 * d1;
                a20 += w2 * d0;
                a21 += w2 * d1;
                a22 += w2 * psf0;
                a30 += w3 * d0;
                a31 += w3 * d1;
                a32 += w3 * psf0;
                a33 += w3 * d3;
                a40 += w4 * d0;
                a41 += w4 * d1;
                a42 += w4 * psf0;
                a43 += w4 * d3;
                a44 += w4 * d4;
                a50 += w5 * d0;
                a51 += w5 * d1;
                a52 += w5 * psf0;
                a53 += w5 * d3;
                a54 += w5 * d4;
                a55 += w5 * psf1;
                a60 += w * d0;
                a61 += w * d1;
                a62 += w * psf0;
                a63 += w * d3;
                a64 += w * d4;
                a65 += w * psf1;
                a66 += w;
            }
        }

        fisher = default;
        fisher[0, 0] = a00;
        fisher[1, 0] = a10;
        fisher[1, 1] = a11;
        fisher[2, 0] = a20;
        fisher[2, 1] = a21;
        fisher[2, 2] = a22;
        fisher[3, 0] = a30;
        fisher[3, 1] = a31;
        fisher[3, 2] = a32;
        fisher[3, 3] = a33;
        fisher[4, 0] = a40;
        fisher[4, 1] = a41;
        fisher[4, 2] = a42;
        fisher[4, 3] = a43;
        fisher[4, 4] = a44;
        fisher[5, 0] = a50;
        fisher[5, 1] = a51;
        fisher[5, 2] = a52;
        fisher[5, 3] = a53;
        fisher[5, 4] = a54;
        fisher[5, 5] = a55;
        fisher[6, 0] = a60;
        fisher[6, 1] = a61;
        fisher[6, 2] = a62;
        fisher[6, 3] = a63;
        fisher[6, 4] = a64;
        fisher[6, 5] = a65;
        fisher[6, 6] = a66;
        gradient = default;
        gradient[0] = g0;
        gradient[1] = g1;
        gradient[2] = g2;
        gradient[3] = g3;
        gradient[4] = g4;
        gradient[5] = g5;
        gradient[6] = g6;
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
