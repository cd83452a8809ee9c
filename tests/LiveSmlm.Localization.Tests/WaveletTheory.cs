using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace LiveSmlm.Localization.Tests;

/// <summary>
/// The tests' own statistics of the detector, derived from its definition (ThunderSTORM's à trous
/// filter: B3 taps [1, 4, 6, 4, 1]/16, level 2 with holes, mirrored at the edge pixel; threshold
/// F · std(W1) on W2 = V1 − V2) and a noise model, never from the engine's output. The filter is
/// linear, so W1 and W2 are Gaussian when the pixels are; every covariance below is exact, from the
/// 1-D filter matrices (the 2-D filter is their tensor product), including the mirrored borders.
/// </summary>
internal sealed class WaveletTheory
{
    private static readonly double[] Taps = [1 / 16.0, 4 / 16.0, 6 / 16.0, 4 / 16.0, 1 / 16.0];

    // A pixel this far from both edges (or farther) sees no mirroring within its 3 × 3 neighbourhood:
    // W2 reaches 2·1 + 2·2 = 6 px, plus 1 for the neighbour.
    private const int Interior = 7;

    private readonly Axis _x;
    private readonly Axis _y;

    public WaveletTheory(int width, int height)
    {
        Width = width;
        Height = height;
        _x = new Axis(width);
        _y = new Axis(height);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>
    /// Expected value of the engine's noise level std(W1) for white noise of unit variance: the rms
    /// over all pixels of std(W1_p) (its 3-std clip is undone by the engine for Gaussian noise).
    /// Interior pixels alone give √(1 − 2·(6/16)² + (70/256)²) = 0.8908.
    /// </summary>
    public double NoiseLevelPerUnitNoise => Math.Sqrt(1 - (2 * _y.MeanDiagA * _x.MeanDiagA) + (_y.MeanDiagAA * _x.MeanDiagAA));

    /// <summary>Covariance of W2 at pixels (x, y) and (x', y') for white noise of unit variance.</summary>
    public double CovarianceW2(int x, int y, int x2, int y2) =>
        (_y.AA[y, y2] * _x.AA[x, x2]) - (_y.AB[y, y2] * _x.AB[x, x2]) - (_y.AB[y2, y] * _x.AB[x2, x]) + (_y.BB[y, y2] * _x.BB[x, x2]);

    /// <summary>
    /// Expected number of detector candidates (8-neighbour maxima of W2 above F · std(W1)) in one
    /// frame of white Gaussian noise: Σ over pixels of P(W2_p above the threshold and above its
    /// neighbours), by pixel class (distance to each edge, interior pooled, mirror-symmetric).
    /// Non-maximum suppression (radius 2 px) is ignored: two maxima that high within 2 px are rare,
    /// so this is an upper bound that is tight to a few percent.
    /// </summary>
    public double ExpectedNoiseMaximaPerFrame(double factor, Random rng, int samplesPerClass = 10_000)
    {
        double threshold = factor * NoiseLevelPerUnitNoise;
        double total = 0;
        foreach ((int y, int my) in Classes(Height))
        {
            foreach ((int x, int mx) in Classes(Width))
            {
                total += mx * my * LocalMaximumAbove(x, y, threshold, rng, samplesPerClass);
            }
        }

        return total;
    }

    /// <summary>
    /// P(W2 at (x, y) exceeds <paramref name="threshold"/> and every in-frame 8-neighbour): the
    /// centre is drawn from its normal tail beyond the threshold (inverse CDF), the neighbours from
    /// their normal law given the centre.
    /// </summary>
    public double LocalMaximumAbove(int x, int y, double threshold, Random rng, int samples)
    {
        var neighbours = new List<(int X, int Y)>();
        for (int dy = -1; dy <= 1; dy++)
        {
            for (int dx = -1; dx <= 1; dx++)
            {
                int nx = x + dx, ny = y + dy;
                if ((dx != 0 || dy != 0) && nx >= 0 && ny >= 0 && nx < Width && ny < Height)
                {
                    neighbours.Add((nx, ny));
                }
            }
        }

        int m = neighbours.Count;
        double c00 = CovarianceW2(x, y, x, y), s0 = Math.Sqrt(c00);
        var regression = new double[m];
        Matrix<double> conditional = Matrix<double>.Build.Dense(m, m);
        for (int i = 0; i < m; i++)
        {
            double ci0 = CovarianceW2(neighbours[i].X, neighbours[i].Y, x, y);
            regression[i] = ci0 / c00;
            for (int j = 0; j < m; j++)
            {
                double cj0 = CovarianceW2(neighbours[j].X, neighbours[j].Y, x, y);
                conditional[i, j] = CovarianceW2(neighbours[i].X, neighbours[i].Y, neighbours[j].X, neighbours[j].Y) - (ci0 * cj0 / c00);
            }
        }

        Matrix<double> l = conditional.Cholesky().Factor;
        double tail = Normal.CDF(0, 1, -threshold / s0);
        var z = new double[m];
        int maxima = 0;
        for (int k = 0; k < samples; k++)
        {
            // Centre from its tail: P(X > t) · U, inverted; U in (0, 1].
            double centre = -s0 * Normal.InvCDF(0, 1, tail * (1 - rng.NextDouble()));
            Normal.Samples(rng, z, 0, 1);
            bool highest = true;
            for (int i = 0; i < m && highest; i++)
            {
                double v = regression[i] * centre;
                for (int j = 0; j <= i; j++)
                {
                    v += l[i, j] * z[j];
                }

                highest = v < centre;
            }

            maxima += highest ? 1 : 0;
        }

        return tail * maxima / samples;
    }

    /// <summary>
    /// Probability that a spot at the centre of pixel (<paramref name="px"/>, <paramref name="py"/>)
    /// (interior) gives a W2 value above its pixel's threshold anywhere within ±2 px (the suppression
    /// radius): W2 over those 25 pixels is Gaussian with mean N·(h ∗ PSF) and covariance
    /// Σ_k h_p(k) h_q(k) (μ_k + read variance), μ the pixels' expectations (Poisson ≈ normal). The
    /// threshold of pixel p is <paramref name="factor"/> · std(W1)/σ · √(E[V2_p] + read variance): the
    /// std W1 would have from the local mean (the spot's own light included) and the read noise.
    /// Also returns the mean and std of W2 at the spot's own pixel (their ratio is the detection SNR)
    /// and the threshold there.
    /// </summary>
    public static (double Probability, double PeakMean, double PeakStd, double PeakThreshold) SpotDetectionProbability(double photons, double sigmaPx, double background, double readVariance, double factor, Random rng, int samples = 40_000)
    {
        const int Reach = 2, KernelReach = 6, Size = (2 * (KernelReach + Reach)) + 1; // local frame around the spot
        int c = Size / 2;
        var mu = new double[Size * Size];
        Array.Fill(mu, background);
        SpotImages.AddSpot(mu, Size, Size, c + 0.5, c + 0.5, sigmaPx, photons);
        double[] k1 = [.. Taps];
        double[] k12 = Convolve(Taps, [Taps[0], 0, Taps[1], 0, Taps[2], 0, Taps[3], 0, Taps[4]]); // 13 taps
        int points = (2 * Reach) + 1;
        int n = points * points;
        var kernels = new double[n][];
        var mean = new double[n];
        var thresholds = new double[n];

        // std(W1) per unit white noise away from the borders: √(1 − 2·k₁(0)² + (Σ k₁²)²).
        double centreTap = Taps[Taps.Length / 2], sumSquares = Taps.Sum(t => t * t);
        double w1PerUnitNoise = Math.Sqrt(1 - (2 * centreTap * centreTap) + (sumSquares * sumSquares));
        for (int p = 0; p < n; p++)
        {
            int cx = c - Reach + (p % points), cy = c - Reach + (p / points);
            var h = new double[Size * Size];
            double v2 = 0;
            for (int j = -KernelReach; j <= KernelReach; j++)
            {
                for (int i = -KernelReach; i <= KernelReach; i++)
                {
                    double a = Tap(k1, i) * Tap(k1, j), b = Tap(k12, i) * Tap(k12, j);
                    h[((cy + j) * Size) + cx + i] = a - b;
                    v2 += b * mu[((cy + j) * Size) + cx + i];
                }
            }

            thresholds[p] = factor * w1PerUnitNoise * Math.Sqrt(v2 + readVariance);

            kernels[p] = h;
            for (int k = 0; k < h.Length; k++)
            {
                mean[p] += h[k] * (mu[k] - background); // h sums to 0: the flat background cancels
            }
        }

        Matrix<double> cov = Matrix<double>.Build.Dense(n, n, (p, q) =>
        {
            double s = 0;
            for (int k = 0; k < mu.Length; k++)
            {
                s += kernels[p][k] * kernels[q][k] * (mu[k] + readVariance);
            }

            return s;
        });
        Matrix<double> l = cov.Cholesky().Factor;
        var z = new double[n];
        int detected = 0;
        for (int s = 0; s < samples; s++)
        {
            Normal.Samples(rng, z, 0, 1);
            bool above = false;
            for (int p = 0; p < n && !above; p++)
            {
                double v = mean[p];
                for (int q = 0; q <= p; q++)
                {
                    v += l[p, q] * z[q];
                }

                above = v > thresholds[p];
            }

            detected += above ? 1 : 0;
        }

        int centre = n / 2;
        return ((double)detected / samples, mean[centre], Math.Sqrt(cov[centre, centre]), thresholds[centre]);
    }

    // Tap of a centred odd-length kernel at offset i (0 outside).
    private static double Tap(double[] kernel, int i)
    {
        int k = i + (kernel.Length / 2);
        return k >= 0 && k < kernel.Length ? kernel[k] : 0;
    }

    private static double[] Convolve(double[] a, double[] b)
    {
        var r = new double[a.Length + b.Length - 1];
        for (int i = 0; i < a.Length; i++)
        {
            for (int j = 0; j < b.Length; j++)
            {
                r[i + j] += a[i] * b[j];
            }
        }

        return r;
    }

    // (representative coordinate, number of pixels in the class) along one axis: 0..6 and their
    // mirror images share a class; the interior is one class.
    private static IEnumerable<(int Coordinate, int Count)> Classes(int n)
    {
        for (int c = 0; c < Interior; c++)
        {
            yield return (c, 2);
        }

        yield return (Interior, n - (2 * Interior));
    }

    /// <summary>One axis: the smoothing matrices A (level 1) and B = S2·A (level 2) and their Gram matrices.</summary>
    private sealed class Axis
    {
        public Axis(int n)
        {
            Matrix<double> a = Smoothing(n, 1);
            Matrix<double> b = Smoothing(n, 2) * a;
            AA = (a * a.Transpose()).ToArray();
            AB = (a * b.Transpose()).ToArray();
            BB = (b * b.Transpose()).ToArray();
            MeanDiagA = Enumerable.Range(0, n).Average(i => a[i, i]);
            MeanDiagAA = Enumerable.Range(0, n).Average(i => AA[i, i]);
        }

        public double[,] AA { get; }

        /// <summary>AB[i, j] = Σ_k A[i, k] B[j, k].</summary>
        public double[,] AB { get; }

        public double[,] BB { get; }

        public double MeanDiagA { get; }

        public double MeanDiagAA { get; }

        // Row x: Σ_t tap_t · δ(Mirror(x + t·step)), mirrored about the edge pixel (…, 2, 1, 0, 1, 2, …).
        private static Matrix<double> Smoothing(int n, int step)
        {
            Matrix<double> m = Matrix<double>.Build.Dense(n, n);
            for (int x = 0; x < n; x++)
            {
                for (int t = -2; t <= 2; t++)
                {
                    int i = x + (t * step);
                    i = i < 0 ? -i : (i > n - 1 ? (2 * (n - 1)) - i : i);
                    m[x, i] += Taps[t + 2];
                }
            }

            return m;
        }
    }
}
