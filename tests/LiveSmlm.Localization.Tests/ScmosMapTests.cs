using LiveSmlm.Core;
using MathNet.Numerics.Distributions;

namespace LiveSmlm.Localization.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// An sCMOS camera with per-pixel offset, gain and read-variance maps (1 % hot pixels) through the
/// whole engine: the maps are applied and the hot pixels neither create nor bias localizations.
/// </summary>
public class ScmosMapTests
{
    private const int Size = 80;
    private const double SigmaPx = 1.3;

    [Fact]
    public void Localize_ScmosWithPixelMapsAndHotPixels_FindsEmittersWithoutBias()
    {
        var rng = new Random(61);
        int n = Size * Size;
        var baseline = new float[n];
        var gain = new float[n];
        var varianceAdu2 = new float[n];
        var readNoiseE = new double[n];
        for (int i = 0; i < n; i++)
        {
            baseline[i] = (float)(95 + (10 * rng.NextDouble()));
            gain[i] = (float)(0.45 + (0.1 * rng.NextDouble())); // e⁻/ADU
            readNoiseE[i] = rng.NextDouble() < 0.01 ? 30 : 1.5;
            varianceAdu2[i] = (float)(readNoiseE[i] * readNoiseE[i] / (gain[i] * gain[i]));
        }

        var camera = new CameraModel { PixelSizeNm = 100, PixelMaps = new PixelCalibrationMaps(baseline, varianceAdu2, gain) };
        const int Frames = 20;
        List<TrueEmitter> truth = FrameImages.IsolatedEmitters(rng, Frames, 10, Size, Size, 1000, 10);
        var frames = new List<Frame>();
        for (int f = 0; f < Frames; f++)
        {
            var photons = new double[n];
            Array.Fill(photons, 10.0);
            foreach (TrueEmitter e in truth.Where(t => t.Frame == f))
            {
                SpotImages.AddSpot(photons, Size, Size, e.XPx, e.YPx, SigmaPx, e.Photons);
            }

            var frame = new Frame(Size, Size) { Index = f };
            for (int i = 0; i < n; i++)
            {
                double electrons = Poisson.Sample(rng, photons[i]) + Normal.Sample(rng, 0, readNoiseE[i]);
                frame.Pixels[i] = (ushort)Math.Clamp(Math.Round(baseline[i] + (electrons / gain[i])), 0, ushort.MaxValue);
            }

            frames.Add(frame);
        }

        var localizer = new CpuLocalizer(new LocalizerSettings { Camera = camera, PsfSigmaNm = SigmaPx * 100 });
        var found = new List<Localization>();
        localizer.Localize(frames, found);

        var matches = FrameImages.Match(truth, found, 100, 1.5);
        Assert.True(matches.Count >= 0.99 * truth.Count, $"recall {matches.Count}/{truth.Count}");
        Assert.True(matches.Count >= 0.99 * found.Count, $"precision {matches.Count}/{found.Count}");
        Assert.InRange(matches.Average(m => m.Found.XNm - (m.Truth.XPx * 100)), -1.5, 1.5);
        Assert.InRange(matches.Average(m => m.Found.YNm - (m.Truth.YPx * 100)), -1.5, 1.5);
        Assert.InRange(matches.Average(m => m.Found.Photons) / 1000, 0.97, 1.03);
        Assert.InRange(matches.Average(m => m.Found.BackgroundPhotons) / 10, 0.95, 1.05);
    }
}
