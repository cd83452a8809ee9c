using LiveSmlm.Core;
using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace LiveSmlm.Localization.Gpu.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>A true emitter: frame, position in px (origin at the top-left pixel corner), photons at the sample.</summary>
internal readonly record struct TrueEmitter(int Frame, double XPx, double YPx, double Photons);

/// <summary>
/// The tests' own truth: pixel-integrated Gaussians in double with MathNet's erf, Poisson shot noise,
/// an EMCCD gamma register or Gaussian read noise, then ADU with the camera's baseline and gain.
/// Seeded; independent of the engine.
/// </summary>
internal static class TestFrames
{
    public static CameraModel Scmos => new()
    {
        PixelSizeNm = 100, BaselineAdu = 100, ElectronsPerAdu = 0.5, QuantumEfficiency = 0.8, ReadNoiseElectrons = 1.5,
    };

    public static CameraModel Emccd => new()
    {
        PixelSizeNm = 100, BaselineAdu = 100, ElectronsPerAdu = 10, EmGain = 100, QuantumEfficiency = 0.9, ReadNoiseElectrons = 20,
    };

    /// <summary>∫ over pixel [i, i+1) of a unit 1-D Gaussian centred at c with width s.</summary>
    public static double PixelIntegral(int i, double c, double s) =>
        0.5 * (SpecialFunctions.Erf((i + 1 - c) / (Math.Sqrt(2) * s)) - SpecialFunctions.Erf((i - c) / (Math.Sqrt(2) * s)));

    /// <summary>Adds N·Ex·Ey of one emitter at (x, y) px to a width × height image of expectations.</summary>
    public static void AddSpot(double[] expected, int width, int height, double x, double y, double sigma, double photons)
    {
        for (int j = 0; j < height; j++)
        {
            double ey = PixelIntegral(j, y, sigma);
            if (ey < 1e-12)
            {
                continue;
            }

            for (int i = 0; i < width; i++)
            {
                expected[(j * width) + i] += photons * PixelIntegral(i, x, sigma) * ey;
            }
        }
    }

    /// <summary>Emitters at least <paramref name="minSeparationPx"/> apart and 3 px inside the frame.</summary>
    public static List<TrueEmitter> IsolatedEmitters(Random rng, int frames, int perFrame, int width, int height, double photons, double minSeparationPx)
    {
        var all = new List<TrueEmitter>();
        for (int f = 0; f < frames; f++)
        {
            var here = new List<TrueEmitter>();
            int attempts = 0;
            while (here.Count < perFrame && attempts++ < 10_000)
            {
                double x = 3 + (rng.NextDouble() * (width - 6)), y = 3 + (rng.NextDouble() * (height - 6));
                if (here.All(e => Math.Pow(e.XPx - x, 2) + Math.Pow(e.YPx - y, 2) >= minSeparationPx * minSeparationPx))
                {
                    here.Add(new TrueEmitter(f, x, y, photons));
                }
            }

            all.AddRange(here);
        }

        return all;
    }

    /// <summary>Frames 0..frames−1 with their emitters (σ px) on a flat background (photons per pixel), through the camera.</summary>
    public static List<Frame> Render(Random rng, CameraModel camera, int frames, int width, int height, IReadOnlyList<TrueEmitter> emitters, double sigmaPx, double background)
    {
        var result = new List<Frame>();
        for (int f = 0; f < frames; f++)
        {
            var photons = new double[width * height];
            Array.Fill(photons, background);
            foreach (TrueEmitter e in emitters.Where(e => e.Frame == f))
            {
                AddSpot(photons, width, height, e.XPx, e.YPx, sigmaPx, e.Photons);
            }

            var frame = new Frame(width, height) { Index = f };
            for (int i = 0; i < photons.Length; i++)
            {
                frame.Pixels[i] = ToAdu(rng, camera, photons[i]);
            }

            result.Add(frame);
        }

        return result;
    }

    /// <summary>ROIs of roiSize² photoelectrons, back to back: one emitter near the centre plus a flat background each.</summary>
    public static float[] Rois(Random rng, int count, int roiSize, double sigmaPx, double photons, double background, List<(double X, double Y)> truth)
    {
        var rois = new float[count * roiSize * roiSize];
        var expected = new double[roiSize * roiSize];
        for (int r = 0; r < count; r++)
        {
            double x = (roiSize / 2.0) + (rng.NextDouble() - 0.5), y = (roiSize / 2.0) + (rng.NextDouble() - 0.5);
            truth.Add((x, y));
            Array.Fill(expected, background);
            AddSpot(expected, roiSize, roiSize, x, y, sigmaPx, photons);
            for (int k = 0; k < expected.Length; k++)
            {
                rois[(r * expected.Length) + k] = Poisson.Sample(rng, expected[k]);
            }
        }

        return rois;
    }

    /// <summary>Greedy one-to-one matching within a radius (px) per frame.</summary>
    public static List<(TrueEmitter Truth, Localization Found)> Match(IReadOnlyList<TrueEmitter> truth, IReadOnlyList<Localization> found, double pixelNm, double radiusPx)
    {
        var pairs = new List<(TrueEmitter, Localization)>();
        var used = new bool[found.Count];
        foreach (TrueEmitter t in truth)
        {
            int best = -1;
            double bestD2 = radiusPx * radiusPx;
            for (int k = 0; k < found.Count; k++)
            {
                double dx = (found[k].XNm / pixelNm) - t.XPx, dy = (found[k].YNm / pixelNm) - t.YPx;
                double d2 = (dx * dx) + (dy * dy);
                if (!used[k] && found[k].Frame == t.Frame && d2 <= bestD2)
                {
                    bestD2 = d2;
                    best = k;
                }
            }

            if (best >= 0)
            {
                used[best] = true;
                pairs.Add((t, found[best]));
            }
        }

        return pairs;
    }

    /// <summary>One pixel through the camera: Poisson photoelectrons (QE), EMCCD register or read noise, ADU.</summary>
    public static ushort ToAdu(Random rng, CameraModel camera, double photons)
    {
        int n = Poisson.Sample(rng, photons * camera.QuantumEfficiency);
        double electrons = camera.IsEmccd ? (n == 0 ? 0 : Gamma.Sample(rng, n, 1.0 / camera.EmGain)) : n;
        electrons += Normal.Sample(rng, 0, camera.ReadNoiseElectrons);
        double adu = Math.Round(camera.BaselineAdu + (electrons / camera.ElectronsPerAdu));
        return (ushort)Math.Clamp(adu, 0, ushort.MaxValue);
    }
}
