using LiveSmlm.Core;
using LiveSmlm.Simulation;

namespace LiveSmlm.Localization.Tests;

/// <summary>
/// The bead calibration against the simulator's truth: calibrate on one simulated bead z-stack, fit the
/// beads of another stack of the same optics (other beads, other foci, other noise) with both models and
/// compare the fitted z with the stage position minus each bead's true focus; robustness to a noisy, a
/// saturated, a border and a close pair of beads; clear errors for no bead and a short stack.
/// </summary>
public sealed class BeadCalibrationTests
{
    private const int Size = 96;
    private const double PixelNm = 100;
    private const double StepNm = 20;
    private const int Slices = 81; // stage −800 … +800 nm
    private const double StartNm = -800;
    private const double Background = 20;

    private static readonly CameraModel Camera = new() { PixelSizeNm = PixelNm, BaselineAdu = 100, ElectronsPerAdu = 0.5, QuantumEfficiency = 0.9, ReadNoiseElectrons = 1.5 };

    // Huang-model optics with higher-order terms: foci ∓250 nm, d 400 nm.
    private static readonly AstigmatismSettings Optics = new() { Sigma0XNm = 115, Sigma0YNm = 120, CxNm = -250, CyNm = 250, DNm = 400, Ax = 0.1, Bx = 0.05, Ay = -0.1, By = 0.04 };

    [Fact]
    public void Calibrate_AstigmaticGaussianStack_FindsTheZOfAnotherStackWithin20NmRms()
    {
        var psf = new AstigmaticGaussianPsf(Optics);
        BeadCalibrationResult result = Calibrate(psf, GoodBeads(seed: 1), seed: 11);
        PsfCalibration3D c = result.Calibration;
        Assert.Equal(4, c.Quality.BeadsUsed);
        Assert.Empty(c.Quality.Excluded);
        Console.WriteLine(string.Join("\n", result.Messages));

        // The truth's own z origin: where the simulator's σx(z) = σy(z) (bisection on its curves).
        double crossing = TruthCrossing();
        Assert.True(c.ZMinNm <= -500 && c.ZMaxNm >= 500, $"usable range [{c.ZMinNm}, {c.ZMaxNm}] nm should cover ±500 nm for this lens");
        (double gauss, double spline) = FitOtherStack(c, psf, GoodBeads(seed: 2), seed: 22, crossing, removeOffset: false);
        Assert.True(gauss <= 20, $"gauss3d z RMS {gauss:F1} nm on the second stack");
        Assert.True(spline <= 20, $"spline z RMS {spline:F1} nm on the second stack");
        Assert.InRange(c.X.Sigma0Nm, 110, 120);
        Assert.InRange(c.Y.Sigma0Nm, 115, 125);
    }

    [Fact]
    public void Calibrate_AberratedStackWithNoisySaturatedBorderAndCloseBeads_ExcludesThemAndStillFindsZ()
    {
        var psf = new AberratedAstigmaticPsf(Optics);
        var beads = new List<Bead>(GoodBeads(seed: 3))
        {
            new(48.5 * PixelNm, 48.5 * PixelNm, 35, 1500),           // noisy: 13× fainter than the others
            new(80.3 * PixelNm, 20.6 * PixelNm, -20, 600_000),       // saturates near focus only
            new(3.4 * PixelNm, 50.2 * PixelNm, 10, 20_000),          // at the border
            new(76.2 * PixelNm, 76.6 * PixelNm, 0, 20_000),          // a close pair, 5 px apart
            new(81.1 * PixelNm, 77.3 * PixelNm, 15, 20_000),
        };
        BeadCalibrationResult result = Calibrate(psf, beads, seed: 33);
        PsfCalibration3D c = result.Calibration;
        IReadOnlyList<string> excluded = c.Quality.Excluded;
        Console.WriteLine(string.Join("\n", result.Messages));
        Assert.Contains(excluded, m => m.StartsWith("bead at (80, ", StringComparison.Ordinal) && m.Contains("saturated in", StringComparison.Ordinal));
        Assert.Contains(excluded, m => m.Contains("(3, 50)", StringComparison.Ordinal) && m.Contains("border", StringComparison.Ordinal));
        Assert.Equal(2, excluded.Count(m => m.Contains("two beads close together", StringComparison.Ordinal)));
        Assert.Equal(5, c.Quality.BeadsUsed); // the four good ones and the noisy one

        // The aberrated PSF's elliptical-fit crossing is not the core's: the z origin is the calibration's
        // convention, so one offset common to every bead and slice is removed before the RMS.
        (double gauss, double spline) = FitOtherStack(c, psf, GoodBeads(seed: 4), seed: 44, 0, removeOffset: true);
        Assert.True(spline <= 20, $"spline z RMS {spline:F1} nm on the second stack (gauss3d: {gauss:F1} nm)");
    }

    [Fact]
    public void Calibrate_StackWithoutBeads_SaysNoBeadWasFound()
    {
        var e = Assert.Throws<InvalidDataException>(() => Calibrate(new AstigmaticGaussianPsf(Optics), [], seed: 5));
        Assert.Contains("No bead found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calibrate_TooShortStack_SaysHowManySlicesAreNeeded()
    {
        (float[][] slices, bool[][] saturated) = Stack(new AstigmaticGaussianPsf(Optics), GoodBeads(seed: 6), seed: 6, slices: 6);
        var e = Assert.Throws<InvalidDataException>(() => BeadCalibrator.Calibrate(slices, Size, Size, StepNm, PixelNm, new BeadCalibrationOptions(), saturated));
        Assert.Contains("too short", e.Message, StringComparison.Ordinal);
        Assert.Contains("at least 10 slices", e.Message, StringComparison.Ordinal);
    }

    internal static double TruthCrossing()
    {
        double lo = Optics.CxNm, hi = Optics.CyNm;
        for (int i = 0; i < 60; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Math.Sign(Optics.SigmaXNm(mid) - Optics.SigmaYNm(mid)) == Math.Sign(Optics.SigmaXNm(lo) - Optics.SigmaYNm(lo)))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }

    // Four well-separated beads at random sub-pixel positions, foci within ±40 nm (a slightly tilted coverslip).
    private static List<Bead> GoodBeads(int seed)
    {
        var rng = new Random(seed);
        return [.. new[] { (20, 20), (20, 70), (70, 45), (45, 80) }.Select(p => new Bead(
            (p.Item1 + rng.NextDouble()) * PixelNm, (p.Item2 + rng.NextDouble()) * PixelNm, (rng.NextDouble() - 0.5) * 80, 20_000))];
    }

    private static BeadCalibrationResult Calibrate(IDepthPsf psf, List<Bead> beads, int seed)
    {
        (float[][] slices, bool[][] saturated) = Stack(psf, beads, seed, Slices);
        return BeadCalibrator.Calibrate(slices, Size, Size, StepNm, PixelNm, new BeadCalibrationOptions(), saturated);
    }

    private static (float[][] Slices, bool[][] Saturated) Stack(IDepthPsf psf, List<Bead> beads, int seed, int slices)
    {
        ushort[][] adu = BeadStack.Simulate(Size, Size, Camera, psf, beads, StartNm, StepNm, slices, Background, (ulong)seed);
        float[][] electrons = [.. adu.Select(f =>
        {
            var e = new float[f.Length];
            Camera.ToPhotoelectrons(f, e);
            return e;
        })];
        return (electrons, [.. adu.Select(f => f.Select(v => v == ushort.MaxValue).ToArray())]);
    }

    // Fits each bead of a new stack in every slice whose true depth lies in the usable range (±50 nm inside), both models.
    private static (double Gauss, double Spline) FitOtherStack(PsfCalibration3D c, IDepthPsf psf, List<Bead> beads, int seed, double crossingNm, bool removeOffset)
    {
        (float[][] slices, _) = Stack(psf, beads, seed, Slices);
        int roi = c.Spline!.WindowPx - 2;
        float[] coefficients = c.SplineCoefficients();
        (float zMin, float zMax) = c.SplineZRange();
        var pixels = new float[roi * roi];
        var gauss = new List<double>();
        var spline = new List<double>();
        foreach (Bead bead in beads)
        {
            int x0 = (int)(bead.XNm / PixelNm) - (roi / 2), y0 = (int)(bead.YNm / PixelNm) - (roi / 2);
            for (int k = 0; k < Slices; k++)
            {
                double truth = StartNm + (k * StepNm) - bead.FocusNm - crossingNm;
                if (truth < c.ZMinNm + 50 || truth > c.ZMaxNm - 50)
                {
                    continue;
                }

                for (int j = 0; j < roi; j++)
                {
                    Array.Copy(slices[k], ((y0 + j) * Size) + x0, pixels, j * roi, roi);
                }

                AstigmaticGaussianModel g = c.GaussModel(roi);
                Fit3DResult rg = Emitter3D.Fit(ref g, new ArrayPixels(pixels, 0), default(ZeroPixels), roi, Fit3DOptions.Create());
                Assert.Equal(FitStatus.Ok, rg.Status);
                gauss.Add(rg.ZNm - truth);
                var s = new SplinePsfModel<ArrayPixels>(new ArrayPixels(coefficients, 0), c.Spline.Grid, zMin, zMax);
                Fit3DResult rs = Emitter3D.Fit(ref s, new ArrayPixels(pixels, 0), default(ZeroPixels), roi, Fit3DOptions.Create());
                Assert.Equal(FitStatus.Ok, rs.Status);
                spline.Add(rs.ZNm - truth);
            }
        }

        Console.WriteLine($"{gauss.Count} bead slices: gauss3d mean {gauss.Average():F1} nm, spline mean {spline.Average():F1} nm");
        return (Rms(gauss, removeOffset), Rms(spline, removeOffset));
    }

    private static double Rms(List<double> errors, bool removeOffset)
    {
        double offset = removeOffset ? errors.Average() : 0;
        double rms = Math.Sqrt(errors.Average(e => (e - offset) * (e - offset)));
        Console.WriteLine($"RMS {rms:F2} nm (offset removed: {offset:F1} nm)");
        return rms;
    }
}
