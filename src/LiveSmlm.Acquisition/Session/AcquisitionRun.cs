using LiveSmlm.Acquisition.Analysis;
using System.Diagnostics;
using System.Globalization;
using LiveSmlm.Acquisition.Engines;
using LiveSmlm.Acquisition.Pipeline;
using LiveSmlm.Acquisition.Recording;
using LiveSmlm.Core;
using LiveSmlm.Devices;
using LiveSmlm.Devices.Drivers;
using LiveSmlm.Devices.Replay;
using LiveSmlm.Devices.Simulated;
using LiveSmlm.IO;
using LiveSmlm.Localization;
using LiveSmlm.Reconstruction;

namespace LiveSmlm.Acquisition.Session;

/// <summary>
/// `livesmlm acquire`: drives a simulated rig (or a replay camera and the rig's lasers, or a real rig:
/// the Micro-Manager camera and serial lasers of the profile's device sections) through a
/// <see cref="DeviceSession"/> (connect → arm → acquire → stop → disconnect) and runs its camera through
/// the one data plane: camera stage → raw recorder (on the reader, raw first, never drops) → localizer →
/// CSV, HDF5, render, uncertainty and window-log sinks. Writes DIR/raw.ome.tif, locs.csv, locs.hdf5 +
/// locs.yaml, render.png, summary.json.
/// </summary>
/// <remarks>
/// Faults: the first failure of any stage (camera overflow or timeout, disk full, localizer) faults the
/// session from that stage's thread, which stops the camera and switches every laser off at once; a
/// laser fault seen by the watchdog does the same. The run then throws
/// <see cref="AcquisitionFailedException"/> with one line saying what failed and what was kept; every
/// frame recorded so far stays in raw.ome.tif, and summary.json records the error (when the folder can
/// still be written). Cancellation stops it the same way and throws <see cref="OperationCanceledException"/>.
/// </remarks>
public static class AcquisitionRun
{
    public const string RawFileName = SimulatedAcquisition.RawFileName;
    public const string CsvFileName = "locs.csv";
    public const string Hdf5FileName = "locs.hdf5";
    public const string RenderFileName = "render.png";
    public const string SummaryFileName = "summary.json";

    /// <summary>Batches a file sink may queue: Wait when full, so nothing is lost.</summary>
    private const int SinkCapacity = 4;

    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(0.5);

    public static AcquisitionSummary Run(AcquisitionRequest request, Action<AcquisitionStatus>? status = null, Action<string>? log = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        string? outDir = request.Record ? Path.GetFullPath(request.OutDir!) : null;
        if (outDir is not null)
        {
            PrepareOutput(outDir);
        }

        if (request.Rig is null && request.ReplayStack is null && request.Profile.HasRealDevices)
        {
            // A real rig (camera through Micro-Manager, serial lasers): the profile's device sections say where.
            using RealRig real = RealRig.Create(request.Profile, request.Profile.Name);
            using var realSession = new DeviceSession(real.Camera, real.Lasers, null, real.Trigger, request.SafetyRegistry);

            // A real camera knows its sensor only once connected (Micro-Manager says); connecting leaves every laser off.
            realSession.Connect();
            return Acquire(request, outDir, null, $"real rig '{request.Profile.Name}'", realSession, request.Profile.ToCameraModel(), real.ApplyProfile, status, log, cancel);
        }

        SimulatedRig? ownRig = request.Rig is null ? new SimulatedRig(request.Profile, request.Seed) : null;
        SimulatedRig rig = request.Rig ?? ownRig!;
        ReplayCamera? replay = null;
        try
        {
            CameraModel photonModel = request.Profile.ToCameraModel();
            if (request.ReplayStack is { } stack)
            {
                replay = ReplayCamera.Open(stack, new ReplayOptions
                {
                    FrameRateHz = request.ReplayFrameRateHz ?? request.Profile.Camera.FrameRateHz,
                    Loop = true,
                    PhotonModel = photonModel,
                });
            }

            ICamera camera = (ICamera?)replay ?? rig.Camera;
            using var session = new DeviceSession(camera, rig.Lasers, rig.Slm, rig.Trigger, request.SafetyRegistry);
            string source = request.ReplayStack is { } s ? $"replay of {Path.GetFullPath(s)}" : $"simulated rig '{rig.Profile.Name}'";
            return Acquire(request, outDir, rig, source, session, photonModel, null, status, log, cancel);
        }
        finally
        {
            replay?.Dispose();
            ownRig?.Dispose();
        }
    }

    private static AcquisitionSummary Acquire(
        AcquisitionRequest request,
        string? outDir,
        SimulatedRig? rig,
        string source,
        DeviceSession session,
        CameraModel photonModel,
        Action<DeviceSession>? afterConnect,
        Action<AcquisitionStatus>? status,
        Action<string>? log,
        CancellationToken cancel)
    {
        ICamera camera = session.Camera;
        int width = camera.Roi.Width, height = camera.Roi.Height;
        double pixelNm = camera.Info.PixelSizeNm;
        var info = new LocalizationSetInfo { PixelSizeNm = pixelNm, WidthPx = width, HeightPx = height, Frames = request.Frames ?? 0, GeneratedBy = "LiveSmlm acquire",
            Is3D = request.Calibration3D is not null };

        var settings = new LocalizerSettings
        {
            Camera = photonModel, PsfSigmaNm = request.Profile.Optics.ToOpticsSettings().SigmaNm, Calibration3D = request.Calibration3D, Psf3D = request.Psf3D,
        }.WithAnalysis(request.Profile.Analysis);
        var latency = new LatencyTracker();
        using var localizer = new TimedLocalizer(EngineCatalog.Create().Create(request.Engine, settings), latency);
        log?.Invoke($"engine {localizer.Info.Name} ({localizer.Info.Device}); camera {camera.Info.Model} {width}×{height}; {source}");

        // Every output is opened (and its header written) before a laser goes on: an unwritable or full folder fails here, dark.
        RawRecorder? raw = null;
        var opened = new List<CountingSink>();
        var watchdog = new LaserWatchdog(session.Lasers, request.LaserPollPeriod, e => session.Fault(e));
        var windows = new WindowLogSink(request.WindowFrames, () => watchdog.Powers);
        var uncertainty = new UncertaintySink();
        AcquisitionMonitors monitors = AcquisitionMonitors.Create(request, session, () => watchdog.Powers, log);
        string opening = string.Empty;
        try
        {
            if (outDir is not null)
            {
                string rawPath = Path.Combine(outDir, RawFileName);
                string csvPath = Path.Combine(outDir, CsvFileName);
                string hdfPath = Path.Combine(outDir, Hdf5FileName);
                opening = rawPath;
                raw = new RawRecorder(rawPath, width, height, pixelNm);
                opening = csvPath;
                opened.Add(new(new WriterSink("csv", new ThunderStormCsvWriter(csvPath, info))));
                opening = hdfPath;
                opened.Add(new(new WriterSink("hdf5", new PicassoHdf5Writer(hdfPath, info))));
                opened.Add(new(new RenderSink(new RenderSettings
                {
                    PixelSizeNm = request.RenderPixelNm, WidthNm = width * pixelNm, HeightNm = height * pixelNm,
                    DepthRangeNm = request.Calibration3D is { } c ? (c.ZMinNm, c.ZMaxNm) : null,
                }, Path.Combine(outDir, RenderFileName))));
            }

            opened.Add(new(uncertainty));
            opened.Add(new(windows));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            raw?.Dispose();
            opened.ForEach(x => x.Dispose());
            throw new AcquisitionFailedException($"Cannot write '{opening}': {e.Message}. Give --out a folder you can write to, with free space; the lasers were not switched on.", e, null);
        }

        CountingSink[] counted = [.. opened];
        using (raw)
        {
            try
            {
                return RunSession(request, outDir, rig, info, session, afterConnect, raw, localizer, latency, watchdog, windows, uncertainty, monitors, counted, source, status, cancel);
            }
            finally
            {
                foreach (CountingSink sink in counted)
                {
                    sink.Dispose();
                }
            }
        }
    }

    private static AcquisitionSummary RunSession(
        AcquisitionRequest request,
        string? outDir,
        SimulatedRig? rig,
        LocalizationSetInfo info,
        DeviceSession session,
        Action<DeviceSession>? afterConnect,
        RawRecorder? raw,
        ILocalizer localizer,
        LatencyTracker latency,
        LaserWatchdog watchdog,
        WindowLogSink windows,
        UncertaintySink uncertainty,
        AcquisitionMonitors monitors,
        CountingSink[] sinks,
        string source,
        Action<AcquisitionStatus>? status,
        CancellationToken cancel)
    {
        ICamera camera = session.Camera;
        double periodS = 1 / camera.FrameRateHz;
        var sequence = new SequenceOptions
        {
            FrameCount = request.Frames,
            Pacing = request.AsFastAsPossible ? FramePacing.AsFastAsPossible : FramePacing.RealTime,
            ReadTimeout = request.ReadTimeout ?? TimeSpan.FromSeconds(Math.Max(1, 20 * periodS)),
            BufferCapacityFrames = request.CameraBufferFrames,
        };
        var clock = new Stopwatch();

        // The camera starts on the reader's thread right before its first read, once the data plane is up.
        var frames = new CameraFrameSource(camera, request.Frames, latency, cancel, () =>
        {
            session.Acquire();
            clock.Start();
        });
        monitors.Attach(frames);
        Action<Frame>? preview = request.PreviewFrame;
        Action<Frame> record = (raw, preview) switch
        {
            (null, null) => static _ => { },
            (null, _) => preview,
            (_, null) => raw.Record,
            _ => f =>
            {
                raw.Record(f);
                preview(f);
            },
        };
        var pipeline = new LocalizationPipeline(frames, localizer, [.. sinks.Select(s => new SinkChannel(s, SinkCapacity)), .. monitors.Sinks(), .. request.ExtraSinks], new PipelineOptions
        {
            BatchFrames = request.BatchFrames,
            RecordFrame = monitors.RecordHook(record),
            OnFault = e => session.Fault(e),
        });
        long Recorded() => raw?.FramesRecorded ?? 0;
        long NotRecorded() => raw is null ? 0 : frames.FramesRead - raw.FramesRecorded;

        TimeSpan nextStatus = TimeSpan.Zero;
        AcquisitionStatus Snapshot() => new(
            clock.Elapsed.TotalSeconds,
            frames.FramesRead,
            Recorded(),
            pipeline.FramesLocalized,
            pipeline.Localizations,
            frames.FramesRead - pipeline.FramesLocalized,
            pipeline.FramesLocalized - sinks.Min(x => x.Frames),
            NotRecorded(),
            watchdog.Powers);

        PipelineResult? result = null;
        Exception? failure = null;
        if (session.State == SessionState.Disconnected)
        {
            session.Connect();
        }

        try
        {
            afterConnect?.Invoke(session);
            session.Arm(sequence);
            request.SessionReady?.Invoke(session);
            watchdog.Start();
            result = pipeline.RunAsync(
                _ =>
                {
                    if (status is not null && clock.Elapsed >= nextStatus)
                    {
                        nextStatus = clock.Elapsed + StatusInterval;
                        status(Snapshot());
                    }
                },
                cancel).GetAwaiter().GetResult();
        }
#pragma warning disable CA1031 // Not swallowed: the session is faulted with it and it is rethrown below.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = e;
        }
        finally
        {
            clock.Stop();
            watchdog.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        // Lasers off before anything else: Fault when anything failed (a no-op if a stage already did), else Stop.
        if (failure is not null && session.State != SessionState.Faulted)
        {
            session.Fault(failure);
        }
        else if (session.State is SessionState.Acquiring or SessionState.Armed)
        {
            session.Stop();
        }

        // A laser fault stops the camera, so the pipeline ends as if the sequence were done: the session knows why.
        failure ??= session.FaultReason;
        try
        {
            session.Disconnect();
        }
        catch (Exception e) when (e is DeviceFaultException or AggregateException)
        {
            // A laser that could not be confirmed off: the summary line names it (from its shut-off record).
            failure ??= e;
        }
        status?.Invoke(Snapshot());

        IReadOnlyList<string> extra = [];
        if (failure is null)
        {
            raw?.Complete();
            try
            {
                if (outDir is not null)
                {
                    extra = monitors.WriteOutputs(
                        outDir, Path.Combine(outDir, CsvFileName), info, request.ReplayStack is null ? rig : null, frames.FramesRead, request.RenderPixelNm, $"{request.Profile.Name}, {frames.FramesRead} frames");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failure = e;
            }
        }
        else
        {
            windows.Flush();
            monitors.Flush();
        }

        string[] notOff = [.. session.Lasers.Where(l => l.LastShutOff is { Succeeded: false }).Select(l => l.Name)];
        string lasers = notOff.Length == 0
            ? "The lasers are off"
            : $"Laser {string.Join(", ", notOff.Select(n => $"'{n}'"))} could NOT be confirmed off: switch it off by hand; the others are off";
        AcquisitionSummary summary = Summarize(request, outDir, source, camera, localizer.Info, frames, raw, pipeline, result, latency, windows, uncertainty, clock.Elapsed.TotalSeconds, failure, lasers) with
        {
            StoppedEarly = monitors.StopReason,
            Feedback = monitors.FeedbackSummary(),
            DensityLog = monitors.Density?.Log,
            Drift = outDir is null ? null : monitors.DriftSummary(outDir),
            Resolution = monitors.ResolutionSummary(),
        };
        summary = summary with { Outputs = [.. summary.Outputs, .. extra] };
        string? summaryPath = outDir is null ? null : Path.Combine(outDir, SummaryFileName);
        if (failure is null)
        {
            if (summaryPath is not null)
            {
                File.WriteAllText(summaryPath, summary.ToJson());
            }

            return summary;
        }

        if (failure is OperationCanceledException)
        {
            if (summaryPath is not null)
            {
                TryWrite(summaryPath, summary.ToJson());
            }

            throw failure;
        }

        string line = summary.Error!;
        if (summaryPath is not null && !TryWrite(summaryPath, summary.ToJson()))
        {
            line += " (summary.json could not be written either)";
        }

        throw new AcquisitionFailedException(line, failure, summary);
    }

    private static AcquisitionSummary Summarize(
        AcquisitionRequest request,
        string? outDir,
        string source,
        ICamera camera,
        EngineInfo engine,
        CameraFrameSource frames,
        RawRecorder? raw,
        LocalizationPipeline pipeline,
        PipelineResult? result,
        LatencyTracker latency,
        WindowLogSink windows,
        UncertaintySink uncertainty,
        double seconds,
        Exception? failure,
        string lasers)
    {
        long acquired = frames.FramesRead;
        long recorded = raw?.FramesRecorded ?? 0;
        long notRecorded = raw is null ? 0 : acquired - recorded;
        long cameraLost = failure is CameraOverflowException overflow ? overflow.BehindFrames : 0;
        long localized = pipeline.FramesLocalized;
        var dropped = new Dictionary<string, long>
        {
            ["camera"] = cameraLost,
            ["recording"] = notRecorded,
            ["localizer"] = failure is null ? recorded - localized : 0,
        };
        LatencyHistogram h = latency.Histogram;
        string? error = failure is null ? null : Describe(failure, acquired, recorded, request.Frames, outDir, lasers);
        return new AcquisitionSummary
        {
            Source = source,
            Profile = request.Profile.Name,
            Pacing = request.AsFastAsPossible ? "as-fast-as-possible" : "real-time",
            FrameRateHz = camera.FrameRateHz,
            Engine = engine.Name,
            Device = engine.Device,
            Machine = MachineInfo.Describe(),
            WidthPx = camera.Roi.Width,
            HeightPx = camera.Roi.Height,
            PixelSizeNm = camera.Info.PixelSizeNm,
            FramesRequested = request.Frames,
            FramesAcquired = acquired,
            FramesRecorded = recorded,
            FramesDropped = cameraLost + notRecorded,
            DroppedByStage = dropped,
            FramesLocalized = localized,
            Localizations = pipeline.Localizations,
            MeanFps = Math.Round(acquired / Math.Max(seconds, 1e-9), 1),
            Seconds = Math.Round(seconds, 3),
            LocalizerLatencyMs = new Dictionary<string, double>
            {
                ["p50"] = Math.Round(h.Percentile(0.5), 3),
                ["p99"] = Math.Round(h.Percentile(0.99), 3),
                ["max"] = Math.Round(h.MaxMs, 3),
            },
            MedianUncertaintyNm = Math.Round(uncertainty.Median, 2),
            StageSeconds = result?.AllStages().ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 4)) ?? new Dictionary<string, double>(),
            Sinks = result?.Sinks ?? [],
            WindowFrames = request.WindowFrames,
            Windows = windows.Windows,
            PeakWorkingSetBytes = Process.GetCurrentProcess().PeakWorkingSet64,
            Error = error,
            Outputs = outDir is null ? [] :
            [
                Path.Combine(outDir, RawFileName), Path.Combine(outDir, CsvFileName), Path.Combine(outDir, Hdf5FileName),
                PicassoHdf5Writer.YamlPath(Path.Combine(outDir, Hdf5FileName)), Path.Combine(outDir, RenderFileName), Path.Combine(outDir, SummaryFileName),
            ],
        };
    }

    /// <summary>The one line for a failed run: what failed, lasers off, what was kept, what to do.</summary>
    private static string Describe(Exception failure, long acquired, long recorded, long? requested, string? outDir, string lasers)
    {
        string what = failure switch
        {
            OperationCanceledException => "cancelled",
            IOException or UnauthorizedAccessException => $"writing the output failed ({failure.Message}); check that '{outDir}' is writable and has free space",
            _ => failure.Message,
        };
        what = what.TrimEnd('.');
        string of = requested is { } n ? string.Create(CultureInfo.InvariantCulture, $" of {n}") : string.Empty;
        if (outDir is null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"acquisition stopped after {acquired}{of} frames: {what}. {lasers}; recording was off, so nothing was written.");
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"acquisition stopped after {acquired}{of} frames: {what}. {lasers}; {recorded} frames are kept in '{Path.Combine(outDir, RawFileName)}' (run `livesmlm recover {outDir}` to finish the localization files).");
    }

    private static void PrepareOutput(string outDir)
    {
        try
        {
            Directory.CreateDirectory(outDir);
            string probe = Path.Combine(outDir, ".livesmlm-write-test");
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AcquisitionFailedException(
                $"The output folder '{outDir}' cannot be written ({e.Message}). Give --out a folder you can write to, with free space; the lasers were not switched on.", e, null);
        }
    }

    private static bool TryWrite(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
