using System.Runtime.InteropServices;

namespace LiveSmlm.Localization;

/// <summary>
/// One axis of the astigmatic defocus curve (Huang et al., Science 2008, with the higher-order terms):
/// σ(z) = σ0 · √(1 + u² + A·u³ + B·u⁴), u = (z − c)/d. σ0 in camera pixels, z, c and d in nm.
/// A plain value type so that kernels take it by value.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct AstigmaticCurve
{
    /// <summary>Width at the axis's own focus, px.</summary>
    public float Sigma0Px;

    /// <summary>Depth of the axis's focus, nm (cx and cy have opposite signs about the common focus).</summary>
    public float CNm;

    /// <summary>Depth of focus d, nm.</summary>
    public float DNm;

    /// <summary>Third-order coefficient A.</summary>
    public float A;

    /// <summary>Fourth-order coefficient B.</summary>
    public float B;

    // The polynomial under the root is floored here: a large negative A could push it below zero far from focus.
    private const float MinRadicand = 1e-6f;

    public AstigmaticCurve(float sigma0Px, float cNm, float dNm, float a, float b)
    {
        Sigma0Px = sigma0Px;
        CNm = cNm;
        DNm = dNm;
        A = a;
        B = b;
    }

    /// <summary>σ at depth <paramref name="zNm"/>, px.</summary>
    public readonly float Sigma(float zNm) => Sigma(zNm, out _);

    /// <summary>σ at depth <paramref name="zNm"/>, px, and its slope dσ/dz, px/nm.</summary>
    public readonly float Sigma(float zNm, out float slopePxPerNm)
    {
        float u = (zNm - CNm) / DNm;
        float u2 = u * u;
        float radicand = 1f + u2 + (A * u2 * u) + (B * u2 * u2);
        if (radicand < MinRadicand)
        {
            slopePxPerNm = 0f;
            return Sigma0Px * MathF.Sqrt(MinRadicand);
        }

        float root = MathF.Sqrt(radicand);
        slopePxPerNm = Sigma0Px * ((2f * u) + (3f * A * u2) + (4f * B * u2 * u)) / (2f * root * DNm);
        return Sigma0Px * root;
    }
}
