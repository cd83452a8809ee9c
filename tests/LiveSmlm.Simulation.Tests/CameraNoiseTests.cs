using LiveSmlm.Core;

namespace LiveSmlm.Simulation.Tests;

public class CameraNoiseTests
{
    /// <summary>Rounding to whole ADU adds a uniform error of variance 1/12 ADU² (Sheppard).</summary>
    private const double RoundingVarianceAdu2 = 1.0 / 12;

    [Fact]
    public void Pixels_Scmos_MeanAndVarianceMatchPoissonPlusReadNoise()
    {
        CameraModel model = TestRigs.Scmos;
        const double background = 20;
        var (mean, variance, n, m4) = PixelMoments(model, background, seed: 11);

        // mean = baseline + QE·b/g; var = QE·b/g² + (σread/g)² + 1/12 (all in ADU).
        double g = model.ElectronsPerAdu;
        double expectedMean = model.BaselineAdu + (model.QuantumEfficiency * background / g);
        double expectedVariance = (model.QuantumEfficiency * background / (g * g)) + Math.Pow(model.ReadNoiseElectrons / g, 2) + RoundingVarianceAdu2;

        AssertMoments(expectedMean, expectedVariance, mean, variance, n, m4);
    }

    [Fact]
    public void Pixels_Emccd_SignalVarianceIsDoubledByExcessNoise()
    {
        var model = new CameraModel
        {
            PixelSizeNm = 100,
            BaselineAdu = 100,
            ElectronsPerAdu = 10,
            EmGain = 100,
            QuantumEfficiency = 0.9,
            ReadNoiseElectrons = 30,
        };
        const double background = 5;
        var (mean, variance, n, m4) = PixelMoments(model, background, seed: 12);

        // Compound Poisson–Gamma: mean = QE·b·M/g; var = 2·QE·b·M²/g² (F² = 2, Mortensen 2010) + (σread/g)² + 1/12.
        double gainAdu = model.EmGain / model.ElectronsPerAdu;
        double lambda = model.QuantumEfficiency * background;
        double expectedMean = model.BaselineAdu + (lambda * gainAdu);
        double readVariance = Math.Pow(model.ReadNoiseElectrons / model.ElectronsPerAdu, 2) + RoundingVarianceAdu2;
        double expectedVariance = (2 * lambda * gainAdu * gainAdu) + readVariance;

        AssertMoments(expectedMean, expectedVariance, mean, variance, n, m4);

        // The excess noise factor measured the way a camera is characterised: signal variance / (mean signal · gain).
        double excess = (variance - readVariance) / ((mean - model.BaselineAdu) * gainAdu);
        Assert.Equal(2.0, excess, 0.06);
    }

    [Fact]
    public void Pixels_ScmosWithPixelMaps_UseEachPixelsOffsetGainAndVariance()
    {
        const int size = 16;
        var baseline = new float[size * size];
        var variance = new float[size * size];
        var gain = new float[size * size];
        for (int i = 0; i < baseline.Length; i++)
        {
            baseline[i] = i < 128 ? 100 : 300;
            variance[i] = i < 128 ? 4 : 25;
            gain[i] = i < 128 ? 0.5f : 2f;
        }

        CameraModel model = TestRigs.Scmos with { PixelMaps = new PixelCalibrationMaps(baseline, variance, gain) };
        const double background = 20;
        using var camera = new SimulatedCamera(TestRigs.Rig(model, size, TestRigs.EmptySample(), background), 13);
        var top = new List<double>();
        var bottom = new List<double>();
        TestRigs.Run(camera, 400, frame =>
        {
            for (int i = 0; i < size * size; i++)
            {
                (i < 128 ? top : bottom).Add(frame.Pixels[i]);
            }
        });

        // Top half: 100 + 16/0.5 = 132 ADU, var 16/0.25 + 4 + 1/12; bottom: 300 + 16/2 = 308, var 16/4 + 25 + 1/12.
        double lambda = 0.8 * background;
        AssertMoments(100 + (lambda / 0.5), (lambda / 0.25) + 4 + RoundingVarianceAdu2, top);
        AssertMoments(300 + (lambda / 2), (lambda / 4) + 25 + RoundingVarianceAdu2, bottom);
    }

    [Fact]
    public void Pixels_BrightSignal_ClipAt65535AndDarkAtZero()
    {
        CameraModel bright = TestRigs.Scmos with { ElectronsPerAdu = 0.01 };
        using var camera = new SimulatedCamera(TestRigs.Rig(bright, 8, TestRigs.EmptySample(), 10_000), 3);
        TestRigs.Run(camera, 2, frame => Assert.All(frame.Pixels, p => Assert.Equal(ushort.MaxValue, p)));

        CameraModel dark = TestRigs.Scmos with { BaselineAdu = 0, ReadNoiseElectrons = 0 };
        using var darkCamera = new SimulatedCamera(TestRigs.Rig(dark, 8, TestRigs.EmptySample(), 0), 3);
        TestRigs.Run(darkCamera, 2, frame => Assert.All(frame.Pixels, p => Assert.Equal(0, p)));
    }

    private static (double Mean, double Variance, int N, double M4) PixelMoments(CameraModel model, double background, ulong seed)
    {
        using var camera = new SimulatedCamera(TestRigs.Rig(model, 64, TestRigs.EmptySample(), background), seed);
        var values = new List<double>();
        TestRigs.Run(camera, 30, frame => values.AddRange(frame.Pixels.Select(p => (double)p)));
        return Moments(values);
    }

    private static (double Mean, double Variance, int N, double M4) Moments(List<double> values)
    {
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        double m4 = values.Sum(v => Math.Pow(v - mean, 4)) / values.Count;
        return (mean, variance, values.Count, m4);
    }

    private static void AssertMoments(double expectedMean, double expectedVariance, List<double> values)
    {
        var (mean, variance, n, m4) = Moments(values);
        AssertMoments(expectedMean, expectedVariance, mean, variance, n, m4);
    }

    // Within 5 standard errors: SE(mean) = √(var/n), SE(var) = √((m4 − var²)/n).
    private static void AssertMoments(double expectedMean, double expectedVariance, double mean, double variance, int n, double m4)
    {
        double meanSe = Math.Sqrt(expectedVariance / n);
        double varianceSe = Math.Sqrt((m4 - (variance * variance)) / n);
        Assert.True(varianceSe < 0.03 * expectedVariance, $"too few samples: SE(var) = {varianceSe}");
        Assert.True(Math.Abs(mean - expectedMean) < 5 * meanSe, $"mean {mean} vs theory {expectedMean} (SE {meanSe})");
        Assert.True(Math.Abs(variance - expectedVariance) < 5 * varianceSe, $"variance {variance} vs theory {expectedVariance} (SE {varianceSe})");
    }
}
