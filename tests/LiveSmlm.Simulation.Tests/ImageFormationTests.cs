using LiveSmlm.Core;

namespace LiveSmlm.Simulation.Tests;

public class ImageFormationTests
{
    [Fact]
    public void AstigmaticBead_AboveFocus_IsWiderInXThanYByTheHuangCurve()
    {
        var astig = new AstigmatismSettings { Sigma0XNm = 110, Sigma0YNm = 110, CxNm = -250, CyNm = 250, DNm = 400 };
        const double zNm = 300;
        CameraModel model = TestRigs.Scmos with { ReadNoiseElectrons = 0 };
        var settings = TestRigs.Rig(model, 32, TestRigs.EmptySample(), 0) with
        {
            Optics = new OpticsSettings { Astigmatism = astig },
            Sample = TestRigs.EmptySample() with
            {
                ZMinNm = zNm,
                ZMaxNm = zNm,
                Fiducials = new FiducialSettings { Count = 1, PhotonsPerFrame = 2e5 },
            },
        };
        using var camera = new SimulatedCamera(settings, 9);
        var frame = new Frame(32, 32);
        Assert.True(camera.TryReadNext(frame));
        GroundTruthEmitter bead = Assert.Single(camera.LastFrameTruth);
        Assert.Equal(zNm, bead.ZNm, 1e-9);

        // 2·10⁵ photons keep the peak (~23 000 ADU) below saturation, which would flatten and widen it.
        // Second moments of the background-free image: σ² + p²/12 for pixels of size p (uniform pixel blur).
        double sum = 0, sxx = 0, syy = 0;
        double bx = bead.XNm / model.PixelSizeNm, by = bead.YNm / model.PixelSizeNm;
        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                double e = frame[x, y] - model.BaselineAdu;
                sum += e;
                sxx += e * Math.Pow(x + 0.5 - bx, 2);
                syy += e * Math.Pow(y + 0.5 - by, 2);
            }
        }

        double p = model.PixelSizeNm;
        double sigmaX = Math.Sqrt((sxx / sum) - (1.0 / 12)) * p;
        double sigmaY = Math.Sqrt((syy / sum) - (1.0 / 12)) * p;

        // Huang et al. 2008 with A = B = 0: σ = σ0 √(1 + ((z − c)/d)²).
        double expectedX = 110 * Math.Sqrt(1 + Math.Pow((zNm + 250) / 400, 2));
        double expectedY = 110 * Math.Sqrt(1 + Math.Pow((zNm - 250) / 400, 2));
        Assert.Equal(expectedX, sigmaX, expectedX * 0.03);
        Assert.Equal(expectedY, sigmaY, expectedY * 0.03);
    }

    [Fact]
    public void StructuredBackground_AddsASmoothPartPeakingAtItsConfiguredLevel()
    {
        const double uniform = 10, structured = 30;
        var settings = TestRigs.Rig(TestRigs.Scmos, 32, TestRigs.EmptySample(), uniform) with
        {
            Background = new BackgroundSettings { UniformPhotonsPerPixel = uniform, StructuredPhotonsPerPixel = structured, StructuredScaleNm = 800 },
        };
        CameraModel model = settings.Camera.Model;
        using var camera = new SimulatedCamera(settings, 4);
        var sums = new double[32 * 32];
        const int frames = 400;
        TestRigs.Run(camera, frames, frame =>
        {
            for (int i = 0; i < sums.Length; i++)
            {
                sums[i] += frame.Pixels[i];
            }
        });

        // Mean photons per pixel at the sample: (ADU − baseline) · g / QE.
        double[] photons = sums.Select(s => ((s / frames) - model.BaselineAdu) * model.ElectronsPerAdu / model.QuantumEfficiency).ToArray();

        // Noise of a 400-frame mean is about √((b/QE + read²/QE²)/400) ≈ 0.4 photons here.
        Assert.InRange(photons.Min(), uniform - 1.5, uniform + 12);
        Assert.InRange(photons.Max(), uniform + structured - 1.5, uniform + structured + 1.5);

        // Smooth: neighbouring pixels differ far less than the structured range.
        double maxStep = Enumerable.Range(0, 32 * 31).Max(i => Math.Abs(photons[i] - photons[i + 32]));
        Assert.True(maxStep < structured / 3, $"largest step between neighbours {maxStep}");
    }
}
