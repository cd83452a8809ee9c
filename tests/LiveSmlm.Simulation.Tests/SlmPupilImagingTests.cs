using LiveSmlm.Core;
using LiveSmlm.Simulation.Optics;
using LiveSmlm.Tests.Support;
using MathNet.Numerics;

namespace LiveSmlm.Simulation.Tests;

/// <summary>
/// Frames of the simulated camera with a phase pattern in its pupil (what the simulated SLM puts there), read back
/// by the test itself: photons from ADU with the camera's gain and QE, widths from second moments or a least-squares
/// fit of the test's own pixel-integrated Gaussian (MathNet erf), truth from the simulator's bead position.
/// </summary>
public sealed class SlmPupilImagingTests
{
    private const int Slm = 128, GrayFor2Pi = 255;
    private const double BeadPhotons = 1e5;

    private static readonly CameraModel Model = TestRigs.Scmos with { ReadNoiseElectrons = 0 };

    [Fact]
    public void AstigmatismOnTheSlm_ElongatesTheBead_AlongAxesThatSwapBetweenMinusAndPlusDepth()
    {
        PupilPhaseMap astig = PupilPhaseMap.FromGray(SpotMoments.AstigmatismImage(Slm, 1.0, GrayFor2Pi), Slm, Slm, GrayFor2Pi);
        (double belowX, double belowY) = BeadWidths(-300, astig);
        (double focusX, double focusY) = BeadWidths(0, astig);
        (double aboveX, double aboveY) = BeadWidths(300, astig);

        // One axis longer below focus, the other above; round-ish in focus (astigmatism alone blurs both alike).
        Assert.True(belowX > 1.3 * belowY || belowY > 1.3 * belowX, $"z = −300 nm: σx = {belowX:F0}, σy = {belowY:F0} nm");
        Assert.True(Math.Sign(belowX - belowY) == -Math.Sign(aboveX - aboveY), $"z = −300 nm: σx = {belowX:F0}, σy = {belowY:F0}; z = +300 nm: σx = {aboveX:F0}, σy = {aboveY:F0} nm");
        Assert.True(aboveX > 1.3 * aboveY || aboveY > 1.3 * aboveX, $"z = +300 nm: σx = {aboveX:F0}, σy = {aboveY:F0} nm");
        Assert.InRange(focusX / focusY, 0.9, 1.1);

        // The opposite amplitude swaps the axes at the same depth.
        PupilPhaseMap minus = PupilPhaseMap.FromGray(SpotMoments.AstigmatismImage(Slm, -1.0, GrayFor2Pi), Slm, Slm, GrayFor2Pi);
        (double mx, double my) = BeadWidths(300, minus);
        Assert.True(Math.Sign(mx - my) == -Math.Sign(aboveX - aboveY), $"−astigmatism at +300 nm: σx = {mx:F0}, σy = {my:F0} nm");
    }

    [Fact]
    public void ZeroPhaseInThePupil_ImagesTheBeadAsWideAsTheGaussianApproximation()
    {
        // Not flat (the corners outside the inscribed pupil are lit), so the pupil-function PSF draws the bead; zero phase inside.
        var image = new byte[Slm * Slm];
        image[0] = image[^1] = 200;
        PupilPhaseMap cornersOnly = PupilPhaseMap.FromGray(image, Slm, Slm, GrayFor2Pi);
        Assert.False(cornersOnly.IsFlat);

        (Frame frame, GroundTruthEmitter bead, SimulatedCamera camera) = Bead(0, cornersOnly, 32, seed: 5);
        using (camera)
        {
            Assert.NotNull(camera.LastPupilPsf);
            double sigma = FitGaussianSigmaNm(frame, bead, halfWindowPx: 5);
            double gaussian = OpticsSettings.GaussianSigmaFactor * 670 / 1.49;
            Assert.InRange(sigma / gaussian, 0.9, 1.1);
        }
    }

    [Fact]
    public void FlatPattern_LeavesTheFramesOfTheGaussianPsf_BitForBit()
    {
        PupilPhaseMap flat = PupilPhaseMap.FromGray(Enumerable.Repeat((byte)90, Slm * Slm).ToArray(), Slm, Slm, GrayFor2Pi);
        (Frame withFlat, _, SimulatedCamera a) = Bead(0, flat, 32, seed: 5);
        (Frame without, _, SimulatedCamera b) = Bead(0, null, 32, seed: 5);
        using (a)
        using (b)
        {
            Assert.Null(a.LastPupilPsf);
            Assert.True(withFlat.Span.SequenceEqual(without.Span));
        }
    }

    [Fact]
    public void PupilPsfFrame_HoldsTheBeadsPhotons_WithinShotNoise()
    {
        // The sensor is large enough that the PSF's whole window (±33 px) lies on it for this seed's bead.
        PupilPhaseMap astig = PupilPhaseMap.FromGray(SpotMoments.AstigmatismImage(Slm, 1.0, GrayFor2Pi), Slm, Slm, GrayFor2Pi);
        const int size = 192;
        (Frame frame, GroundTruthEmitter bead, SimulatedCamera camera) = Bead(300, astig, size, seed: 4);
        using (camera)
        {
            double reach = camera.LastPupilPsf!.ForDepth(300).ReachPx;
            double bx = bead.XNm / Model.PixelSizeNm, by = bead.YNm / Model.PixelSizeNm;
            Assert.True(bx > reach && by > reach && bx < size - reach && by < size - reach, $"precondition: the bead at ({bx:F1}, {by:F1}) px is within {reach:F1} px of an edge; pick another seed");

            // Photoelectrons are Poisson with mean QE·N, so the photon total has SD √(N/QE).
            double total = SpotMoments.TotalPhotons(frame, Model);
            Assert.InRange(total, BeadPhotons - (4 * Math.Sqrt(BeadPhotons / Model.QuantumEfficiency)), BeadPhotons + (4 * Math.Sqrt(BeadPhotons / Model.QuantumEfficiency)));
        }
    }

    [Fact]
    public void SampledPsf_DrawnAtAnySubPixelPosition_ConservesPhotonsAndCentresOnThePosition()
    {
        // Zero-phase pupil PSF (symmetric about its centre), 4 samples per pixel.
        double[] psf = PupilPsf.Compute(670, 1.49, 25, 256, []);
        var sampled = new SampledPsf(psf, 256, 4);
        var rng = new Random(3);
        for (int trial = 0; trial < 5; trial++)
        {
            double x = 60 + rng.NextDouble(), y = 61 + rng.NextDouble();
            var image = new float[128 * 128];
            sampled.AddExpectedPhotons(image, 128, 128, x, y, 1000, 0, 128);
            double sum = 0, mx = 0, my = 0;
            for (int j = 0; j < 128; j++)
            {
                for (int i = 0; i < 128; i++)
                {
                    double v = image[(j * 128) + i];
                    sum += v;
                    mx += v * (i + 0.5);
                    my += v * (j + 0.5);
                }
            }

            Assert.Equal(1000, sum, 1e-2);
            Assert.Equal(x, mx / sum, 0.01);
            Assert.Equal(y, my / sum, 0.01);
        }
    }

    [Fact]
    public void SampledPsf_DrawnInRowBlocks_MakesTheSameImageAsInOneGo()
    {
        double[] psf = PupilPsf.Compute(670, 1.49, 25, 256, [new(ZernikeTerm.Astigmatism, 0.7)]);
        var sampled = new SampledPsf(psf, 256, 4);
        var whole = new float[64 * 64];
        var blocks = new float[64 * 64];
        sampled.AddExpectedPhotons(whole, 64, 64, 20.3, 30.7, 500, 0, 64);
        for (int r = 0; r < 64; r += 16)
        {
            sampled.AddExpectedPhotons(blocks, 64, 64, 20.3, 30.7, 500, r, r + 16);
        }

        Assert.Equal(whole, blocks);
    }

    [Fact]
    public void PupilPsf_IsRecomputedOnlyWhenThePatternChanges()
    {
        PupilPhaseMap astig = PupilPhaseMap.FromGray(SpotMoments.AstigmatismImage(Slm, 1.0, GrayFor2Pi), Slm, Slm, GrayFor2Pi);
        using var camera = new SimulatedCamera(Settings(0, 32), 5, null, 1) { PupilPhase = astig };
        var frame = new Frame(32, 32);
        camera.TryReadNext(frame);
        PupilPsfModel first = camera.LastPupilPsf!;
        camera.PupilPhase = PupilPhaseMap.FromGray(SpotMoments.AstigmatismImage(Slm, 1.0, GrayFor2Pi), Slm, Slm, GrayFor2Pi);   // same phases, new object
        camera.TryReadNext(frame);
        camera.TryReadNext(frame);
        Assert.Same(first, camera.LastPupilPsf);
        Assert.Equal(1, first.Computations);   // one depth, computed once over three frames

        camera.PupilPhase = PupilPhaseMap.FromGray(SpotMoments.AstigmatismImage(Slm, -1.0, GrayFor2Pi), Slm, Slm, GrayFor2Pi);
        camera.TryReadNext(frame);
        Assert.NotSame(first, camera.LastPupilPsf);
    }

    private static SimulationSettings Settings(double zNm, int sizePx) => TestRigs.Rig(Model, sizePx, TestRigs.EmptySample(), 0) with
    {
        Sample = TestRigs.EmptySample() with
        {
            ZMinNm = zNm,
            ZMaxNm = zNm,
            Fiducials = new FiducialSettings { Count = 1, PhotonsPerFrame = BeadPhotons },
        },
    };

    private static (Frame Frame, GroundTruthEmitter Bead, SimulatedCamera Camera) Bead(double zNm, PupilPhaseMap? phase, int sizePx, ulong seed)
    {
        var camera = new SimulatedCamera(Settings(zNm, sizePx), seed) { PupilPhase = phase };
        var frame = new Frame(sizePx, sizePx);
        Assert.True(camera.TryReadNext(frame));
        GroundTruthEmitter bead = Assert.Single(camera.LastFrameTruth);
        Assert.Equal(zNm, bead.ZNm, 1e-9);
        return (frame, bead, camera);
    }

    private static (double X, double Y) BeadWidths(double zNm, PupilPhaseMap phase)
    {
        (Frame frame, GroundTruthEmitter bead, SimulatedCamera camera) = Bead(zNm, phase, 32, seed: 5);
        using (camera)
        {
            (double sx, double sy, _) = SpotMoments.Widths(frame, Model, bead.XNm, bead.YNm, halfWindowPx: 5);
            return (sx, sy);
        }
    }

    /// <summary>Least-squares σ of an isotropic pixel-integrated Gaussian at the bead's true position (grid search, amplitude in closed form).</summary>
    private static double FitGaussianSigmaNm(Frame frame, GroundTruthEmitter bead, int halfWindowPx)
    {
        double p = Model.PixelSizeNm, cx = bead.XNm / p, cy = bead.YNm / p;
        int x0 = (int)Math.Floor(cx) - halfWindowPx, y0 = (int)Math.Floor(cy) - halfWindowPx, n = (2 * halfWindowPx) + 1;
        double best = double.MaxValue, bestSigma = 0;
        for (double sigmaNm = 40; sigmaNm <= 250; sigmaNm += 0.5)
        {
            double s = sigmaNm / p;
            double gg = 0, gi = 0, ii = 0;
            for (int j = 0; j < n; j++)
            {
                double ey = 0.5 * (SpecialFunctions.Erf((y0 + j + 1 - cy) / (Math.Sqrt(2) * s)) - SpecialFunctions.Erf((y0 + j - cy) / (Math.Sqrt(2) * s)));
                for (int i = 0; i < n; i++)
                {
                    double ex = 0.5 * (SpecialFunctions.Erf((x0 + i + 1 - cx) / (Math.Sqrt(2) * s)) - SpecialFunctions.Erf((x0 + i - cx) / (Math.Sqrt(2) * s)));
                    double g = ex * ey, v = SpotMoments.Photons(frame, Model, x0 + i, y0 + j);
                    gg += g * g;
                    gi += g * v;
                    ii += v * v;
                }
            }

            double residual = ii - (gi * gi / gg);
            if (residual < best)
            {
                (best, bestSigma) = (residual, sigmaNm);
            }
        }

        return bestSigma;
    }
}
