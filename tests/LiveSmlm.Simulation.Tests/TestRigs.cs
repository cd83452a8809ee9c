using LiveSmlm.Core;
using LiveSmlm.Simulation;

namespace LiveSmlm.Simulation.Tests;

/// <summary>
/// Small, fast simulated rigs the tests build on, and a helper that runs a camera for some frames.
/// Every rig is tiny (≤ 64×64 px) so the whole project stays quick on a shared 2-core machine.
/// </summary>
internal static class TestRigs
{
    public static CameraModel Scmos => new()
    {
        PixelSizeNm = 100,
        BaselineAdu = 100,
        ElectronsPerAdu = 0.5,
        EmGain = 1,
        QuantumEfficiency = 0.8,
        ReadNoiseElectrons = 1.5,
    };

    /// <summary>A sample with no dyes at all (uniform at zero density), optionally with beads.</summary>
    public static SampleSettings EmptySample(int fiducials = 0) => new()
    {
        Structure = SampleStructure.Uniform,
        Uniform = new UniformSettings { DensityPerUm2 = 0 },
        Fiducials = fiducials > 0 ? new FiducialSettings { Count = fiducials, PhotonsPerFrame = 5000 } : null,
    };

    public static SimulationSettings Rig(CameraModel model, int sizePx, SampleSettings sample, double backgroundPhotons) => new()
    {
        Camera = new CameraSettings { Model = model, WidthPx = sizePx, HeightPx = sizePx, FrameRateHz = 100, ExposureMs = 10 },
        Sample = sample,
        Background = new BackgroundSettings { UniformPhotonsPerPixel = backgroundPhotons },
    };

    /// <summary>Reads <paramref name="frames"/> frames, calling <paramref name="each"/> after each one.</summary>
    public static void Run(SimulatedCamera camera, int frames, Action<Frame> each)
    {
        var frame = new Frame(camera.Width, camera.Height);
        for (int i = 0; i < frames; i++)
        {
            Assert.True(camera.TryReadNext(frame));
            each(frame);
        }
    }
}
