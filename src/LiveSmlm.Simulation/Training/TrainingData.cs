using LiveSmlm.Core;

namespace LiveSmlm.Simulation;

/// <summary>
/// How the network's training data are drawn from a profile: small crops of the profile's camera and
/// optics with a uniform blinking sample, each a run of consecutive frames (in time order, so the
/// network can read neighbours) at its own density, brightness and background.
/// </summary>
public sealed record TrainingDataSettings
{
    /// <summary>Side of each crop, px.</summary>
    public int CropPx { get; init; } = 64;

    /// <summary>Frames kept per sequence (after the kinetics have settled).</summary>
    public int FramesPerSequence { get; init; } = 64;

    /// <summary>Range of active-emitter densities, per µm², drawn log-uniformly per sequence.</summary>
    public double MinDensityPerUm2 { get; init; } = 0.1;

    public double MaxDensityPerUm2 { get; init; } = 6;

    /// <summary>Emission rate and background are each scaled by a factor drawn log-uniformly in [1/s, s].</summary>
    public double BrightnessSpread { get; init; } = 2;

    public double BackgroundSpread { get; init; } = 2;

    public void Validate()
    {
        SettingValidation.Require(CropPx is >= 16 and <= 1024 && CropPx % 4 == 0, "training.cropPx", CropPx, "a multiple of 4 in [16, 1024] px");
        SettingValidation.Require(FramesPerSequence is >= 3 and <= 10_000, "training.framesPerSequence", FramesPerSequence, "[3, 10000]");
        SettingValidation.Require(MinDensityPerUm2 > 0 && MinDensityPerUm2 <= MaxDensityPerUm2, "training.minDensityPerUm2", MinDensityPerUm2, $"(0, maxDensityPerUm2 = {MaxDensityPerUm2}]");
        SettingValidation.Require(MaxDensityPerUm2 is > 0 and <= UniformDensity.SitesPerUm2 / 2, "training.maxDensityPerUm2", MaxDensityPerUm2, $"(0, {UniformDensity.SitesPerUm2 / 2}] per µm²");
        SettingValidation.Require(BrightnessSpread is >= 1 and <= 10, "training.brightnessSpread", BrightnessSpread, "[1, 10]");
        SettingValidation.Require(BackgroundSpread is >= 1 and <= 10, "training.backgroundSpread", BackgroundSpread, "[1, 10]");
    }
}

/// <summary>
/// One training sequence in photoelectrons, the unit the engines see after the camera model: frames
/// (T × H × W), the expected background (H × W), and every emitter on in each frame.
/// </summary>
/// <param name="Frames">Row-major frames back to back, photoelectrons (ADU through the camera model).</param>
/// <param name="Background">Expected background per pixel, photoelectrons (photons × QE).</param>
/// <param name="Emitters">Frame within the sequence, x and y in px from the crop's top-left corner, photoelectrons.</param>
public sealed record TrainingSequence(int Width, int Height, int FrameCount, float[] Frames, float[] Background, IReadOnlyList<TrainingEmitter> Emitters, double DensityPerUm2);

/// <summary>An emitter of a training frame: position in px (pixel (i, j) covers [i, i+1)), signal in photoelectrons.</summary>
public readonly record struct TrainingEmitter(int Frame, float XPx, float YPx, float Photoelectrons);

/// <summary>Makes training sequences with the simulated rig itself (one definition of the physics).</summary>
public static class TrainingData
{
    /// <summary>Sequence <paramref name="index"/> of the data set with <paramref name="seed"/>: deterministic in (seed, index).</summary>
    public static TrainingSequence Simulate(SimulationSettings profile, TrainingDataSettings training, ulong seed, long index)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(training);
        training.Validate();
        var rng = Xoshiro256.ForStream(seed, 0x7261_696E, (ulong)index);
        double density = LogUniform(ref rng, training.MinDensityPerUm2, training.MaxDensityPerUm2);
        double brightness = LogUniform(ref rng, 1 / training.BrightnessSpread, training.BrightnessSpread);
        double backgroundScale = LogUniform(ref rng, 1 / training.BackgroundSpread, training.BackgroundSpread);
        int crop = training.CropPx;
        CameraSettings camera = profile.Camera with
        {
            WidthPx = crop,
            HeightPx = crop,
            Model = profile.Camera.Model with { PixelMaps = CropMaps(profile.Camera, crop, ref rng) },
        };
        SimulationSettings settings = UniformDensity.At(profile with { Camera = camera }, density);
        settings = settings with
        {
            Photophysics = settings.Photophysics with { EmissionPhotonsPerS = settings.Photophysics.EmissionPhotonsPerS * brightness },
            Background = settings.Background with
            {
                UniformPhotonsPerPixel = settings.Background.UniformPhotonsPerPixel * backgroundScale,
                StructuredPhotonsPerPixel = settings.Background.StructuredPhotonsPerPixel * backgroundScale,
            },
            Drift = new DriftSettings(),
        };

        int settle = UniformDensity.SettlingFrames(profile with { Camera = camera }, density);
        using var sim = new SimulatedCamera(settings, rng.NextUInt64(), settle + training.FramesPerSequence, maxDegreeOfParallelism: 1);
        CameraModel model = camera.Model;
        int pixels = crop * crop;
        var frames = new float[training.FramesPerSequence * pixels];
        var frame = new Frame(crop, crop);
        var emitters = new List<TrainingEmitter>();
        double pixelNm = model.PixelSizeNm;
        for (int f = 0; f < settle + training.FramesPerSequence; f++)
        {
            sim.TryReadNext(frame);
            int t = f - settle;
            if (t < 0)
            {
                continue;
            }

            model.ToPhotoelectrons(frame.Span, frames.AsSpan(t * pixels, pixels));
            foreach (GroundTruthEmitter e in sim.LastFrameTruth)
            {
                emitters.Add(new TrainingEmitter(t, (float)(e.XNm / pixelNm), (float)(e.YNm / pixelNm), (float)model.PhotonsToPhotoelectrons(e.Photons)));
            }
        }

        var background = new float[pixels];
        ReadOnlySpan<float> backgroundPhotons = sim.BackgroundPhotons;
        for (int i = 0; i < pixels; i++)
        {
            background[i] = (float)model.PhotonsToPhotoelectrons(backgroundPhotons[i]);
        }

        return new TrainingSequence(crop, crop, training.FramesPerSequence, frames, background, emitters, density);
    }

    private static double LogUniform(ref Xoshiro256 rng, double min, double max) =>
        min * Math.Exp(rng.NextDouble() * Math.Log(max / min));

    // An sCMOS camera's per-pixel maps, cut to a random crop of the sensor.
    private static PixelCalibrationMaps? CropMaps(CameraSettings camera, int crop, ref Xoshiro256 rng)
    {
        if (camera.Model.PixelMaps is not { } maps)
        {
            return null;
        }

        if (camera.WidthPx < crop || camera.HeightPx < crop)
        {
            throw new ArgumentException($"training crops of {crop} px need a sensor at least that large; the profile's is {camera.WidthPx}×{camera.HeightPx}.");
        }

        int x0 = (int)(rng.NextDouble() * (camera.WidthPx - crop + 1));
        int y0 = (int)(rng.NextDouble() * (camera.HeightPx - crop + 1));
        float[] Cut(float[] map)
        {
            var cut = new float[crop * crop];
            for (int y = 0; y < crop; y++)
            {
                map.AsSpan(((y0 + y) * camera.WidthPx) + x0, crop).CopyTo(cut.AsSpan(y * crop, crop));
            }

            return cut;
        }

        return new PixelCalibrationMaps(Cut(maps.BaselineAdu), Cut(maps.VarianceAdu2), Cut(maps.ElectronsPerAdu));
    }
}
