using LiveSmlm.Core;
using LiveSmlm.IO;
using LiveSmlm.Simulation;

namespace LiveSmlm.Acquisition.Recording;

/// <summary>What `simulate-beads` records: a z-scan of beads on the simulated rig's camera, for `calibrate-3d`.</summary>
public sealed record BeadStackRequest
{
    public required string OutPath { get; init; }

    public required CameraModel Camera { get; init; }

    public required AstigmatismSettings Astigmatism { get; init; }

    /// <summary>Draw the aberrated (non-Gaussian) astigmatic PSF instead of the elliptical Gaussian.</summary>
    public bool Aberrated { get; init; }

    public int SizePx { get; init; } = 128;

    public int Beads { get; init; } = 6;

    public double PhotonsPerSlice { get; init; } = 20_000;

    public double BackgroundPhotons { get; init; } = 20;

    public double ZStepNm { get; init; } = 20;

    /// <summary>The stage scans ±this about the beads' mean focus, nm.</summary>
    public double RangeNm { get; init; } = 800;

    public ulong Seed { get; init; } = 1;
}

/// <summary>
/// Records a simulated bead z-stack as an OME-TIFF plus `NAME.beads.csv` (each bead's x, y and the stage z of its
/// focus, nm: the truth a calibration can be checked against). Beads lie on a grid at random sub-pixel positions,
/// their foci spread by ±40 nm (a slightly tilted coverslip).
/// </summary>
public static class BeadStackRecording
{
    // Beads are placed at least this far apart and from the border (px): more than a calibration window.
    private const int SpacingPx = 24;

    public static IReadOnlyList<Bead> Record(BeadStackRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Camera.Validate("camera");
        request.Astigmatism.Validate("optics.astigmatism");
        int perRow = (request.SizePx - SpacingPx) / SpacingPx;
        if (request.Beads < 1 || request.Beads > perRow * perRow || !(request.ZStepNm > 0) || !(request.RangeNm > request.ZStepNm))
        {
            throw new ArgumentException($"simulate-beads: {request.Beads} beads must fit a {perRow}×{perRow} grid of {SpacingPx} px on {request.SizePx} px, and the range ({request.RangeNm} nm) must exceed the z step ({request.ZStepNm} nm).");
        }

        var rng = new Random((int)(request.Seed % int.MaxValue));
        double px = request.Camera.PixelSizeNm;
        var beads = new List<Bead>();
        for (int b = 0; b < request.Beads; b++)
        {
            double x = (SpacingPx * (1 + (b % perRow))) + rng.NextDouble(), y = (SpacingPx * (1 + (b / perRow))) + rng.NextDouble();
            beads.Add(new Bead(x * px, y * px, (rng.NextDouble() - 0.5) * 80, request.PhotonsPerSlice));
        }

        IDepthPsf psf = request.Aberrated ? new AberratedAstigmaticPsf(request.Astigmatism) : new AstigmaticGaussianPsf(request.Astigmatism);
        int slices = (int)Math.Round(2 * request.RangeNm / request.ZStepNm) + 1;
        ushort[][] frames = BeadStack.Simulate(request.SizePx, request.SizePx, request.Camera, psf, beads, -request.RangeNm, request.ZStepNm, slices, request.BackgroundPhotons, request.Seed);
        using (var writer = OmeTiffWriter.Create(request.OutPath, request.SizePx, request.SizePx, px))
        {
            foreach (ushort[] f in frames)
            {
                writer.Write(new Frame(request.SizePx, request.SizePx, f));
            }

            writer.Complete();
        }

        // The stage z of slice k is k × step here (calibrate-3d counts from the first slice).
        using var csv = new StreamWriter(Path.ChangeExtension(request.OutPath, null).Replace(".ome", string.Empty, StringComparison.Ordinal) + ".beads.csv");
        csv.WriteLine("\"x [nm]\",\"y [nm]\",\"focus stage z [nm]\",\"photons\"");
        foreach (Bead b in beads)
        {
            csv.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{b.XNm:F2},{b.YNm:F2},{b.FocusNm + request.RangeNm:F2},{b.Photons}"));
        }

        return beads;
    }
}
