namespace LiveSmlm.Localization;

/// <summary>
/// One pixel-integrated Gaussian μ = N·Ex(i)·Ey(j) + b as a <see cref="IPixelModel"/>: parameters
/// (x, y, N, b) and, when σ is free, σ as the fifth. The per-axis tables are filled once per iteration.
/// </summary>
public struct GaussianModel : IPixelModel
{
    public AxisTable X;
    public AxisTable Y;
    public float Photons;
    public float Background;
    private int _parameters;

    /// <summary>Fills the tables for (x, y, σ) in a roiSize² ROI; σ a free parameter when <paramref name="fitSigma"/>.</summary>
    public void Set(int roiSize, float x, float y, float sigma, float photons, float background, bool fitSigma)
    {
        X.Fill(roiSize, x, sigma);
        Y.Fill(roiSize, y, sigma);
        Photons = photons;
        Background = background;
        _parameters = fitSigma ? 5 : 4;
    }

    public readonly int Parameters => _parameters;

    public readonly float ValueAt(int i, int j) => (Photons * X.Integral(i) * Y.Integral(j)) + Background;

    public readonly float DerivativesAt(int i, int j, ref ParameterVector derivatives)
    {
        float ex = X.Integral(i), ey = Y.Integral(j), psf = ex * ey;
        derivatives[0] = Photons * X.DerivativePosition(i) * ey;
        derivatives[1] = Photons * ex * Y.DerivativePosition(j);
        derivatives[2] = psf;
        derivatives[3] = 1f;
        if (_parameters > 4)
        {
            derivatives[4] = Photons * ((X.DerivativeSigma(i) * ey) + (ex * Y.DerivativeSigma(j)));
        }

        return (Photons * psf) + Background;
    }
}
