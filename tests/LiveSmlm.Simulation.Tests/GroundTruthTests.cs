using LiveSmlm.Core;

namespace LiveSmlm.Simulation.Tests;

public class GroundTruthTests
{
    private const int Size = 60;
    private const int HalfBox = 5;
    private const double BackgroundPhotons = 10;

    [Fact]
    public void TruthPhotons_OfIsolatedEmitters_AgreeWithBackgroundSubtractedImage()
    {
        // 16 dyes on a 1.5 µm grid (15 px apart), blinking fast, with an exposure shorter than the frame.
        var settings = TestRigs.Rig(TestRigs.Scmos, Size, new SampleSettings
        {
            Structure = SampleStructure.Grid,
            Grid = new GridSettings { SpacingNm = 1500 },
            LinkageErrorNm = 0,
        }, BackgroundPhotons) with
        {
            Camera = new CameraSettings { Model = TestRigs.Scmos, WidthPx = Size, HeightPx = Size, FrameRateHz = 100, ExposureMs = 8 },
            Photophysics = new PhotophysicsSettings
            {
                SpontaneousActivationPerS = 200,
                ActivationCrossSectionPerSPerMw = 0,
                OffSwitchingPerS = 40,
                ReturnPerS = 40,
                BleachingPerS = 0,
                EmissionPhotonsPerS = 250_000,
                ReferenceExcitationPowerMw = 100,
            },
            ExcitationPowerMw = 100,
        };
        CameraModel model = settings.Camera.Model;
        using var camera = new SimulatedCamera(settings, 77);
        Assert.Equal(16, camera.Labels.Count);

        double sumZ = 0, sumZ2 = 0, truthTotal = 0, measuredTotal = 0;
        int samples = 0, partial = 0, off = 0;
        int boxPixels = (2 * HalfBox + 1) * (2 * HalfBox + 1);
        TestRigs.Run(camera, 150, frame =>
        {
            var truth = camera.LastFrameTruth.ToDictionary(t => t.Id);
            for (int id = 0; id < camera.Labels.Count; id++)
            {
                SampleLabel label = camera.Labels[id];
                double truePhotons = truth.TryGetValue(id, out GroundTruthEmitter t) ? t.Photons : 0;
                partial += truePhotons is > 0 and < 1999 ? 1 : 0;
                off += truePhotons == 0 ? 1 : 0;

                // Box sum in photoelectrons → photons at the sample, minus the known background.
                int cx = (int)(label.XNm / model.PixelSizeNm), cy = (int)(label.YNm / model.PixelSizeNm);
                double electrons = 0;
                for (int y = cy - HalfBox; y <= cy + HalfBox; y++)
                {
                    for (int x = cx - HalfBox; x <= cx + HalfBox; x++)
                    {
                        electrons += (frame[x, y] - model.BaselineAdu) * model.ElectronsPerAdu;
                    }
                }

                double measured = (electrons / model.QuantumEfficiency) - (BackgroundPhotons * boxPixels);

                // Var(e) = QE·(N + b·box) + box·(σread² + g²/12); in photons divide by QE².
                double g = model.ElectronsPerAdu;
                double variance = ((model.QuantumEfficiency * (truePhotons + (BackgroundPhotons * boxPixels)))
                    + (boxPixels * ((model.ReadNoiseElectrons * model.ReadNoiseElectrons) + (g * g / 12))))
                    / (model.QuantumEfficiency * model.QuantumEfficiency);
                double z = (measured - truePhotons) / Math.Sqrt(variance);
                sumZ += z;
                sumZ2 += z * z;
                truthTotal += truePhotons;
                measuredTotal += measured;
                samples++;
            }
        });

        // The run covers dyes fully on (2000 photons = 250 000/s × 8 ms), partly on, and off.
        Assert.True(partial > 100 && off > 100, $"partial {partial}, off {off}");
        double meanZ = sumZ / samples;
        double varZ = (sumZ2 / samples) - (meanZ * meanZ);
        Assert.True(Math.Abs(meanZ) < 4 / Math.Sqrt(samples), $"mean z {meanZ} over {samples}");
        Assert.InRange(varZ, 0.9, 1.1);
        Assert.Equal(1, measuredTotal / truthTotal, 0.01);
    }

    [Fact]
    public void TruthPositions_OfFiducials_MoveWithConfiguredDrift()
    {
        var drift = new DriftSettings
        {
            VelocityXNmPerS = 20,
            VelocityYNmPerS = -10,
            VelocityZNmPerS = 5,
            SineAmplitudeXNm = 15,
            SineAmplitudeYNm = 7,
            SinePeriodS = 2,
        };
        var settings = TestRigs.Rig(TestRigs.Scmos, 32, TestRigs.EmptySample(fiducials: 3), 5) with
        {
            Camera = new CameraSettings { Model = TestRigs.Scmos, WidthPx = 32, HeightPx = 32, FrameRateHz = 10, ExposureMs = 50 },
            Drift = drift,
        };
        using var camera = new SimulatedCamera(settings, 5);

        TestRigs.Run(camera, 40, frame =>
        {
            // Position at the middle of the exposure: t = index / rate + exposure / 2.
            double t = (frame.Index / 10.0) + 0.025;
            double sine = Math.Sin(2 * Math.PI * t / 2);
            Assert.Equal(frame.Index / 10.0, frame.TimestampSeconds, 1e-12);
            Assert.Equal(3, camera.LastFrameTruth.Count);
            for (int k = 0; k < 3; k++)
            {
                GroundTruthEmitter bead = camera.LastFrameTruth[k];
                SampleLabel origin = camera.Fiducials[k];
                Assert.True(camera.IsFiducial(bead.Id));
                Assert.Equal(frame.Index, bead.Frame);
                Assert.Equal(origin.XNm + (20 * t) + (15 * sine), bead.XNm, 1e-9);
                Assert.Equal(origin.YNm - (10 * t) + (7 * sine), bead.YNm, 1e-9);
                Assert.Equal(origin.ZNm + (5 * t), bead.ZNm, 1e-9);
                Assert.Equal(5000, bead.Photons);
            }
        });
    }

    [Fact]
    public void SameSeed_GivesIdenticalFramesAndTruth_AndAnotherSeedDoesNot()
    {
        var settings = TestRigs.Rig(TestRigs.Scmos, 64, new SampleSettings
        {
            Microtubules = new MicrotubuleSettings { Count = 4, LengthNm = 5000, LabelsPerUm = 100 },
            Fiducials = new FiducialSettings { Count = 1 },
        }, 20) with
        {
            Photophysics = new PhotophysicsSettings { SpontaneousActivationPerS = 2 },
            Background = new BackgroundSettings { UniformPhotonsPerPixel = 20, StructuredPhotonsPerPixel = 10, StructuredScaleNm = 2000 },
        };
        var (framesA, truthA) = Record(settings, 7);
        var (framesB, truthB) = Record(settings, 7);
        var (framesC, _) = Record(settings, 8);

        Assert.Equal(framesA, framesB);
        Assert.Equal(truthA, truthB);
        Assert.True(truthA.Count > 20, "the run must contain emitters");
        Assert.NotEqual(framesA, framesC);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SameSeed_GivesBitIdenticalFramesAndTruth_ForAnyDegreeOfParallelism(bool emccd)
    {
        // 64 rows = 4 noise blocks of 16; dense dyes so PSFs straddle the block edges.
        CameraModel model = emccd ? TestRigs.Scmos with { EmGain = 100, ReadNoiseElectrons = 20 } : TestRigs.Scmos;
        var settings = TestRigs.Rig(model, 64, new SampleSettings
        {
            Microtubules = new MicrotubuleSettings { Count = 6, LengthNm = 6000, LabelsPerUm = 200 },
            Fiducials = new FiducialSettings { Count = 2 },
        }, 20) with
        {
            Photophysics = new PhotophysicsSettings { SpontaneousActivationPerS = 3 },
            Background = new BackgroundSettings { UniformPhotonsPerPixel = 20, StructuredPhotonsPerPixel = 10, StructuredScaleNm = 2000 },
            Drift = new DriftSettings { VelocityXNmPerS = 300, VelocityYNmPerS = -200 },
        };

        var (framesOne, truthOne) = Record(settings, 11, maxDegreeOfParallelism: 1);
        var (framesAll, truthAll) = Record(settings, 11, maxDegreeOfParallelism: -1);
        var (framesThree, truthThree) = Record(settings, 11, maxDegreeOfParallelism: 3);

        Assert.True(truthOne.Count > 100, $"the run must contain emitters; got {truthOne.Count}");
        Assert.Contains(truthOne, t => Math.Abs((t.YNm / 100 % 16) - 8) > 6); // some within 2 px of a block edge
        Assert.Equal(framesOne, framesAll);
        Assert.Equal(truthOne, truthAll);
        Assert.Equal(framesOne, framesThree);
        Assert.Equal(truthOne, truthThree);
    }

    [Fact]
    public void MaxDegreeOfParallelism_MustBePositiveOrMinusOne()
    {
        var settings = TestRigs.Rig(TestRigs.Scmos, 8, TestRigs.EmptySample(), 5);

        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedCamera(settings, 1, null, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedCamera(settings, 1, null, -2));
        using var camera = new SimulatedCamera(settings, 1, null, 2);
        Assert.Equal(2, camera.MaxDegreeOfParallelism);
    }

    [Fact]
    public void Truth_OfMicrotubulesSpillingOverTheEdges_StaysOnTheSensor()
    {
        var settings = TestRigs.Rig(TestRigs.Scmos, 32, new SampleSettings
        {
            Microtubules = new MicrotubuleSettings { Count = 10, LengthNm = 10_000, LabelsPerUm = 100 },
        }, 5) with
        {
            Photophysics = new PhotophysicsSettings { SpontaneousActivationPerS = 5 },
            Drift = new DriftSettings { VelocityXNmPerS = 2000 },
        };
        using var camera = new SimulatedCamera(settings, 3);
        int seen = 0;

        // 3.2 µm field, 10 µm filaments, drifting 20 nm per frame to the right.
        TestRigs.Run(camera, 50, _ =>
        {
            seen += camera.LastFrameTruth.Count;
            Assert.All(camera.LastFrameTruth, t =>
            {
                Assert.InRange(t.XNm, 0, 3200);
                Assert.InRange(t.YNm, 0, 3200);
            });
        });
        Assert.All(camera.Labels, l => Assert.True(l.XNm is >= 0 and < 3200 && l.YNm is >= 0 and < 3200));
        Assert.True(seen > 50);
    }

    [Fact]
    public void FrameLimit_EndsTheStream_AndEndlessCameraHasNoFrameCount()
    {
        var settings = TestRigs.Rig(TestRigs.Scmos, 8, TestRigs.EmptySample(), 5);
        using var limited = new SimulatedCamera(settings, 1, frameLimit: 3);
        using var endless = new SimulatedCamera(settings, 1);
        var frame = new Frame(8, 8);

        Assert.Equal(3, limited.FrameCount);
        Assert.Null(endless.FrameCount);
        Assert.True(limited.TryReadNext(frame) && limited.TryReadNext(frame) && limited.TryReadNext(frame));
        Assert.Equal(2, frame.Index);
        Assert.False(limited.TryReadNext(frame));
        Assert.Throws<ArgumentException>(() => endless.TryReadNext(new Frame(9, 8)));
        Assert.Throws<ArgumentOutOfRangeException>(() => endless.ActivationPowerMw = -1);
    }

    [Fact]
    public void Settings_ExposureLongerThanFramePeriod_IsRejectedNamingTheField()
    {
        var settings = TestRigs.Rig(TestRigs.Scmos, 8, TestRigs.EmptySample(), 5) with
        {
            Camera = new CameraSettings { FrameRateHz = 100, ExposureMs = 20 },
        };

        var e = Assert.Throws<SettingException>(() => new SimulatedCamera(settings, 1));
        Assert.Contains("camera.exposureMs = 20", e.Message, StringComparison.Ordinal);
        Assert.Equal("camera.exposureMs", e.Path);
    }

    private static (List<ushort[]> Frames, List<GroundTruthEmitter> Truth) Record(SimulationSettings settings, ulong seed, int maxDegreeOfParallelism = -1)
    {
        using var camera = new SimulatedCamera(settings, seed, null, maxDegreeOfParallelism);
        var frames = new List<ushort[]>();
        var truth = new List<GroundTruthEmitter>();
        TestRigs.Run(camera, 20, frame =>
        {
            frames.Add((ushort[])frame.Pixels.Clone());
            truth.AddRange(camera.LastFrameTruth);
        });
        return (frames, truth);
    }
}
