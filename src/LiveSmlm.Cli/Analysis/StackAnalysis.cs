using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using LiveSmlm.Core;
using LiveSmlm.IO;
using LiveSmlm.Localization;
using LiveSmlm.Reconstruction;

namespace LiveSmlm.Cli.Analysis;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// Re-analyses a recorded stack with the live engine: a reader task streams batches of pooled frames
/// through a bounded channel to the localizer, whose output goes straight to the writers and the
/// renderer. Memory does not grow with the stack's length.
/// </summary>
public static class StackAnalysis
{
    /// <summary>Batches in flight between reader and localizer; Wait when full (no frame may be lost).</summary>
    private const int ChannelBatches = 2;

    public static AnalysisSummary Run(AnalysisOptions options, Action<long>? progress = null, Action<string>? log = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Localizer.Validate();
        if (options.BatchFrames is < 1 or > 4096)
        {
            throw new UsageException($"--batch-frames must be within [1, 4096]; got {options.BatchFrames}.");
        }

        if (options.RenderPixelNm is < 0.5 or > 1000)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--render-pixel-nm must be within [0.5, 1000] nm; got {options.RenderPixelNm}."));
        }

        using IFrameSource source = FrameSources.Open(options.StackPath);
        Directory.CreateDirectory(options.OutDir);
        CameraModel camera = options.Camera;
        double pixelNm = camera.PixelSizeNm;
        var info = new LocalizationSetInfo
        {
            PixelSizeNm = pixelNm,
            WidthPx = source.Width,
            HeightPx = source.Height,
            Frames = source.FrameCount ?? 0,
            GeneratedBy = "LiveSmlm analyze",
        };

        string csvPath = Path.Combine(options.OutDir, "locs.csv");
        string hdfPath = Path.Combine(options.OutDir, "locs.hdf5");
        string pngPath = Path.Combine(options.OutDir, "render.png");
        var renderer = new GaussianRenderer(new RenderSettings
        {
            PixelSizeNm = options.RenderPixelNm,
            WidthNm = source.Width * pixelNm,
            HeightNm = source.Height * pixelNm,
        });
        var uncertainty = new UncertaintyHistogram();
        using Engines.Choice engine = Engines.Create(options.Engine, options.Localizer);
        ILocalizer localizer = engine.Localizer;
        log?.Invoke($"engine {engine.Engine} ({engine.Device})");
        var clock = Stopwatch.StartNew();
        long frames = 0;
        long localizations = 0;


        using (var csv = new ThunderStormCsvWriter(csvPath, info))
        using (var hdf = new PicassoHdf5Writer(hdfPath, info))
        {
            var output = new List<Localization>(4096);
            Pump(source, camera, options.BatchFrames, options.StackPath, batch =>
            {
                output.Clear();
                localizer.Localize(batch, output);
                ReadOnlySpan<Localization> found = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output);
                csv.Write(found);
                hdf.Write(found);
                renderer.Add(found);
                foreach (ref readonly Localization loc in found)
                {
                    uncertainty.Add(0.5 * (loc.UncertaintyXNm + loc.UncertaintyYNm));
                }

                localizations += found.Length;
                frames += batch.Count;
                progress?.Invoke(frames);
            }, cancel);

            csv.Complete();
            hdf.Complete();
        }

        ImageExport.WriteRenderPng(pngPath, renderer.Image, renderer.Width, renderer.Height);
        double seconds = clock.Elapsed.TotalSeconds;
        var summary = new AnalysisSummary
        {
            Stack = Path.GetFullPath(options.StackPath),
            Engine = engine.Engine,
            Device = engine.Device,
            Machine = MachineInfo.Describe(),
            WidthPx = source.Width,
            HeightPx = source.Height,
            PixelSizeNm = pixelNm,
            Frames = frames,
            Localizations = localizations,
            Detections = localizer.Detections,
            FitsAttempted = localizer.FitsAttempted,
            Rejections = localizer.Rejections.ToDictionary(),
            MedianUncertaintyNm = Math.Round(uncertainty.Median(), 2),
            Seconds = Math.Round(seconds, 3),
            FramesPerSecond = Math.Round(frames / Math.Max(seconds, 1e-9), 1),
            FitsPerSecond = Math.Round(localizer.FitsAttempted / Math.Max(seconds, 1e-9), 1),
            PeakWorkingSetBytes = Process.GetCurrentProcess().PeakWorkingSet64,
            Outputs = [csvPath, hdfPath, Path.ChangeExtension(hdfPath, ".yaml"), pngPath],
        };
        File.WriteAllText(Path.Combine(options.OutDir, "summary.json"), summary.ToJson());
        return summary;
    }

    /// <summary>
    /// Reads frames on a background task into pooled buffers and hands batches to
    /// <paramref name="consume"/> on this thread. Returns the number of frames read.
    /// </summary>
    private static long Pump(IFrameSource source, CameraModel camera, int batchFrames, string path, Action<IReadOnlyList<Frame>> consume, CancellationToken cancel)
    {
        // Bounded, Wait: a re-analysis must not drop frames; the reader simply waits for the localizer.
        var full = Channel.CreateBounded<Frame[]>(new BoundedChannelOptions(ChannelBatches) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });
        var free = Channel.CreateUnbounded<Frame[]>();
        for (int i = 0; i < ChannelBatches + 2; i++)
        {
            var batch = new Frame[batchFrames];
            for (int j = 0; j < batchFrames; j++)
            {
                batch[j] = new Frame(source.Width, source.Height);
            }

            free.Writer.TryWrite(batch);
        }

        long read = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var reader = Task.Run(async () =>
        {
            try
            {
                bool more = true;
                while (more)
                {
                    Frame[] batch = await free.Reader.ReadAsync(stop.Token).ConfigureAwait(false);
                    int n = 0;
                    while (n < batch.Length && (more = source.TryReadNext(batch[n])))
                    {
                        if (read == 0)
                        {
                            CheckBaseline(batch[n], camera, path);
                        }

                        n++;
                        read++;
                    }

                    if (n > 0)
                    {
                        await full.Writer.WriteAsync(n == batch.Length ? batch : batch[..n], stop.Token).ConfigureAwait(false);
                    }
                }

                full.Writer.Complete();
            }
            catch (Exception ex)
            {
                full.Writer.Complete(ex);
            }
        }, stop.Token);

        try
        {
            while (full.Reader.WaitToReadAsync(stop.Token).AsTask().GetAwaiter().GetResult())
            {
                while (full.Reader.TryRead(out Frame[]? batch))
                {
                    consume(batch);
                    if (batch.Length == batchFrames)
                    {
                        free.Writer.TryWrite(batch);
                    }
                }
            }
        }
        catch
        {
            stop.Cancel();
            throw;
        }
        finally
        {
            try
            {
                reader.Wait(CancellationToken.None);
            }
            catch (AggregateException) when (stop.IsCancellationRequested)
            {
                // The consumer failed first; its exception is the one that propagates.
            }
        }

        // The channel completed with the reader's exception, if any: surface it unwrapped.
        full.Reader.Completion.GetAwaiter().GetResult();
        return read;
    }

    private static void CheckBaseline(Frame first, CameraModel camera, string path)
    {
        if (camera.PixelMaps is not null)
        {
            return;
        }

        int max = 0;
        foreach (ushort v in first.Span)
        {
            max = Math.Max(max, v);
        }

        if (max <= camera.BaselineAdu)
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"The camera baseline {camera.BaselineAdu} ADU is at or above every pixel of the first frame of '{path}' (brightest pixel {max} ADU): set --baseline-adu (or the profile's camera.baselineAdu) to the camera's dark offset, below the data."));
        }
    }
}
