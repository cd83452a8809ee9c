using MathNet.Numerics.LinearAlgebra;

namespace LiveSmlm.Localization.Tests;

/// <summary>
/// The tests' own 3D image formation in double precision: the astigmatic pixel-integrated Gaussian
/// (Huang et al. 2008 curves evaluated here, MathNet erf through <see cref="SpotImages"/>) and a
/// tricubic-spline PSF evaluated here from its coefficients; the CRLB of (x, y, N, b, z) from central
/// differences of these models, inverted with MathNet. Independent of the engine's float code.
/// </summary>
internal static class ThreeDImages
{
    /// <summary>σ(z), px, of one axis: σ0 √(1 + u² + A u³ + B u⁴), u = (z − c)/d.</summary>
    public static double Sigma(double s0, double c, double d, double a, double b, double z)
    {
        double u = (z - c) / d;
        return s0 * Math.Sqrt(1 + (u * u) + (a * u * u * u) + (b * u * u * u * u));
    }

    /// <summary>Expected photoelectrons of the astigmatic Gaussian in a roi² ROI; θ = (x, y, N, b, z).</summary>
    public static double[] Astigmatic(int roi, double[] theta, double[] curveX, double[] curveY)
    {
        double sx = Sigma(curveX[0], curveX[1], curveX[2], curveX[3], curveX[4], theta[4]);
        double sy = Sigma(curveY[0], curveY[1], curveY[2], curveY[3], curveY[4], theta[4]);
        var mu = new double[roi * roi];
        for (int j = 0; j < roi; j++)
        {
            double ey = SpotImages.PixelIntegral(j, theta[1], sy);
            for (int i = 0; i < roi; i++)
            {
                mu[(j * roi) + i] = (theta[2] * SpotImages.PixelIntegral(i, theta[0], sx) * ey) + theta[3];
            }
        }

        return mu;
    }

    /// <summary>The tricubic spline S(u, v, w) from per-voxel coefficients, 0 outside the lateral window; w clamped to its voxels.</summary>
    public static double Spline(float[] coefficients, int window, int zSamples, double u, double v, double w)
    {
        int vx = window - 1;
        int kx = (int)Math.Floor(u), ky = (int)Math.Floor(v), kz = Math.Clamp((int)Math.Floor(w), 0, zSamples - 2);
        if (kx < 0 || ky < 0 || kx >= vx || ky >= vx)
        {
            return 0;
        }

        double tx = u - kx, ty = v - ky, tz = w - kz, sum = 0;
        int b = ((((kz * vx) + ky) * vx) + kx) * 64;
        double[] px = [1, tx, tx * tx, tx * tx * tx], py = [1, ty, ty * ty, ty * ty * ty], pz = [1, tz, tz * tz, tz * tz * tz];
        for (int r = 0; r < 4; r++)
        {
            for (int q = 0; q < 4; q++)
            {
                for (int p = 0; p < 4; p++)
                {
                    sum += coefficients[b + p + (4 * q) + (16 * r)] * px[p] * py[q] * pz[r];
                }
            }
        }

        return sum;
    }

    /// <summary>Expected photoelectrons of the spline PSF: N·S(i − x + W/2, j − y + W/2, (z − z0)/Δz) + b.</summary>
    public static double[] SplineRoi(int roi, double[] theta, float[] coefficients, int window, int zSamples, double z0, double dz)
    {
        var mu = new double[roi * roi];
        for (int j = 0; j < roi; j++)
        {
            for (int i = 0; i < roi; i++)
            {
                double s = Spline(coefficients, window, zSamples, i - theta[0] + (0.5 * window), j - theta[1] + (0.5 * window), (theta[4] - z0) / dz);
                mu[(j * roi) + i] = (theta[2] * s) + theta[3];
            }
        }

        return mu;
    }

    /// <summary>CRLB variances of (x, y, N, b, z) for the model <paramref name="model"/> at θ (Poisson).</summary>
    public static double[] Crlb(Func<double[], double[]> model, double[] theta)
    {
        double[] steps = [1e-4, 1e-4, 1e-4 * theta[2], 1e-4 * Math.Max(theta[3], 1), 0.01];
        double[] mu = model(theta);
        var derivatives = new double[5][];
        for (int a = 0; a < 5; a++)
        {
            double[] up = (double[])theta.Clone(), down = (double[])theta.Clone();
            up[a] += steps[a];
            down[a] -= steps[a];
            double[] mu1 = model(up), mu0 = model(down);
            derivatives[a] = mu1.Select((m, k) => (m - mu0[k]) / (2 * steps[a])).ToArray();
        }

        var fisher = Matrix<double>.Build.Dense(5, 5);
        for (int a = 0; a < 5; a++)
        {
            for (int b = 0; b < 5; b++)
            {
                double sum = 0;
                for (int k = 0; k < mu.Length; k++)
                {
                    sum += derivatives[a][k] * derivatives[b][k] / mu[k];
                }

                fisher[a, b] = sum;
            }
        }

        Matrix<double> inverse = fisher.Inverse();
        return [.. Enumerable.Range(0, 5).Select(k => inverse[k, k])];
    }
}
