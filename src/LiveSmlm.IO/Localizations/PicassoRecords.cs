using System.Reflection;
using System.Runtime.InteropServices;
using LiveSmlm.Core;
using PureHDF;

namespace LiveSmlm.IO;

/// <summary>
/// One row of Picasso's `locs` table, 2D, in the field order FORMATS.md gives (Picasso's own
/// localize output): pixel units with the pixel centre at an integer, frames from 0.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct PicassoRecord2D
{
    [H5Name("frame")] public uint Frame;
    [H5Name("x")] public float X;
    [H5Name("y")] public float Y;
    [H5Name("photons")] public float Photons;
    [H5Name("sx")] public float Sx;
    [H5Name("sy")] public float Sy;
    [H5Name("bg")] public float Bg;
    [H5Name("lpx")] public float Lpx;
    [H5Name("lpy")] public float Lpy;
    [H5Name("net_gradient")] public float NetGradient;
    [H5Name("log_likelihood")] public float LogLikelihood;
    [H5Name("iterations")] public int Iterations;
}

/// <summary>The 3D row: the 2D fields, then z (nm), d_zcalib and lpz (nm), as Picasso's 3D fit appends them.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct PicassoRecord3D
{
    [H5Name("frame")] public uint Frame;
    [H5Name("x")] public float X;
    [H5Name("y")] public float Y;
    [H5Name("photons")] public float Photons;
    [H5Name("sx")] public float Sx;
    [H5Name("sy")] public float Sy;
    [H5Name("bg")] public float Bg;
    [H5Name("lpx")] public float Lpx;
    [H5Name("lpy")] public float Lpy;
    [H5Name("net_gradient")] public float NetGradient;
    [H5Name("log_likelihood")] public float LogLikelihood;
    [H5Name("iterations")] public int Iterations;
    [H5Name("z")] public float Z;
    [H5Name("d_zcalib")] public float DZcalib;
    [H5Name("lpz")] public float Lpz;
}

/// <summary>
/// Converts between our localization (nm, corner origin) and Picasso's row (pixels, centre at an
/// integer: x_px = x_nm/p − 0.5). Picasso's log_likelihood is Σ log P; we only know the
/// log-likelihood ratio to the saturated model, LLR = −2(log L − log L_sat), and store −LLR/2,
/// i.e. the log-likelihood relative to a perfect fit; reading inverts that.
/// </summary>
internal static class PicassoConversion
{
    public static readonly H5WriteOptions WriteOptions = new(
        FieldNameMapper: field => field.GetCustomAttribute<H5NameAttribute>()?.Name ?? field.Name);

    public static PicassoRecord2D To2D(in Localization loc, double pixelSizeNm) => new()
    {
        Frame = (uint)loc.Frame,
        X = (float)PixelGeometry.NmToPixelCentre(loc.XNm, pixelSizeNm),
        Y = (float)PixelGeometry.NmToPixelCentre(loc.YNm, pixelSizeNm),
        Photons = loc.Photons,
        Sx = (float)(loc.SigmaXNm / pixelSizeNm),
        Sy = (float)(loc.SigmaYNm / pixelSizeNm),
        Bg = loc.BackgroundPhotons,
        Lpx = (float)(loc.UncertaintyXNm / pixelSizeNm),
        Lpy = (float)(loc.UncertaintyYNm / pixelSizeNm),
        NetGradient = float.NaN, // not computed by our detector
        LogLikelihood = -0.5f * loc.LogLikelihoodRatio,
        Iterations = loc.Iterations,
    };

    public static PicassoRecord3D To3D(in Localization loc, double pixelSizeNm)
    {
        var r = To2D(loc, pixelSizeNm);
        return new PicassoRecord3D
        {
            Frame = r.Frame, X = r.X, Y = r.Y, Photons = r.Photons, Sx = r.Sx, Sy = r.Sy, Bg = r.Bg,
            Lpx = r.Lpx, Lpy = r.Lpy, NetGradient = r.NetGradient, LogLikelihood = r.LogLikelihood,
            Iterations = r.Iterations, Z = loc.ZNm, DZcalib = float.NaN, Lpz = loc.UncertaintyZNm,
        };
    }
}
