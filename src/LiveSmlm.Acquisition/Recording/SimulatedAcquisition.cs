using LiveSmlm.Core;
using LiveSmlm.IO;
using LiveSmlm.Simulation;

namespace LiveSmlm.Acquisition.Recording;

/// <summary>
/// Runs the simulated rig for a number of frames into DIR/raw.ome.tif (the raw recorder) and
/// DIR/ground-truth.csv (ThunderSTORM style, frames from 1) and DIR/ground-truth-drift.csv (the true
/// drift of each frame, frames from 0): the `simulate` command's work.
/// </summary>
public static class SimulatedAcquisition
{
    public const string RawFileName = "raw.ome.tif";
    public const string TruthFileName = "ground-truth.csv";
    public const string DriftFileName = "ground-truth-drift.csv";

    /// <summary>Writes the acquisition; returns the number of emitter-frames in the ground truth.</summary>
    public static long Record(SimulationSettings settings, long frames, ulong seed, string outDir, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (frames < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), frames, "frames must be at least 1.");
        }

        Directory.CreateDirectory(outDir);
        using var rig = new SimulatedCamera(settings, seed, frames);
        var frame = new Frame(rig.Width, rig.Height);
        long emitters = 0;
        long done = 0;
        using var raw = new RawRecorder(Path.Combine(outDir, RawFileName), rig.Width, rig.Height, settings.Camera.Model.PixelSizeNm);
        using var truth = new GroundTruthCsvWriter(Path.Combine(outDir, TruthFileName));
        using var drift = new DriftCsvWriter(Path.Combine(outDir, DriftFileName));
        while (rig.TryReadNext(frame))
        {
            // Raw first: the frame is on disk before anything else may fail.
            raw.Record(frame);
            IReadOnlyList<GroundTruthEmitter> on = rig.LastFrameTruth;
            emitters += on.Count;
            truth.Write(AsSpan(on));
            (double dx, double dy, _) = rig.DriftAt(frame.Index);
            drift.Write(frame.Index, dx, dy);
            progress?.Invoke(++done);
        }

        raw.Complete();
        drift.Flush();
        return emitters;
    }

    private static ReadOnlySpan<GroundTruthEmitter> AsSpan(IReadOnlyList<GroundTruthEmitter> list) => list switch
    {
        GroundTruthEmitter[] array => array,
        List<GroundTruthEmitter> l => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(l),
        _ => list.ToArray(),
    };
}
