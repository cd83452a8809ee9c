namespace LiveSmlm.Localization;

/// <summary>
/// The astigmatic (elliptical) pixel-integrated Gaussian μ = N·Ex(i; x, σx(z))·Ey(j; y, σy(z)) + b, with
/// σx(z), σy(z) from the calibration's <see cref="AstigmaticCurve"/>s. Parameters θ = (x, y, N, b, z):
/// x, y in ROI pixels, N and b in photoelectrons, z in nm. ∂μ/∂z = N(∂Ex/∂σ·σx′·Ey + Ex·∂Ey/∂σ·σy′).
/// </summary>
public struct AstigmaticGaussianModel : IFitModel
{
    public AxisTable X;
    public AxisTable Y;
    public AstigmaticCurve CurveX;
    public AstigmaticCurve CurveY;

    /// <summary>The calibrated z range, nm: z is kept inside it.</summary>
    public float ZMinNm;

    public float ZMaxNm;
    private int _roiSize;
    private float _photons;
    private float _background;
    private float _slopeX;
    private float _slopeY;

    /// <summary>Tables for a roiSize² ROI; z from the curves, kept within [zMinNm, zMaxNm].</summary>
    public AstigmaticGaussianModel(int roiSize, AstigmaticCurve curveX, AstigmaticCurve curveY, float zMinNm, float zMaxNm)
    {
        _roiSize = roiSize;
        CurveX = curveX;
        CurveY = curveY;
        ZMinNm = zMinNm;
        ZMaxNm = zMaxNm;
    }

    public readonly int Parameters => Emitter3D.Parameters;

    public void Load(ref ParameterVector theta)
    {
        float z = theta[Emitter3D.Z];
        float sx = CurveX.Sigma(z, out _slopeX);
        float sy = CurveY.Sigma(z, out _slopeY);
        X.Fill(_roiSize, theta[0], sx);
        Y.Fill(_roiSize, theta[1], sy);
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
        derivatives[4] = _photons * ((X.DerivativeSigma(i) * ey * _slopeX) + (ex * Y.DerivativeSigma(j) * _slopeY));
        return (_photons * psf) + _background;
    }

    public readonly float StepLimit(int a) => Emitter3D.StepLimit(a);

    public readonly bool IsPositive(int a) => a is 2 or 3;

    public readonly float Tolerance(int a) => Emitter3D.Tolerance(a, _photons);

    public readonly float Lower(int a) => a == Emitter3D.Z ? ZMinNm : float.MinValue;

    public readonly float Upper(int a) => a == Emitter3D.Z ? ZMaxNm : float.MaxValue;
}
