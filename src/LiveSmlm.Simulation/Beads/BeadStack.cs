using LiveSmlm.Core;

namespace LiveSmlm.Simulation;

/// <summary>One fluorescent bead of a z-stack: lateral position (nm), the stage z at which it is in focus (nm), photons per slice.</summary>
public sealed record Bead(double XNm, double YNm, double FocusNm, double Photons);

/// <summary>
/// A bead z-stack as a rig records it for 3D calibration: the stage steps through z, each slice images
/// every bead at depth (stage z − its focus) with a depth-dependent PSF, on a flat background, through the
/// camera's noise (Poisson, read noise, ADU, clipped at 16 bits like a real sensor, so bright beads saturate).
/// </summary>
public static class BeadStack
{
    /// <summary>
    /// Slices at stage z = <paramref name="zStartNm"/> + k·<paramref name="zStepNm"/>, k &lt; <paramref name="slices"/>,
    /// as 16-bit ADU frames, row-major; deterministic in <paramref name="seed"/>.
    /// </summary>
    public static ushort[][] Simulate(
        int widthPx, int heightPx, CameraModel camera, IDepthPsf psf, IReadOnlyList<Bead> beads,
        double zStartNm, double zStepNm, int slices, double backgroundPhotons, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(camera);
        ArgumentNullException.ThrowIfNull(psf);
        ArgumentNullException.ThrowIfNull(beads);
        if (widthPx < 1 || heightPx < 1 || slices < 1 || !(zStepNm > 0) || backgroundPhotons < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slices), $"A bead stack needs a positive size ({widthPx}×{heightPx}), slices ({slices}) and z step ({zStepNm} nm), and background ≥ 0 ({backgroundPhotons}).");
        }

        var noise = new CameraNoise(camera, widthPx, heightPx, seed);
        var expected = new float[widthPx * heightPx];
        var frames = new ushort[slices][];
        for (int k = 0; k < slices; k++)
        {
            double stageNm = zStartNm + (k * zStepNm);
            Array.Fill(expected, (float)backgroundPhotons);
            foreach (Bead bead in beads)
            {
                psf.AddExpectedPhotons(expected, widthPx, heightPx, camera.PixelSizeNm, bead.XNm, bead.YNm, stageNm - bead.FocusNm, bead.Photons);
            }

            frames[k] = new ushort[widthPx * heightPx];
            noise.Apply(expected, frames[k], k);
        }

        return frames;
    }
}
