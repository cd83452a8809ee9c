using System.Buffers;
using System.Threading.Channels;
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

    /// <summary>Frames queued between the simulator and the writer: bounded, Wait (the recorder never drops).</summary>
    private const int FramesInFlight = 4;

    /// <summary>
    /// Writes the acquisition; returns the number of emitter-frames in the ground truth. The simulator
    /// makes frame n + 1 (on every core) while a writer task puts frame n on disk, raw first.
    /// </summary>
    public static long Record(SimulationSettings settings, long frames, ulong seed, string outDir, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (frames < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), frames, "frames must be at least 1.");
        }

        Directory.CreateDirectory(outDir);
        using var rig = new SimulatedCamera(settings, seed, frames);
        var pool = new FramePool(rig.Width, rig.Height, FramesInFlight + 2);
        var queue = Channel.CreateBounded<(FrameLease Frame, GroundTruthEmitter[] Truth, int Count)>(
            new BoundedChannelOptions(FramesInFlight) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });
        using var raw = new RawRecorder(Path.Combine(outDir, RawFileName), rig.Width, rig.Height, settings.Camera.Model.PixelSizeNm);
        using var truth = new GroundTruthCsvWriter(Path.Combine(outDir, TruthFileName));
        using var drift = new DriftCsvWriter(Path.Combine(outDir, DriftFileName));
        using var stop = new CancellationTokenSource();
        long done = 0;
        Task writer = Task.Run(async () =>
        {
            try
            {
                await foreach ((FrameLease frame, GroundTruthEmitter[] on, int count) in queue.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    // Raw first: the frame is on disk before anything else may fail.
                    raw.Record(frame.Frame);
                    truth.Write(on.AsSpan(0, count));
                    (double dx, double dy, _) = rig.DriftAt(frame.Frame.Index);
                    drift.Write(frame.Frame.Index, dx, dy);
                    frame.Dispose();
                    ArrayPool<GroundTruthEmitter>.Shared.Return(on);
                    progress?.Invoke(Interlocked.Increment(ref done));
                }
            }
            catch
            {
                stop.Cancel();
                throw;
            }
        });

        long emitters = 0;
        try
        {
            while (true)
            {
                FrameLease lease = pool.RentAsync(stop.Token).AsTask().GetAwaiter().GetResult();
                if (!rig.TryReadNext(lease.Frame))
                {
                    lease.Dispose();
                    break;
                }

                IReadOnlyList<GroundTruthEmitter> on = rig.LastFrameTruth;
                GroundTruthEmitter[] copy = ArrayPool<GroundTruthEmitter>.Shared.Rent(Math.Max(1, on.Count));
                AsSpan(on).CopyTo(copy);
                emitters += on.Count;
                if (!queue.Writer.TryWrite((lease, copy, on.Count)))
                {
                    queue.Writer.WriteAsync((lease, copy, on.Count), stop.Token).AsTask().GetAwaiter().GetResult();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The writer failed: its exception is the one that matters (below).
        }
        finally
        {
            queue.Writer.TryComplete();
        }

        writer.GetAwaiter().GetResult();
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
