using MathNet.Numerics.LinearAlgebra;

namespace LiveSmlm.Localization.Tests;

/// <summary>
/// The tests' own Cramér–Rao bound: Fisher information I_ab = Σ ∂ₐμ ∂ᵦμ / (μ + v) in double precision
/// with derivatives by central differences of the double-precision model (independent of the
/// engine's closed forms), inverted with MathNet; and Mortensen et al. (2010)'s closed form as a check.
/// </summary>
internal static class TestCrlb
{
    /// <summary>
    /// CRLB variances (x, y, N, b[, σ]) in px² / e⁻² for one emitter in a roiSize² ROI, σ free or fixed;
    /// read variance per pixel optional (e⁻²).
    /// </summary>
    public static double[] Variances(int roiSize, double x, double y, double sigma, double photons, double background, double[]? readVariance = null, bool fitSigma = true)
    {
        int free = fitSigma ? 5 : 4;
        double[] theta = [x, y, photons, background, sigma];
        double[] steps = [1e-5, 1e-5, 1e-5 * photons, 1e-5 * Math.Max(background, 1), 1e-5];
        int pixels = roiSize * roiSize;
        var derivatives = new double[5][];
        for (int a = 0; a < 5; a++)
        {
            double[] up = (double[])theta.Clone(), down = (double[])theta.Clone();
            up[a] += steps[a];
            down[a] -= steps[a];
            double[] muUp = Model(roiSize, up), muDown = Model(roiSize, down);
            derivatives[a] = new double[pixels];
            for (int k = 0; k < pixels; k++)
            {
                derivatives[a][k] = (muUp[k] - muDown[k]) / (2 * steps[a]);
            }
        }

        double[] mu = Model(roiSize, theta);
        var fisher = Matrix<double>.Build.Dense(free, free);
        for (int a = 0; a < free; a++)
        {
            for (int b = 0; b < free; b++)
            {
                double sum = 0;
                for (int k = 0; k < pixels; k++)
                {
                    sum += derivatives[a][k] * derivatives[b][k] / (mu[k] + (readVariance?[k] ?? 0));
                }

                fisher[a, b] = sum;
            }
        }

        Matrix<double> inverse = fisher.Inverse();
        return Enumerable.Range(0, free).Select(k => inverse[k, k]).ToArray();
    }

    /// <summary>Mortensen et al. 2010, MLE: Var_x ≈ s_a²/N · (1 + 4τ + √(2τ/(1 + 4τ))), in nm².</summary>
    public static double MortensenVarianceNm2(double photons, double backgroundPerPixel, double sigmaNm, double pixelNm)
    {
        double sa2 = (sigmaNm * sigmaNm) + (pixelNm * pixelNm / 12);
        double tau = 2 * Math.PI * sa2 * backgroundPerPixel / (photons * pixelNm * pixelNm);
        return sa2 / photons * (1 + (4 * tau) + Math.Sqrt(2 * tau / (1 + (4 * tau))));
    }

    private static double[] Model(int roiSize, double[] t) => SpotImages.Roi(roiSize, t[0], t[1], t[4], t[2], t[3]);
}
