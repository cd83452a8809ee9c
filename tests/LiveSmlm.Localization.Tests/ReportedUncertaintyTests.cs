using LiveSmlm.Core;
using MathNet.Numerics.Distributions;
using Xunit.Abstractions;

namespace LiveSmlm.Localization.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The uncertainty the engine reports with each localization (CpuLocalizer on whole frames, so through
/// detection, ROI placement and the conversion to nm) against the tests' own Cramér–Rao bound
/// (<see cref="TestCrlb"/>) at the true parameters: within 10 % on average, and the measured scatter
/// of the positions agrees with it. sCMOS uniform and with per-pixel maps, EMCCD (× F² = 2), σ fixed.
/// </summary>
public class ReportedUncertaintyTests(ITestOutputHelper log)
{
    private const double PixelNm = 100;
    private const double SigmaPx = 1.3;
    private const int Roi = 9; // the engine's automatic ROI for σ = 1.3 px
    private const int Grid = 12;
    private const int Size = 72;
    private const int Frames = 20;

    public enum Case
    {
        Scmos,
        ScmosMaps,
        Emccd,
        FixedSigma,
    }

    [Theory]
    [InlineData(Case.Scmos)]
    [InlineData(Case.ScmosMaps)]
    [InlineData(Case.Emccd)]
    [InlineData(Case.FixedSigma)]
    public void Localize_ReportedUncertainty_IsTheCrlbOfTheTrueParameters(Case kind)
    {
        var rng = new Random(700 + (int)kind);
        (double photons, double background) = kind switch
        {
            Case.Emccd => (2000.0, 20.0),
            Case.FixedSigma => (1000.0, 10.0),
            _ => (1500.0, 15.0),
        };

        // Emitters on a grid, each within ±0.25 px of a pixel centre, so the detector's peak (and so
        // the 9 × 9 ROI) is the emitter's own pixel; the test places the ROI there itself.
        var truth = new List<TrueEmitter>();
        for (int f = 0; f < Frames; f++)
        {
            for (int gy = 1; gy < Size / Grid; gy++)
            {
                for (int gx = 1; gx < Size / Grid; gx++)
                {
                    truth.Add(new TrueEmitter(f, (gx * Grid) + 0.25 + (0.5 * rng.NextDouble()), (gy * Grid) + 0.25 + (0.5 * rng.NextDouble()), photons));
                }
            }
        }

        (CameraModel camera, List<Frame> frames, double[] readVariance) = kind switch
        {
            Case.ScmosMaps => RenderWithMaps(rng, truth, background),
            Case.Emccd => Uniform(rng, FrameImages.Emccd, truth, background),
            _ => Uniform(rng, FrameImages.Scmos with { QuantumEfficiency = 0.9 }, truth, background),
        };
        var localizer = new CpuLocalizer(new LocalizerSettings { Camera = camera, PsfSigmaNm = SigmaPx * PixelNm, FitSigma = kind != Case.FixedSigma });
        var found = new List<Localization>();
        localizer.Localize(frames, found);
        var matches = FrameImages.Match(truth, found, PixelNm, radiusPx: 1);
        Assert.True(matches.Count >= 0.98 * truth.Count, $"{matches.Count} of {truth.Count} found");

        double qe = camera.QuantumEfficiency, excess = camera.IsEmccd ? 2 : 1;
        var ratioX = new List<double>();
        var ratioY = new List<double>();
        double errorX2 = 0, errorY2 = 0, boundX2 = 0, boundY2 = 0;
        foreach ((TrueEmitter t, Localization l) in matches)
        {
            int x0 = (int)t.XPx - (Roi / 2), y0 = (int)t.YPx - (Roi / 2);
            var variance = new double[Roi * Roi];
            for (int j = 0; j < Roi; j++)
            {
                for (int i = 0; i < Roi; i++)
                {
                    variance[(j * Roi) + i] = readVariance[((y0 + j) * Size) + x0 + i];
                }
            }

            double[] crlb = TestCrlb.Variances(Roi, t.XPx - x0, t.YPx - y0, SigmaPx, t.Photons * qe, background * qe, variance, fitSigma: kind != Case.FixedSigma);
            double sx = Math.Sqrt(excess * crlb[0]) * PixelNm, sy = Math.Sqrt(excess * crlb[1]) * PixelNm;
            ratioX.Add(l.UncertaintyXNm / sx);
            ratioY.Add(l.UncertaintyYNm / sy);
            errorX2 += Math.Pow(l.XNm - (t.XPx * PixelNm), 2);
            errorY2 += Math.Pow(l.YNm - (t.YPx * PixelNm), 2);
            boundX2 += sx * sx;
            boundY2 += sy * sy;
        }

        double meanX = ratioX.Average(), meanY = ratioY.Average();
        double scatterX = Math.Sqrt(errorX2 / boundX2), scatterY = Math.Sqrt(errorY2 / boundY2);
        ratioX.Sort();
        log.WriteLine($"{kind}: {matches.Count} matched; reported / CRLB mean x {meanX:F3}, y {meanY:F3} (x 5–95 %: {ratioX[ratioX.Count / 20]:F3}–{ratioX[ratioX.Count * 19 / 20]:F3}); RMSE / CRLB x {scatterX:F3}, y {scatterY:F3}; CRLB x ≈ {Math.Sqrt(boundX2 / matches.Count):F2} nm");
        Assert.InRange(meanX, 0.9, 1.1);
        Assert.InRange(meanY, 0.9, 1.1);

        // Each one is the bound at its own fitted N, b, σ: ±3–6 % (5–95 %) around the true bound.
        double within = ratioX.Concat(ratioY).Count(r => r is >= 0.9 and <= 1.1) / (2.0 * matches.Count);
        Assert.True(within >= 0.9, $"only {within:P1} of the reported uncertainties are within 10 % of the CRLB");

        // The scatter of ~500 positions estimates the bound to ±3 % (1 std): the bound is what is reached.
        Assert.InRange(scatterX, 0.88, 1.12);
        Assert.InRange(scatterY, 0.88, 1.12);
    }

    private static (CameraModel, List<Frame>, double[]) Uniform(Random rng, CameraModel camera, List<TrueEmitter> truth, double background)
    {
        // Input-referred read variance, e⁻²: an EMCCD's read noise is divided by its gain.
        double readNoise = camera.ReadNoiseElectrons / camera.EmGain;
        double[] variance = Enumerable.Repeat(readNoise * readNoise, Size * Size).ToArray();
        return (camera, FrameImages.Render(rng, camera, Frames, Size, Size, truth, SigmaPx, background), variance);
    }

    // sCMOS with per-pixel offset (95–105 ADU), gain (0.4–0.6 e⁻/ADU) and read noise (1–4 e⁻, 2 % at 15 e⁻).
    private static (CameraModel, List<Frame>, double[]) RenderWithMaps(Random rng, List<TrueEmitter> truth, double background)
    {
        int n = Size * Size;
        var offset = new float[n];
        var gain = new float[n];
        var varianceAdu = new float[n];
        var readNoise = new double[n];
        for (int i = 0; i < n; i++)
        {
            offset[i] = (float)(95 + (10 * rng.NextDouble()));
            gain[i] = (float)(0.4 + (0.2 * rng.NextDouble()));
            readNoise[i] = rng.NextDouble() < 0.02 ? 15 : 1 + (3 * rng.NextDouble());
            varianceAdu[i] = (float)(readNoise[i] * readNoise[i] / (gain[i] * gain[i]));
        }

        var frames = new List<Frame>();
        for (int f = 0; f < Frames; f++)
        {
            var expected = new double[n];
            Array.Fill(expected, background);
            foreach (TrueEmitter e in truth.Where(t => t.Frame == f))
            {
                SpotImages.AddSpot(expected, Size, Size, e.XPx, e.YPx, SigmaPx, e.Photons);
            }

            var frame = new Frame(Size, Size) { Index = f };
            for (int i = 0; i < n; i++)
            {
                double electrons = Poisson.Sample(rng, expected[i]) + Normal.Sample(rng, 0, readNoise[i]);
                frame.Pixels[i] = (ushort)Math.Clamp(Math.Round(offset[i] + (electrons / gain[i])), 0, ushort.MaxValue);
            }

            frames.Add(frame);
        }

        var camera = new CameraModel { PixelSizeNm = PixelNm, PixelMaps = new PixelCalibrationMaps(offset, varianceAdu, gain) };
        return (camera, frames, readNoise.Select(r => r * r).ToArray());
    }
}
