namespace LiveSmlm.Localization;

/// <summary>
/// A pixel-integrated Gaussian with its own width per axis, θ = (x, y, N, b, σx, σy) in ROI pixels and
/// photoelectrons: the per-slice fit of a bead in the z calibration, which measures σx(z) and σy(z).
/// </summary>
public struct EllipticalGaussianModel : IFitModel
{
    /// <summary>Free parameters: x, y, N, b, σx, σy.</summary>
    public const int ParameterCount = 6;

    // σ may change by at most this per iteration, and stays above the floor (narrower is unphysical).
    private const float MaxSigmaStepPx = 0.5f;
    private const float SigmaFloorPx = 0.3f;

    public AxisTable X;
    public AxisTable Y;
    private int _roiSize;
    private float _photons;
    private float _background;

    public EllipticalGaussianModel(int roiSize)
    {
        _roiSize = roiSize;
    }

    public readonly int Parameters => ParameterCount;

    public void Load(ref ParameterVector theta)
    {
        X.Fill(_roiSize, theta[0], theta[4]);
        Y.Fill(_roiSize, theta[1], theta[5]);
        _photons = theta[2];
        _background = theta[3];
    }

    public readonly float ValueAt(int i, int j) => (_photons * X.Integral(i) * Y.Integral(j)) + _background;

    public readonly float DerivativesAt(int i, int j, ref ParameterVector derivatives)
    {
        float ex = X.Integral(i), ey = Y.Integral(j), psf = ex * ey;
        derivatives[0] = _photons * X.DerivativePosition(i) * ey;
        derivatives[1] = _photons * ex * Y.DerivativePosition(j);
        derivatives[2] = psf;
        derivatives[3] = 1f;
        derivatives[4] = _photons * X.DerivativeSigma(i) * ey;
        derivatives[5] = _photons * ex * Y.DerivativeSigma(j);
        return (_photons * psf) + _background;
    }

    public readonly float StepLimit(int a) => a switch
    {
        0 or 1 => FisherScoring.MaxPositionStepPx,
        4 or 5 => MaxSigmaStepPx,
        _ => 0f,
    };

    public readonly bool IsPositive(int a) => a is 2 or 3;

    public readonly float Tolerance(int a) => a is 2 ? Emitter3D.TolerancePx * _photons : a is 3 ? float.MaxValue : Emitter3D.TolerancePx;

    public readonly float Lower(int a) => a is 4 or 5 ? SigmaFloorPx : float.MinValue;

    public readonly float Upper(int a) => a is 4 or 5 ? 0.5f * _roiSize : float.MaxValue;
}
