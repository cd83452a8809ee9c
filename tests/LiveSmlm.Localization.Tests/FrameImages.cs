using LiveSmlm.Core;
using MathNet.Numerics.Distributions;

namespace LiveSmlm.Localization.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>A true emitter in a test frame: position in px (pixel-corner origin) and photons at the sample.</summary>
internal readonly record struct TrueEmitter(int Frame, double XPx, double YPx, double Photons);

/// <summary>
/// Test-side camera: expected photons → QE → Poisson photoelectrons → (EMCCD gamma register | read
/// noise) → ADU with the camera's baseline and gain, clipped to 16 bits. Independent of the engine.
/// </summary>
internal static class FrameImages
{
    public static CameraModel Scmos => new()
    {
        PixelSizeNm = 100, BaselineAdu = 100, ElectronsPerAdu = 0.5, QuantumEfficiency = 1, ReadNoiseElectrons = 1.0,
    };

    public static CameraModel Emccd => new()
    {
        PixelSizeNm = 100, BaselineAdu = 100, ElectronsPerAdu = 10, EmGain = 100, QuantumEfficiency = 1, ReadNoiseElectrons = 20,
    };

    /// <summary>Random isolated emitters: at least <paramref name="minSeparationPx"/> apart, at least 1 px inside.</summary>
    public static List<TrueEmitter> IsolatedEmitters(Random rng, int frames, int perFrame, int width, int height, double photons, double minSeparationPx)
    {
        var all = new List<TrueEmitter>();
        for (int f = 0; f < frames; f++)
        {
            var here = new List<TrueEmitter>();
            int attempts = 0;
            while (here.Count < perFrame && attempts++ < 10_000)
            {
                double x = 1 + (rng.NextDouble() * (width - 2)), y = 1 + (rng.NextDouble() * (height - 2));
                if (here.All(e => Math.Pow(e.XPx - x, 2) + Math.Pow(e.YPx - y, 2) >= minSeparationPx * minSeparationPx))
                {
                    here.Add(new TrueEmitter(f, x, y, photons));
                }
            }

            all.AddRange(here);
        }

        return all;
    }

    /// <summary>
    /// One frame per index 0..frames−1, each holding its emitters (σ px), a background in photons per
    /// pixel (flat value plus an optional static pattern), through <paramref name="camera"/>.
    /// </summary>
    public static List<Frame> Render(
        Random rng, CameraModel camera, int frames, int width, int height, IReadOnlyList<TrueEmitter> emitters, double sigmaPx, double background, double[]? staticPattern = null)
    {
        var result = new List<Frame>();
        for (int f = 0; f < frames; f++)
        {
            var photons = new double[width * height];
            Array.Fill(photons, background);
            if (staticPattern is not null)
            {
                for (int i = 0; i < photons.Length; i++)
                {
                    photons[i] += staticPattern[i];
                }
            }

            foreach (TrueEmitter e in emitters)
            {
                if (e.Frame == f)
                {
                    SpotImages.AddSpot(photons, width, height, e.XPx, e.YPx, sigmaPx, e.Photons);
                }
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

    private static ushort ToAdu(Random rng, CameraModel camera, double photons)
    {
        int n = Poisson.Sample(rng, photons * camera.QuantumEfficiency);
        double electrons = camera.IsEmccd ? (n == 0 ? 0 : Gamma.Sample(rng, n, 1.0 / camera.EmGain)) : n;
        electrons += Normal.Sample(rng, 0, camera.ReadNoiseElectrons);
        double adu = Math.Round(camera.BaselineAdu + (electrons / camera.ElectronsPerAdu));
        return (ushort)Math.Clamp(adu, 0, ushort.MaxValue);
    }

    /// <summary>Greedy one-to-one matching within a radius per frame: (true positives, matched pairs).</summary>
    public static List<(TrueEmitter Truth, Localization Found)> Match(
        IReadOnlyList<TrueEmitter> truth, IReadOnlyList<Localization> found, double pixelNm, double radiusPx)
    {
        var pairs = new List<(TrueEmitter, Localization)>();
        var used = new bool[found.Count];
        foreach (TrueEmitter t in truth)
        {
            int best = -1;
            double bestD2 = radiusPx * radiusPx;
            for (int k = 0; k < found.Count; k++)
            {
                if (used[k] || found[k].Frame != t.Frame)
                {
                    continue;
                }

                double dx = (found[k].XNm / pixelNm) - t.XPx, dy = (found[k].YNm / pixelNm) - t.YPx;
                double d2 = (dx * dx) + (dy * dy);
                if (d2 <= bestD2)
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
}
