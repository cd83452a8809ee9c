using System.Runtime.InteropServices;

namespace LiveSmlm.Localization;

/// <summary>
/// Shape of a cubic-spline PSF (Li et al., Nat Methods 2018): samples on a WindowPx × WindowPx × ZSamples
/// grid, one camera pixel apart laterally and <see cref="ZStepNm"/> apart in z, with the emitter at the
/// window's centre; (WindowPx − 1)² × (ZSamples − 1) voxels of 64 coefficients each, voxel (kx, ky, kz)
/// at ((kz·Vy + ky)·Vx + kx)·64, coefficient of tx^p ty^q tz^r at p + 4q + 16r.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct SplineGrid
{
    /// <summary>Coefficients per voxel: 4³.</summary>
    public const int CoefficientsPerVoxel = 64;

    /// <summary>Lateral side of the sampled window, px (odd: the emitter sits on the centre pixel's centre).</summary>
    public int WindowPx;

    /// <summary>Number of z samples (slices).</summary>
    public int ZSamples;

    /// <summary>z of the first sample, nm (focus at 0).</summary>
    public float ZStartNm;

    public float ZStepNm;

    public SplineGrid(int windowPx, int zSamples, float zStartNm, float zStepNm)
    {
        WindowPx = windowPx;
        ZSamples = zSamples;
        ZStartNm = zStartNm;
        ZStepNm = zStepNm;
    }

    /// <summary>Voxels along x and y.</summary>
    public readonly int LateralVoxels => WindowPx - 1;

    public readonly int ZVoxels => ZSamples - 1;

    /// <summary>z of the last sample, nm.</summary>
    public readonly float ZEndNm => ZStartNm + ((ZSamples - 1) * ZStepNm);

    public readonly int CoefficientCount => LateralVoxels * LateralVoxels * ZVoxels * CoefficientsPerVoxel;
}
