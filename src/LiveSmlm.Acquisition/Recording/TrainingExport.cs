using System.Globalization;
using System.Text.Json;
using LiveSmlm.Core;
using LiveSmlm.IO;
using LiveSmlm.Simulation;

namespace LiveSmlm.Acquisition.Recording;

/// <summary>
/// `simulate --training`: the network's training data from a profile's simulated rig, as HDF5 chunks
/// (chunk-NNNN.h5, <see cref="TrainingChunkWriter"/>) plus training.json naming the camera, pixel size
/// and PSF they were made with. Sequences are simulated in parallel; the output depends only on the seed.
/// </summary>
public static class TrainingExport
{
    public const string DescriptionFileName = "training.json";

    /// <summary>Sequences per chunk file.</summary>
    public const int SequencesPerChunk = 16;

    /// <summary>What training.json holds: enough for the trainer to stamp the model and refuse a mismatched profile.</summary>
    public sealed record Description(
        string Profile, string CameraType, double PixelSizeNm, double QuantumEfficiency, double EmGain, double BaselineAdu, double ElectronsPerAdu,
        double ReadNoiseElectrons, double PsfSigmaNm, int CropPx, int FramesPerSequence, long Sequences, int Chunks, ulong Seed,
        double MinDensityPerUm2, double MaxDensityPerUm2);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Writes at least <paramref name="frames"/> frames (whole sequences) to <paramref name="outDir"/>; returns the description.</summary>
    public static Description Write(string profileName, SimulationSettings settings, TrainingDataSettings training, long frames, ulong seed, string outDir, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(training);
        training.Validate();
        settings.Validate();
        if (frames < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), frames, "frames must be at least 1.");
        }

        Directory.CreateDirectory(outDir);
        long sequences = (frames + training.FramesPerSequence - 1) / training.FramesPerSequence;
        int chunks = (int)((sequences + SequencesPerChunk - 1) / SequencesPerChunk);
        long done = 0;
        for (int c = 0; c < chunks; c++)
        {
            long first = (long)c * SequencesPerChunk;
            int count = (int)Math.Min(SequencesPerChunk, sequences - first);
            var parts = new TrainingSequence[count];
            Parallel.For(0, count, k =>
            {
                parts[k] = TrainingData.Simulate(settings, training, seed, first + k);
                progress?.Invoke(Interlocked.Add(ref done, training.FramesPerSequence));
            });
            WriteChunk(Path.Combine(outDir, string.Create(CultureInfo.InvariantCulture, $"chunk-{c:D4}.h5")), parts);
        }

        CameraModel camera = settings.Camera.Model;
        var description = new Description(
            profileName, camera.IsEmccd ? "EMCCD" : "sCMOS", camera.PixelSizeNm, camera.QuantumEfficiency, camera.EmGain, camera.BaselineAdu,
            camera.ElectronsPerAdu, camera.ReadNoiseElectrons, settings.Optics.SigmaNm, training.CropPx, training.FramesPerSequence, sequences, chunks, seed,
            training.MinDensityPerUm2, training.MaxDensityPerUm2);
        File.WriteAllText(Path.Combine(outDir, DescriptionFileName), JsonSerializer.Serialize(description, Json));
        return description;
    }

    private static void WriteChunk(string path, TrainingSequence[] parts)
    {
        TrainingSequence first = parts[0];
        int pixels = first.Width * first.Height;
        var frames = new float[parts.Length * first.FrameCount * pixels];
        var background = new float[parts.Length * pixels];
        var emitters = new List<float>();
        var density = new double[parts.Length];
        for (int s = 0; s < parts.Length; s++)
        {
            parts[s].Frames.CopyTo(frames, s * first.FrameCount * pixels);
            parts[s].Background.CopyTo(background, s * pixels);
            density[s] = parts[s].DensityPerUm2;
            foreach (TrainingEmitter e in parts[s].Emitters)
            {
                emitters.AddRange([s, e.Frame, e.XPx, e.YPx, e.Photoelectrons]);
            }
        }

        TrainingChunkWriter.Write(path, parts.Length, first.FrameCount, first.Height, first.Width, frames, background, [.. emitters], density);
    }
}
