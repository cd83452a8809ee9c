namespace LiveSmlm.Localization;

/// <summary>
/// Tricubic-spline coefficients of a sampled PSF stack (Li et al., Nat Methods 2018): the tensor product
/// of natural cubic splines along x, then y, then z, written per voxel as the 64 coefficients of
/// tx^p ty^q tz^r in <see cref="SplineGrid"/>'s order. The spline passes through every sample.
/// </summary>
public static class CubicSplineCoefficients
{
    /// <summary>
    /// Coefficients of <paramref name="samples"/> (index (z·W + y)·W + x, W = grid.WindowPx, grid.ZSamples slices).
    /// </summary>
    public static float[] Build(double[] samples, SplineGrid grid)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int w = grid.WindowPx, nz = grid.ZSamples, v = w - 1, vz = nz - 1;
        if (w < 4 || nz < 4 || samples.Length != w * w * nz)
        {
            throw new ArgumentException($"A spline needs a W × W × Z stack with W, Z ≥ 4; got {samples.Length} samples for W = {w}, Z = {nz}.", nameof(samples));
        }

        // Stage 1, along x: a1[((z·W + y)·V + kx)·4 + p].
        var a1 = new double[nz * w * v * 4];
        var line = new double[Math.Max(w, nz)];
        var coeffs = new double[(Math.Max(w, nz) - 1) * 4];
        for (int z = 0; z < nz; z++)
        {
            for (int y = 0; y < w; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    line[x] = samples[(((z * w) + y) * w) + x];
                }

                Line(line, w, coeffs);
                Array.Copy(coeffs, 0, a1, ((z * w) + y) * v * 4, v * 4);
            }
        }

        // Stage 2, along y: a2[(((z·V + ky)·4 + q)·V + kx)·4 + p].
        var a2 = new double[nz * v * 4 * v * 4];
        for (int z = 0; z < nz; z++)
        {
            for (int kx = 0; kx < v; kx++)
            {
                for (int p = 0; p < 4; p++)
                {
                    for (int y = 0; y < w; y++)
                    {
                        line[y] = a1[(((((z * w) + y) * v) + kx) * 4) + p];
                    }

                    Line(line, w, coeffs);
                    for (int ky = 0; ky < v; ky++)
                    {
                        for (int q = 0; q < 4; q++)
                        {
                            a2[(((((((z * v) + ky) * 4) + q) * v) + kx) * 4) + p] = coeffs[(ky * 4) + q];
                        }
                    }
                }
            }
        }

        // Stage 3, along z, into the voxel layout.
        var result = new float[grid.CoefficientCount];
        for (int ky = 0; ky < v; ky++)
        {
            for (int q = 0; q < 4; q++)
            {
                for (int kx = 0; kx < v; kx++)
                {
                    for (int p = 0; p < 4; p++)
                    {
                        for (int z = 0; z < nz; z++)
                        {
                            line[z] = a2[(((((((z * v) + ky) * 4) + q) * v) + kx) * 4) + p];
                        }

                        Line(line, nz, coeffs);
                        for (int kz = 0; kz < vz; kz++)
                        {
                            for (int r = 0; r < 4; r++)
                            {
                                int voxel = (((kz * v) + ky) * v) + kx;
                                result[(voxel * SplineGrid.CoefficientsPerVoxel) + p + (4 * q) + (16 * r)] = (float)coeffs[(kz * 4) + r];
                            }
                        }
                    }
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The spline at sample coordinates (u, v, w) (sample (x, y, z) sits at (x, y, z)); u and v clamped to the
    /// grid's voxels, w likewise: an interpolator for any point of a sampled stack.
    /// </summary>
    public static double Evaluate(float[] coefficients, SplineGrid grid, double u, double v, double w)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        int vx = grid.LateralVoxels;
        int kx = Math.Clamp((int)Math.Floor(u), 0, vx - 1), ky = Math.Clamp((int)Math.Floor(v), 0, vx - 1), kz = Math.Clamp((int)Math.Floor(w), 0, grid.ZVoxels - 1);
        double tx = u - kx, ty = v - ky, tz = w - kz, sum = 0, pz = 1;
        int b = ((((kz * vx) + ky) * vx) + kx) * SplineGrid.CoefficientsPerVoxel;
        for (int r = 0; r < 4; r++)
        {
            double py = 1;
            for (int q = 0; q < 4; q++)
            {
                int k = b + (4 * q) + (16 * r);
                sum += (coefficients[k] + (tx * (coefficients[k + 1] + (tx * (coefficients[k + 2] + (tx * coefficients[k + 3])))))) * py * pz;
                py *= ty;
            }

            pz *= tz;
        }

        return sum;
    }

    // Natural cubic spline through f[0 … n): per interval k, f(k + t) = c0 + c1 t + c2 t² + c3 t³ into c[4k …].
    private static void Line(double[] f, int n, double[] c)
    {
        // Second derivatives M (M₀ = Mₙ₋₁ = 0): M_{k−1} + 4M_k + M_{k+1} = 6(f_{k+1} − 2f_k + f_{k−1}), Thomas algorithm.
        Span<double> m = stackalloc double[n];
        Span<double> cp = stackalloc double[n];
        m.Clear();
        for (int k = 1; k < n - 1; k++)
        {
            double rhs = 6 * (f[k + 1] - (2 * f[k]) + f[k - 1]);
            double denominator = 4 - (k > 1 ? cp[k - 1] : 0);
            cp[k] = 1 / denominator;
            m[k] = (rhs - (k > 1 ? m[k - 1] : 0)) / denominator;
        }

        for (int k = n - 3; k >= 1; k--)
        {
            m[k] -= cp[k] * m[k + 1];
        }

        for (int k = 0; k < n - 1; k++)
        {
            c[4 * k] = f[k];
            c[(4 * k) + 1] = f[k + 1] - f[k] - (((2 * m[k]) + m[k + 1]) / 6);
            c[(4 * k) + 2] = m[k] / 2;
            c[(4 * k) + 3] = (m[k + 1] - m[k]) / 6;
        }
    }
}
