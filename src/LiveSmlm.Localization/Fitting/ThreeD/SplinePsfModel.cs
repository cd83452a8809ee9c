namespace LiveSmlm.Localization;

/// <summary>
/// The experimental cubic-spline PSF (Li et al., Nat Methods 2018; SMAP / fit3Dcspline) as a fit model:
/// μ(i, j) = N·S(i − x + W/2, j − y + W/2, (z − z₀)/Δz) + b, S the tricubic spline of the calibration's
/// averaged bead stack (already pixel-integrated: samples are pixel values at integer shifts).
/// θ = (x, y, N, b, z) as for <see cref="AstigmaticGaussianModel"/>. One emitter position gives the same
/// fractional offsets (tx, ty, tz) for every pixel, so their powers are computed once per iteration;
/// pixels outside the sampled window are 0. Coefficients are read through <typeparamref name="TCoefficients"/>
/// (a managed array on the CPU, an ArrayView in kernels).
/// </summary>
public struct SplinePsfModel<TCoefficients> : IFitModel
    where TCoefficients : struct, IPixels
{
    public TCoefficients Coefficients;
    public SplineGrid Grid;

    /// <summary>z is kept within the calibrated range, nm.</summary>
    public float ZMinNm;

    public float ZMaxNm;
    private float _photons;
    private float _background;
    private int _offsetX;
    private int _offsetY;
    private int _voxelZ;
    private float _tx;
    private float _ty;
    private float _tz;

    public SplinePsfModel(TCoefficients coefficients, SplineGrid grid, float zMinNm, float zMaxNm)
    {
        Coefficients = coefficients;
        Grid = grid;
        ZMinNm = zMinNm;
        ZMaxNm = zMaxNm;
    }

    public readonly int Parameters => Emitter3D.Parameters;

    public void Load(ref ParameterVector theta)
    {
        float half = 0.5f * Grid.WindowPx;
        float sx = half - theta[0], sy = half - theta[1];
        float fx = MathF.Floor(sx), fy = MathF.Floor(sy);
        _offsetX = (int)fx;
        _offsetY = (int)fy;
        _tx = sx - fx;
        _ty = sy - fy;
        float sz = (theta[Emitter3D.Z] - Grid.ZStartNm) / Grid.ZStepNm;
        int kz = (int)MathF.Floor(sz);
        kz = kz < 0 ? 0 : kz > Grid.ZVoxels - 1 ? Grid.ZVoxels - 1 : kz;
        _voxelZ = kz;
        _tz = sz - kz;
        _photons = theta[2];
        _background = theta[3];
    }

    public readonly float ValueAt(int i, int j)
    {
        int base0 = VoxelBase(i, j);
        if (base0 < 0)
        {
            return _background;
        }

        float value = 0f;
        float tzr = 1f;
        for (int r = 0; r < 4; r++)
        {
            float tyq = 1f;
            for (int q = 0; q < 4; q++)
            {
                int k = base0 + (4 * q) + (16 * r);
                float inner = Coefficients[k] + (_tx * (Coefficients[k + 1] + (_tx * (Coefficients[k + 2] + (_tx * Coefficients[k + 3])))));
                value += inner * tyq * tzr;
                tyq *= _ty;
            }

            tzr *= _tz;
        }

        return (_photons * value) + _background;
    }

    public readonly float DerivativesAt(int i, int j, ref ParameterVector derivatives)
    {
        int base0 = VoxelBase(i, j);
        if (base0 < 0)
        {
            derivatives[0] = 0f;
            derivatives[1] = 0f;
            derivatives[2] = 0f;
            derivatives[3] = 1f;
            derivatives[4] = 0f;
            return _background;
        }

        float s = 0f, su = 0f, sv = 0f, sw = 0f;
        float tzr = 1f, dtzr = 0f;
        for (int r = 0; r < 4; r++)
        {
            float tyq = 1f, dtyq = 0f;
            for (int q = 0; q < 4; q++)
            {
                int k = base0 + (4 * q) + (16 * r);
                float c0 = Coefficients[k], c1 = Coefficients[k + 1], c2 = Coefficients[k + 2], c3 = Coefficients[k + 3];
                float inner = c0 + (_tx * (c1 + (_tx * (c2 + (_tx * c3)))));
                float innerDx = c1 + (_tx * ((2f * c2) + (3f * _tx * c3)));
                float yz = tyq * tzr;
                s += inner * yz;
                su += innerDx * yz;
                sv += inner * dtyq * tzr;
                sw += inner * tyq * dtzr;
                dtyq = (q + 1) * tyq;
                tyq *= _ty;
            }

            dtzr = (r + 1) * tzr;
            tzr *= _tz;
        }

        // The spline coordinate runs opposite to the emitter position (u = i − x + W/2), and z in nm.
        derivatives[0] = -_photons * su;
        derivatives[1] = -_photons * sv;
        derivatives[2] = s;
        derivatives[3] = 1f;
        derivatives[4] = _photons * sw / Grid.ZStepNm;
        return (_photons * s) + _background;
    }

    public readonly float StepLimit(int a) => Emitter3D.StepLimit(a);

    public readonly bool IsPositive(int a) => a is 2 or 3;

    public readonly float Tolerance(int a) => Emitter3D.Tolerance(a, _photons);

    public readonly float Lower(int a) => a == Emitter3D.Z ? ZMinNm : float.MinValue;

    public readonly float Upper(int a) => a == Emitter3D.Z ? ZMaxNm : float.MaxValue;

    // Index of the first coefficient of pixel (i, j)'s voxel, or −1 outside the sampled window.
    private readonly int VoxelBase(int i, int j)
    {
        int kx = i + _offsetX, ky = j + _offsetY, v = Grid.LateralVoxels;
        if (kx < 0 || ky < 0 || kx >= v || ky >= v)
        {
            return -1;
        }

        return ((((_voxelZ * v) + ky) * v) + kx) * SplineGrid.CoefficientsPerVoxel;
    }
}
