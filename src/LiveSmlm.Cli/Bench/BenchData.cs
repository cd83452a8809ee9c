using LiveSmlm.Core;
using LiveSmlm.Simulation;

namespace LiveSmlm.Cli.Bench;

/// <summary>
/// Synthetic inputs for `bench`, drawn once before timing: pre-cut ROIs of isolated spots, and full
/// frames with a fixed number of emitters, through the simulator's PSF and camera noise.
/// </summary>
public static class BenchData
{
    /// <summary>The accuracy tests' emitter (REFERENCES.md, Mortensen check): 1000 photons, 10 photons/px background, σ = 1.3 px.</summary>
    public const double SpotPhotons = 1000;
    public const double SpotBackground = 10;
    public const double SpotSigmaPx = 1.3;

    /// <summary>The camera the frame benchmark simulates: sCMOS, 100 nm pixels.</summary>
    public static CameraModel Camera { get; } = new()
    {
        PixelSizeNm = 100,
        BaselineAdu = 100,
        ElectronsPerAdu = 0.5,
        QuantumEfficiency = 0.8,
        ReadNoiseElectrons = 1.5,
    };

    /// <summary>Row-major ROIs of roiSize², photoelectrons, Poisson noise, centres within ±0.5 px of the middle.</summary>
    public static float[] Rois(int count, int roiSize, ulong seed)
    {
        var rois = new float[count * roiSize * roiSize];
        var rng = new Xoshiro256(seed);
        var expected = new float[roiSize * roiSize];
        for (int k = 0; k < count; k++)
        {
            Array.Clear(expected);
            double x = (roiSize / 2.0) + rng.NextDouble() - 0.5;
            double y = (roiSize / 2.0) + rng.NextDouble() - 0.5;
            GaussianPsf.AddExpectedPhotons(expected, roiSize, roiSize, 1, x, y, SpotSigmaPx, SpotSigmaPx, SpotPhotons);
            int offset = k * roiSize * roiSize;
            for (int i = 0; i < expected.Length; i++)
            {
                rois[offset + i] = RandomDistributions.Poisson(ref rng, expected[i] + SpotBackground);
            }
        }

        return rois;
    }

    /// <summary>Frames of width × height px with <paramref name="emitters"/> spots each (1000–3000 photons, 20 photons/px background).</summary>
    public static Frame[] Frames(int count, int width, int height, int emitters, ulong seed)
    {
        const double backgroundPhotons = 20;
        const double marginPx = 4;
        double sigmaNm = GaussianPsf.SigmaNm(670, 1.45);
        var rng = new Xoshiro256(seed);
        var noise = new CameraNoise(Camera, width, height, seed);
        var expected = new float[width * height];
        var frames = new Frame[count];
        for (int f = 0; f < count; f++)
        {
            Array.Fill(expected, (float)backgroundPhotons);
            for (int e = 0; e < emitters; e++)
            {
                double x = (marginPx + (rng.NextDouble() * (width - (2 * marginPx)))) * Camera.PixelSizeNm;
                double y = (marginPx + (rng.NextDouble() * (height - (2 * marginPx)))) * Camera.PixelSizeNm;
                double photons = 1000 + (2000 * rng.NextDouble());
                GaussianPsf.AddExpectedPhotons(expected, width, height, Camera.PixelSizeNm, x, y, sigmaNm, sigmaNm, photons);
            }

            frames[f] = new Frame(width, height) { Index = f };
            noise.Apply(expected, frames[f].Pixels, f);
        }

        return frames;
    }
}
