using System.Diagnostics;
using System.Globalization;
using LiveSmlm.Acquisition.Engines;
using LiveSmlm.Acquisition.Pipeline;
using LiveSmlm.Core;
using LiveSmlm.IO;
using LiveSmlm.Localization;
using LiveSmlm.Reconstruction;

namespace LiveSmlm.Acquisition.Analysis;

/// <summary>
/// Re-analyses a recorded stack with the live engine on the one data plane: the file is one more frame
/// source; the CSV, HDF5, render and uncertainty sinks each run behind their own channel. Memory does
/// not grow with the stack's length. Writes DIR/locs.csv, locs.hdf5 + locs.yaml, render.png, summary.json.
/// </summary>
public static class StackAnalysis
{
    /// <summary>Batches a file sink may queue: Wait when full, so nothing is lost.</summary>
    private const int SinkCapacity = 4;

    public static RunSummary Run(AnalysisRequest request, Action<long>? progress = null, Action<string>? log = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        using IFrameSource source = FrameSources.Open(request.StackPath);
        if (source is TiffStackReader { Warning: { } cut })
        {
            log?.Invoke("warning: " + cut);
        }

        Directory.CreateDirectory(request.OutDir);
        CameraModel camera = request.Camera;
        double pixelNm = camera.PixelSizeNm;
        var info = new LocalizationSetInfo
        {
            PixelSizeNm = pixelNm,
            WidthPx = source.Width,
            HeightPx = source.Height,
            Frames = source.FrameCount ?? 0,
            GeneratedBy = "LiveSmlm analyze",
            Is3D = request.Localizer.Is3D,
        };

        string csvPath = Path.Combine(request.OutDir, "locs.csv");
        string hdfPath = Path.Combine(request.OutDir, "locs.hdf5");
        string pngPath = Path.Combine(request.OutDir, "render.png");
        string engine = request.Engine;
        using ILocalizer localizer = EngineCatalog.Create().Create(engine, request.Localizer);
        log?.Invoke($"engine {localizer.Info.Name} ({localizer.Info.Device})");
        var uncertainty = new UncertaintySink();
        using var csv = new WriterSink("csv", new ThunderStormCsvWriter(csvPath, info));
        using var hdf = new WriterSink("hdf5", new PicassoHdf5Writer(hdfPath, info));
        using var render = new RenderSink(
            new RenderSettings
            {
                PixelSizeNm = request.RenderPixelNm, WidthNm = source.Width * pixelNm, HeightNm = source.Height * pixelNm,
                DepthRangeNm = request.Localizer.Calibration3D is { } c ? (c.ZMinNm, c.ZMaxNm) : null,
            },
            pngPath);
        SinkChannel[] sinks = [new(csv, SinkCapacity), new(hdf, SinkCapacity), new(render, SinkCapacity), new(uncertainty, SinkCapacity)];
        var pipeline = new LocalizationPipeline(source, localizer, sinks, new PipelineOptions
        {
            BatchFrames = request.BatchFrames,
            InspectFirstFrame = first => CheckBaseline(first, camera, request.StackPath),
        });

        // The one place that waits for the data plane: the caller is a command-line program.
        PipelineResult result = pipeline.RunAsync(progress, cancel).GetAwaiter().GetResult();
        RunSummary summary = Summarize(request.StackPath, source, pixelNm, result, uncertainty.Median, [csvPath, hdfPath, PicassoHdf5Writer.YamlPath(hdfPath), pngPath]);
        File.WriteAllText(Path.Combine(request.OutDir, "summary.json"), summary.ToJson());
        return summary;
    }

    /// <summary>The summary of a pipeline run over <paramref name="source"/>.</summary>
    public static RunSummary Summarize(string stack, IFrameSource source, double pixelNm, PipelineResult result, double medianUncertaintyNm, IReadOnlyList<string> outputs)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(result);
        double seconds = Math.Max(result.Seconds, 1e-9);
        LocalizerStatistics stats = result.Localizer;
        return new RunSummary
        {
            Stack = Path.GetFullPath(stack),
            Engine = result.Engine.Name,
            Device = result.Engine.Device,
            Machine = MachineInfo.Describe(),
            WidthPx = source.Width,
            HeightPx = source.Height,
            PixelSizeNm = pixelNm,
            Frames = result.Frames,
            Localizations = result.Localizations,
            Detections = stats.Detections,
            FitsAttempted = stats.FitsAttempted,
            MultiEmitterFitsAttempted = stats.MultiEmitterFitsAttempted,
            MultiEmitterFitsAccepted = stats.MultiEmitterFitsAccepted,
            GroupsByEmitters = stats.GroupsByEmitters,
            EmittersFromResidual = stats.EmittersFromResidual,
            Rejections = stats.Rejections,
            MedianUncertaintyNm = Math.Round(medianUncertaintyNm, 2),
            Seconds = Math.Round(result.Seconds, 3),
            FramesPerSecond = Math.Round(result.Frames / seconds, 1),
            FitsPerSecond = Math.Round(stats.FitsAttempted / seconds, 1),
            LocalizationsPerSecond = Math.Round(result.Localizations / seconds, 1),
            CoresUsed = Math.Round(result.CpuSeconds / seconds, 2),
            StageSeconds = result.AllStages().ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 4)),
            Sinks = result.Sinks,
            PeakWorkingSetBytes = Process.GetCurrentProcess().PeakWorkingSet64,
            Outputs = outputs,
        };
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
                $"The camera baseline {camera.BaselineAdu} ADU is at or above every pixel of the first frame of '{path}' (brightest pixel {max} ADU): set the camera's baseline (the profile's camera.baselineAdu) to the camera's dark offset, below the data."));
        }
    }
}
