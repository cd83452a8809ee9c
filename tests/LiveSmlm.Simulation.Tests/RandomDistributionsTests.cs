using MathNet.Numerics.Distributions;

namespace LiveSmlm.Simulation.Tests;

public class RandomDistributionsTests
{
    private const int Draws = 200_000;

    [Theory]
    [InlineData(0.3)]
    [InlineData(7.77)]
    [InlineData(30.2)]
    [InlineData(63.9)]
    [InlineData(250.5)]
    public void PoissonTable_Histogram_MatchesPoissonPmf(double lambda)
    {
        var rng = new Xoshiro256(99);
        var counts = new Dictionary<int, int>();
        for (int i = 0; i < Draws; i++)
        {
            int k = PoissonTable.Next(ref rng, lambda);
            counts[k] = counts.GetValueOrDefault(k) + 1;
        }

        AssertChiSquare(counts, k => Poisson.PMF(lambda, k));
    }

    [Theory]
    [InlineData(12.5)]
    [InlineData(400)]
    public void PoissonPtrs_Histogram_MatchesPoissonPmf(double lambda)
    {
        var rng = new Xoshiro256(5);
        var counts = new Dictionary<int, int>();
        for (int i = 0; i < Draws; i++)
        {
            int k = RandomDistributions.Poisson(ref rng, lambda);
            counts[k] = counts.GetValueOrDefault(k) + 1;
        }

        AssertChiSquare(counts, k => Poisson.PMF(lambda, k));
    }

    [Fact]
    public void ZigguratNormal_BinnedCounts_MatchNormalCdfIncludingTails()
    {
        var rng = new Xoshiro256(8);
        double[] edges = [-4, -3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 4];
        var counts = new Dictionary<int, int>();
        for (int i = 0; i < 1_000_000; i++)
        {
            double z = ZigguratNormal.Next(ref rng);
            int bin = 0;
            while (bin < edges.Length && z >= edges[bin])
            {
                bin++;
            }

            counts[bin] = counts.GetValueOrDefault(bin) + 1;
        }

        double Cdf(double x) => Normal.CDF(0, 1, x);
        AssertChiSquare(counts, bin =>
            bin < 0 || bin > edges.Length ? 0
            : bin == 0 ? Cdf(edges[0])
            : bin == edges.Length ? 1 - Cdf(edges[^1])
            : Cdf(edges[bin]) - Cdf(edges[bin - 1]));
    }

    [Theory]
    [InlineData(3, 100.0)]
    [InlineData(40, 100.0)]
    public void GammaInteger_MeanAndVariance_AreShapeTimesScaleAndShapeTimesScaleSquared(int shape, double scale)
    {
        var rng = new Xoshiro256(21);
        double sum = 0, sum2 = 0;
        for (int i = 0; i < Draws; i++)
        {
            double g = RandomDistributions.GammaInteger(ref rng, shape, scale);
            sum += g;
            sum2 += g * g;
        }

        double mean = sum / Draws;
        double variance = (sum2 / Draws) - (mean * mean);
        double expectedVariance = shape * scale * scale;
        Assert.Equal(shape * scale, mean, 5 * Math.Sqrt(expectedVariance / Draws));

        // SE of the variance of a Gamma: var · √((2 + 6/shape)/n).
        Assert.Equal(expectedVariance, variance, 5 * expectedVariance * Math.Sqrt((2 + (6.0 / shape)) / Draws));
    }

    // Pearson χ² over bins with expected count ≥ 20 (the rest pooled); p > 1e-4 against MathNet's χ² CDF.
    private static void AssertChiSquare(Dictionary<int, int> counts, Func<int, double> probability)
    {
        int total = counts.Values.Sum();
        int lo = counts.Keys.Min() - 5, hi = counts.Keys.Max() + 5;
        double chi2 = 0, pooledExpected = 0, pooledObserved = 0;
        int bins = 0;
        for (int k = Math.Max(0, lo); k <= hi; k++)
        {
            double expected = total * probability(k);
            int observed = counts.GetValueOrDefault(k);
            if (expected >= 20)
            {
                chi2 += (observed - expected) * (observed - expected) / expected;
                bins++;
            }
            else
            {
                pooledExpected += expected;
                pooledObserved += observed;
            }
        }

        if (pooledExpected > 0)
        {
            chi2 += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
            bins++;
        }

        double p = 1 - ChiSquared.CDF(bins - 1, chi2);
        Assert.True(p > 1e-4, $"χ² = {chi2} over {bins} bins, p = {p}");
    }
}
