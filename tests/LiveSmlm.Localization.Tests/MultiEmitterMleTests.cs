using MathNet.Numerics.LinearAlgebra;
using Xunit.Abstractions;

namespace LiveSmlm.Localization.Tests;

/// <summary>
/// <see cref="MultiEmitterMle"/> (n = 2, started from <see cref="MultiEmitterSearch.Split"/>) on simulated pairs 2σ apart in one ROI: positions and photons are
/// unbiased, the measured scatter of many seeded pairs reaches the joint Cramér–Rao bound, and the
/// reported CRLB is that bound. The bound is the tests' own: the 7 × 7 Fisher information of the
/// two-emitter model (x1, y1, N1, x2, y2, N2, b) from central differences of the double-precision
/// model, inverted with MathNet, times F² = 2 for an EMCCD.
/// </summary>
public class MultiEmitterMleTests(ITestOutputHelper log)
{
    private const int Roi = 9;
    private const double SigmaPx = 1.3;
    private const double PhotonsA = 2000;
    private const double PhotonsB = 1200;
    private const double Background = 10;
    private const int Pairs = 600;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fit_PairsTwoSigmaApart_AreUnbiasedAndReachTheJointCrlb(bool emccd)
    {
        var rng = new Random(emccd ? 802 : 801);
        double excess = emccd ? 2 : 1;
        var roi = new float[Roi * Roi];
        var a = new Stats();
        var b = new Stats();
        int converged = 0;
        for (int k = 0; k < Pairs; k++)
        {
            double angle = rng.NextDouble() * Math.PI, half = SigmaPx; // separation 2σ
            double cx = (Roi / 2.0) + (rng.NextDouble() - 0.5), cy = (Roi / 2.0) + (rng.NextDouble() - 0.5);
            double xa = cx + (half * Math.Cos(angle)), ya = cy + (half * Math.Sin(angle));
            double xb = cx - (half * Math.Cos(angle)), yb = cy - (half * Math.Sin(angle));
            double[] truth = [xa, ya, PhotonsA, xb, yb, PhotonsB, Background];
            double[] expected = Model(truth);
            if (emccd)
            {
                SpotImages.SampleEmccd(rng, expected, roi, 0, 100);
            }
            else
            {
                SpotImages.SamplePoisson(rng, expected, roi, 0);
            }

            var pixels = new ArrayPixels(roi, 0);
            FitResult single = GaussianMle.Fit(pixels, default(ZeroPixels), Roi, FitOptions.Create((float)SigmaPx));
            FitOptions options = FitOptions.Create((float)SigmaPx, fitSigma: false);
            options.ExcessNoiseFactor = (float)excess;
            ParameterVector start = default;
            MultiEmitterSearch.Split(pixels, Roi, (float)SigmaPx, single, ref start);
            MultiEmitterResult fit = MultiEmitterMle.Fit(pixels, default(ZeroPixels), Roi, options, ref start, 2);
            if (fit.Status != FitStatus.Ok)
            {
                continue;
            }

            var pair = new Pair(fit.X(0), fit.Y(0), fit.Photons(0), fit.CrlbX(0), fit.CrlbY(0), fit.X(1), fit.Y(1), fit.Photons(1), fit.CrlbX(1), fit.CrlbY(1));

            converged++;
            double[] crlb = JointCrlb(truth, Roi, SigmaPx).Select(v => excess * v).ToArray();

            // Which fitted emitter is which: the labelling with the smaller total distance.
            double direct = Sq(pair.X1 - xa) + Sq(pair.Y1 - ya) + Sq(pair.X2 - xb) + Sq(pair.Y2 - yb);
            double swapped = Sq(pair.X2 - xa) + Sq(pair.Y2 - ya) + Sq(pair.X1 - xb) + Sq(pair.Y1 - yb);
            bool swap = swapped < direct;
            a.Add(swap ? pair.X2 : pair.X1, swap ? pair.Y2 : pair.Y1, swap ? pair.Photons2 : pair.Photons1, xa, ya, crlb[0], crlb[1],
                swap ? pair.CrlbX2 : pair.CrlbX1, swap ? pair.CrlbY2 : pair.CrlbY1);
            b.Add(swap ? pair.X1 : pair.X2, swap ? pair.Y1 : pair.Y2, swap ? pair.Photons1 : pair.Photons2, xb, yb, crlb[3], crlb[4],
                swap ? pair.CrlbX1 : pair.CrlbX2, swap ? pair.CrlbY1 : pair.CrlbY2);
        }

        log.WriteLine($"{(emccd ? "EMCCD" : "Poisson")}: converged {converged}/{Pairs}");
        log.WriteLine($"A ({PhotonsA} photons): {a}");
        log.WriteLine($"B ({PhotonsB} photons): {b}");
        Assert.True(converged >= 0.98 * Pairs, $"{converged} of {Pairs} pair fits converged");
        a.AssertMatches(PhotonsA, "A");
        b.AssertMatches(PhotonsB, "B");
    }

    [Fact]
    public void JointCrlb_FarApartPair_IsTheTwoSingleEmitterBounds()
    {
        // Check of the test's own bound: two emitters that do not overlap are two single emitters.
        const int Wide = 25;
        double[] pair = JointCrlb([6.5, 12.5, PhotonsA, 18.5, 12.5, PhotonsB, Background], Wide, SigmaPx);
        double[] singleA = TestCrlb.Variances(13, 6.5, 6.5, SigmaPx, PhotonsA, Background, fitSigma: false);
        double[] singleB = TestCrlb.Variances(13, 6.5, 6.5, SigmaPx, PhotonsB, Background, fitSigma: false);
        // The single fits' own 13 × 13 ROIs hold 169 px of background each; the pair's 625 px pin b
        // better, which the positions barely notice.
        Assert.InRange(pair[0] / singleA[0], 0.97, 1.01);
        Assert.InRange(pair[4] / singleB[1], 0.97, 1.01);
        Assert.InRange(pair[2] / singleA[2], 0.8, 1.01);
    }

    [Fact]
    public void AccumulateTwo_IsTheFisherInformationAndScoreOfTheDoublePrecisionModel()
    {
        // The unrolled two-emitter sums against the test's own double-precision Fisher information
        // Σ ∂ᵢμ ∂ⱼμ / (μ + v) and score Σ ∂ₐμ ((d + v)/(μ + v) − 1), ∂μ by central differences.
        const double ReadVariance = 3;
        double[] truth = [3.6, 4.1, PhotonsA, 5.2, 4.7, PhotonsB, Background];
        double[] at = [3.7, 4.0, 1800, 5.0, 4.9, 1300, 12];
        var rng = new Random(805);
        var roi = new float[Roi * Roi];
        SpotImages.SamplePoisson(rng, Model(truth), roi, 0);
        double[] mu = Model(at);
        double[][] derivatives = Derivatives(at, Roi, SigmaPx);
        ParameterVector p = default;
        for (int k = 0; k < 7; k++)
        {
            p[k] = (float)at[k];
        }

        MultiGaussianModel model = default;
        model.Set(Roi, ref p, 2, (float)SigmaPx);
        model.AccumulateTwo(new ArrayPixels(roi, 0), new UniformPixels((float)ReadVariance), Roi, out FisherMatrix fisher, out ParameterVector score);
        for (int i = 0; i < 7; i++)
        {
            double g = 0;
            for (int q = 0; q < mu.Length; q++)
            {
                g += derivatives[i][q] * (((roi[q] + ReadVariance) / (mu[q] + ReadVariance)) - 1);
            }

            double gScale = Math.Sqrt(Enumerable.Range(0, mu.Length).Sum(q => Sq(derivatives[i][q]) * roi[q] / Sq(mu[q] + ReadVariance)));
            Assert.True(Math.Abs(score[i] - g) < 1e-3 * gScale, $"score {i}: {score[i]}, expected {g}");
            for (int j = 0; j <= i; j++)
            {
                double f = 0;
                for (int q = 0; q < mu.Length; q++)
                {
                    f += derivatives[i][q] * derivatives[j][q] / (mu[q] + ReadVariance);
                }

                double fScale = Math.Sqrt(fisher[i, i] * fisher[j, j]);
                Assert.True(Math.Abs(fisher[i, j] - f) < 1e-4 * fScale, $"Fisher ({i}, {j}): {fisher[i, j]}, expected {f}");
            }
        }
    }

    private readonly record struct Pair(float X1, float Y1, float Photons1, float CrlbX1, float CrlbY1, float X2, float Y2, float Photons2, float CrlbX2, float CrlbY2);

    /// <summary>CRLB variances of (x1, y1, N1, x2, y2, N2, b) of two fixed-σ spots in a size² ROI, Poisson.</summary>
    internal static double[] JointCrlb(double[] theta, int size, double sigmaPx)
    {
        const int P = 7;
        double[] mu = Model(theta, size, sigmaPx);
        double[][] derivatives = Derivatives(theta, size, sigmaPx);
        Matrix<double> fisher = Matrix<double>.Build.Dense(P, P, (i, j) =>
        {
            double s = 0;
            for (int q = 0; q < mu.Length; q++)
            {
                s += derivatives[i][q] * derivatives[j][q] / mu[q];
            }

            return s;
        });
        Matrix<double> inverse = fisher.Inverse();
        return Enumerable.Range(0, P).Select(k => inverse[k, k]).ToArray();
    }

    /// <summary>∂μ/∂θₖ of the two-spot model by central differences, one array of pixels per parameter.</summary>
    private static double[][] Derivatives(double[] theta, int size, double sigmaPx)
    {
        var derivatives = new double[theta.Length][];
        for (int k = 0; k < theta.Length; k++)
        {
            double step = k is 2 or 5 or 6 ? 1e-5 * Math.Max(theta[k], 1) : 1e-5;
            double[] up = (double[])theta.Clone(), down = (double[])theta.Clone();
            up[k] += step;
            down[k] -= step;
            double[] muUp = Model(up, size, sigmaPx), muDown = Model(down, size, sigmaPx);
            derivatives[k] = muUp.Select((v, i) => (v - muDown[i]) / (2 * step)).ToArray();
        }

        return derivatives;
    }

    private static double[] Model(double[] t, int size = Roi, double sigmaPx = SigmaPx)
    {
        double[] mu = SpotImages.Roi(size, t[0], t[1], sigmaPx, t[2], t[6]);
        SpotImages.AddSpot(mu, size, size, t[3], t[4], sigmaPx, t[5]);
        return mu;
    }

    private static double Sq(double v) => v * v;

    private sealed class Stats
    {
        private readonly List<double> _dx = [];
        private readonly List<double> _dy = [];
        private double _photons;
        private double _boundX;
        private double _boundY;
        private double _reportedX;
        private double _reportedY;

        public void Add(double x, double y, double photons, double tx, double ty, double crlbX, double crlbY, double reportedX, double reportedY)
        {
            _dx.Add(x - tx);
            _dy.Add(y - ty);
            _photons += photons;
            _boundX += crlbX;
            _boundY += crlbY;
            _reportedX += Math.Sqrt(reportedX) / Math.Sqrt(crlbX);
            _reportedY += Math.Sqrt(reportedY) / Math.Sqrt(crlbY);
        }

        private int N => _dx.Count;

        private double BoundX => Math.Sqrt(_boundX / N);

        private double BoundY => Math.Sqrt(_boundY / N);

        private double RmseX => Math.Sqrt(_dx.Average(d => d * d));

        private double RmseY => Math.Sqrt(_dy.Average(d => d * d));

        public void AssertMatches(double truePhotons, string which)
        {
            // Bias within 4 standard errors of the mean; RMSE within ±12 % of the bound (its estimate
            // from ~600 pairs has ±3 % std); photons within 2 %; the reported bound within 10 %.
            Assert.True(Math.Abs(_dx.Average()) < 4 * BoundX / Math.Sqrt(N), $"{which}: bias x {_dx.Average():F4} px");
            Assert.True(Math.Abs(_dy.Average()) < 4 * BoundY / Math.Sqrt(N), $"{which}: bias y {_dy.Average():F4} px");
            Assert.InRange(RmseX / BoundX, 0.88, 1.12);
            Assert.InRange(RmseY / BoundY, 0.88, 1.12);
            Assert.InRange(_photons / N / truePhotons, 0.98, 1.02);
            Assert.InRange(_reportedX / N, 0.9, 1.1);
            Assert.InRange(_reportedY / N, 0.9, 1.1);
        }

        public override string ToString() =>
            $"n {N}, bias {_dx.Average() * 100:F2}, {_dy.Average() * 100:F2} nm, RMSE/CRLB {RmseX / BoundX:F3}, {RmseY / BoundY:F3} (CRLB {BoundX * 100:F2} nm), photons {_photons / N:F0}, reported/CRLB {_reportedX / N:F3}, {_reportedY / N:F3}";
    }
}
