using LiveSmlm.Core;
using MathNet.Numerics.Distributions;
using Xunit.Abstractions;

namespace LiveSmlm.Localization.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// What the detection threshold means, checked through the engine (<see cref="CpuLocalizer.Detections"/>)
/// against the tests' own statistics of the filter (<see cref="WaveletTheory"/>): the rate of
/// candidates on pure-noise frames, and the fraction of faint emitters detected at a stated SNR.
/// Both move steeply with the threshold factor (the default F = 1 sits 4.44 std of W2 above zero on
/// white noise), so a default or an application that is off by 15 % fails.
/// </summary>
public class DetectionThresholdTests(ITestOutputHelper log)
{
    private const int Size = 256;
    private const double ReadNoiseElectrons = 8;

    // Pure read noise: ADU = baseline + n/g with n ~ N(0, 8²) e⁻; 0.25 e⁻/ADU keeps quantization (0.07 e⁻ rms) negligible.
    private static readonly CameraModel NoiseCamera = new()
    {
        PixelSizeNm = 100, BaselineAdu = 1000, ElectronsPerAdu = 0.25, QuantumEfficiency = 1, ReadNoiseElectrons = ReadNoiseElectrons,
    };

    [Fact]
    public void Detect_PureGaussianNoise_GivesCandidatesAtTheRateTheThresholdImplies()
    {
        var theory = new WaveletTheory(Size, Size);
        var rng = new Random(2027);
        double expectedDefault = theory.ExpectedNoiseMaximaPerFrame(1.0, rng);
        double expectedLow = theory.ExpectedNoiseMaximaPerFrame(0.75, rng);
        double expectedAt115 = theory.ExpectedNoiseMaximaPerFrame(1.15, rng);
        log.WriteLine($"std(W1) = {theory.NoiseLevelPerUnitNoise:F4} per unit noise; expected candidates per {Size}² frame: F 0.75 → {expectedLow:F3}, F 1 → {expectedDefault:F4}, F 1.15 → {expectedAt115:F5}");
        Assert.True(expectedAt115 < 0.2 * expectedDefault, "the test must separate F = 1 from F = 1.15");

        const int Frames = 400, LowFrames = 60, Batch = 20;
        var defaults = new CpuLocalizer(new LocalizerSettings { Camera = NoiseCamera });
        var low = new CpuLocalizer(new LocalizerSettings { Camera = NoiseCamera, DetectionThresholdFactor = 0.75 });
        var batch = Enumerable.Range(0, Batch).Select(_ => new Frame(Size, Size)).ToList();
        var noise = new double[Size * Size];
        var found = new List<Localization>();
        for (int done = 0; done < Frames; done += Batch)
        {
            foreach (Frame frame in batch)
            {
                Normal.Samples(rng, noise, 0, ReadNoiseElectrons);
                for (int i = 0; i < noise.Length; i++)
                {
                    frame.Pixels[i] = (ushort)Math.Round(NoiseCamera.BaselineAdu + (noise[i] / NoiseCamera.ElectronsPerAdu));
                }
            }

            defaults.Localize(batch, found);
            if (done < LowFrames)
            {
                low.Localize(batch, found);
            }
        }

        double perFrameDefault = (double)defaults.Detections / Frames, perFrameLow = (double)low.Detections / LowFrames;
        log.WriteLine($"measured: F 1 → {defaults.Detections} candidates in {Frames} frames ({perFrameDefault:F4}/frame); F 0.75 → {low.Detections} in {LowFrames} ({perFrameLow:F3}/frame); {found.Count} localizations accepted");

        // Counts are Poisson: ±3.5 std of the expected count, less 10 % for what the bound ignores
        // (suppression, the per-frame scatter of std(W1)); over three seeds the counts fell within 2 std.
        AssertCount(low.Detections, expectedLow * LowFrames, "F = 0.75");
        AssertCount(defaults.Detections, expectedDefault * Frames, "F = 1 (default)");
    }

    [Fact]
    public void Detect_FaintEmittersAtAStatedSnr_AreFoundAtThePredictedRate()
    {
        // 100 photons on 10 photons/px (σ 1.3 px, sCMOS 1 e⁻ read noise), spots at pixel centres: W2
        // at the spot's pixel has mean 3.40 e⁻ and std 0.84 e⁻ (detection SNR 4.05); the F = 1
        // threshold there, from the local mean V2 (background and the spot's own light), is ≈ 3.1 e⁻.
        const double Photons = 100, Background = 10, SigmaPx = 1.3;
        const int Width = 128, Frames = 60, Grid = 16;
        CameraModel camera = FrameImages.Scmos;
        double readVariance = camera.ReadNoiseElectrons * camera.ReadNoiseElectrons;
        var rng = new Random(2028);
        (double expected, double peakMean, double peakStd, double threshold) = WaveletTheory.SpotDetectionProbability(Photons, SigmaPx, Background, readVariance, 1.0, rng);
        double expectedAt115 = WaveletTheory.SpotDetectionProbability(Photons, SigmaPx, Background, readVariance, 1.15, rng).Probability;
        log.WriteLine($"W2 at the spot: mean {peakMean:F2} e⁻, std {peakStd:F2} e⁻ (SNR {peakMean / peakStd:F2}); threshold at F 1: {threshold:F2} e⁻ ({threshold / peakStd:F2} std)");

        var truth = new List<TrueEmitter>();
        for (int f = 0; f < Frames; f++)
        {
            for (int gy = 1; gy < Width / Grid; gy++)
            {
                for (int gx = 1; gx < Width / Grid; gx++)
                {
                    truth.Add(new TrueEmitter(f, (gx * Grid) + 0.5, (gy * Grid) + 0.5, Photons));
                }
            }
        }

        List<Frame> frames = FrameImages.Render(rng, camera, Frames, Width, Width, truth, SigmaPx, Background);
        var localizer = new CpuLocalizer(new LocalizerSettings { Camera = camera, PsfSigmaNm = SigmaPx * 100 });
        var found = new List<Localization>();
        localizer.Localize(frames, found);
        double detected = (double)localizer.Detections / truth.Count;
        double recall = (double)FrameImages.Match(truth, found, 100, 1.5).Count / truth.Count;
        log.WriteLine($"predicted detection {expected:F3} at F 1 ({expectedAt115:F3} at F 1.15); measured candidates per emitter {detected:F3}, localization recall {recall:F3} of {truth.Count}");

        // Binomial std of the measured fraction is ≈ 0.008 (n = 2940); 0.04 also covers the Gaussian
        // approximation of Poisson pixels and the noise candidates (≈ 0.1 per 128² frame: 0.002 per emitter).
        Assert.True(Math.Abs(detected - expected) <= 0.04, $"{detected:F3} of the emitters were detected; the threshold F·std(W1 | local mean) = {threshold:F2} e⁻ predicts {expected:F3}");
        Assert.True(expected - expectedAt115 > 0.1, "the stated SNR must separate F = 1 from F = 1.15");
        Assert.True(recall >= 0.85 * detected, $"localization recall {recall:F3} vs detection {detected:F3}: fits of detected faint spots should mostly be accepted");
    }

    private static void AssertCount(long measured, double expected, string what)
    {
        double low = (0.9 * expected) - (3.5 * Math.Sqrt(expected)), high = expected + (3.5 * Math.Sqrt(expected));
        Assert.True(measured >= low && measured <= high, $"{what}: {measured} candidates on pure noise, expected {expected:F1} (allowed [{low:F1}, {high:F1}])");
    }
}
