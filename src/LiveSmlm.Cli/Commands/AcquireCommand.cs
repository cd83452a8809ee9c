using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LiveSmlm.Acquisition.Engines;
using LiveSmlm.Acquisition.Session;
using LiveSmlm.Devices.Profiles;

namespace LiveSmlm.Cli.Commands;

/// <summary>
/// `livesmlm acquire --profile FILE --frames N --out DIR`: runs the profile's simulated rig (or replays a
/// stack as its camera) through the live data plane and writes raw.ome.tif, locs.hdf5 + locs.yaml,
/// locs.csv, render.png and summary.json (<see cref="AcquisitionRun"/>). Only parses and prints.
/// </summary>
public static class AcquireCommand
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static Command Create(CliConsole console)
    {
        var profile = new Option<FileInfo>("--profile") { Description = "Hardware profile (JSON) of the rig, e.g. hardware-profiles/simulated-storm.json.", Required = true };
        var frames = new Option<long>("--frames") { Description = "Number of frames to acquire.", Required = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Output folder (created if missing).", Required = true };
        var engine = new Option<string>("--engine") { Description = "Localization backend: auto (CUDA when present, else cpu), cpu, gpu, ilgpu-cpu, network (the shipped model for the profile's camera).", DefaultValueFactory = _ => "auto" };
        engine.AcceptOnlyFromAmong([.. EngineCatalog.Names]);
        var fast = new Option<bool>("--as-fast-as-possible") { Description = "Deliver frames as fast as the pipeline takes them instead of at the camera's frame rate (simulator and replay)." };
        var replay = new Option<FileInfo?>("--replay") { Description = "Replay this recorded stack (any format analyze reads) as the camera, in a loop; the profile's lasers stay simulated." };
        var replayFps = new Option<double?>("--replay-fps") { Description = "Replay rate, frames/s (default: the profile's camera rate)." };
        var seed = new Option<ulong>("--seed") { Description = "Random seed of the simulated sample.", DefaultValueFactory = _ => 1 };
        var window = new Option<int>("--window-frames") { Description = "Frames per entry of summary.json's window log and density log.", DefaultValueFactory = _ => 100 };
        var feedback = new Option<string>("--feedback") { Description = "Closed-loop activation feedback on the 405 nm laser (setpoint and gains from the profile's feedback section): on | off.", DefaultValueFactory = _ => "off" };
        feedback.AcceptOnlyFromAmong("on", "off");
        var setpoint = new Option<double?>("--setpoint") { Description = "Localizations per frame the feedback holds (overrides the profile's feedback.setpointLocalizationsPerFrame)." };
        var monitor = new Option<string>("--monitor") { Description = "Live drift (RCC, beads when the sample has them) and FRC resolution, with drift.csv, drift.png and the drift-corrected localizations and render: on | off.", DefaultValueFactory = _ => "on" };
        monitor.AcceptOnlyFromAmong("on", "off");
        var stopNm = new Option<double?>("--stop-resolution-nm") { Description = "Stop once the live FRC resolution improved by less than this (nm) over --stop-resolution-frames frames (overrides the profile's monitoring section)." };
        var stopFrames = new Option<int?>("--stop-resolution-frames") { Description = "The span of frames for --stop-resolution-nm (default: the profile's monitoring.stopResolutionOverFrames, 5000)." };

        var command = new Command("acquire", "Acquire from a rig (simulated, or a replayed stack) with live localization and lossless raw recording.")
        {
            profile, frames, outDir, engine, fast, replay, replayFps, seed, window, feedback, setpoint, monitor, stopNm, stopFrames,
        };
        var multiEmitterOptions = new MultiEmitterCliOptions();
        multiEmitterOptions.AddTo(command);
        command.SetAction(parse => CliErrors.Guard(console, () =>
        {
            long n = parse.GetValue(frames);
            if (n < 1)
            {
                throw new UsageException($"--frames must be at least 1; got {n}.");
            }

            FileInfo? replayFile = parse.GetValue(replay);
            if (parse.GetValue(replayFps) is not null && replayFile is null)
            {
                throw new UsageException("--replay-fps needs --replay STACK.");
            }

            if (replayFile is not null && !replayFile.Exists)
            {
                throw new FileNotFoundException($"Replay stack '{replayFile.FullName}' does not exist.", replayFile.FullName);
            }

            bool feedbackOn = parse.GetValue(feedback) == "on";
            if (parse.GetValue(setpoint) is { } sp && !(double.IsFinite(sp) && sp > 0))
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--setpoint must be > 0 localizations per frame; got {sp}."));
            }

            if (parse.GetValue(setpoint) is not null && !feedbackOn)
            {
                throw new UsageException("--setpoint needs --feedback on.");
            }

            bool monitorOn = parse.GetValue(monitor) == "on";
            if (parse.GetValue(stopNm) is { } nm && !(double.IsFinite(nm) && nm >= 0))
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--stop-resolution-nm must be ≥ 0 nm; got {nm}."));
            }

            if (parse.GetValue(stopFrames) is { } sf && sf < 1)
            {
                throw new UsageException($"--stop-resolution-frames must be at least 1; got {sf}.");
            }

            if ((parse.GetValue(stopNm) is not null || parse.GetValue(stopFrames) is not null) && !monitorOn)
            {
                throw new UsageException("--stop-resolution-nm and --stop-resolution-frames need --monitor on.");
            }

            HardwareProfile rig = HardwareProfile.Load(parse.GetValue(profile)!.FullName);
            var request = new AcquisitionRequest
            {
                Profile = rig with { Analysis = multiEmitterOptions.Apply(parse, rig.Analysis) },
                Frames = n,
                OutDir = parse.GetValue(outDir)!.FullName,
                Engine = CliEngines.Check(parse.GetValue(engine)!),
                AsFastAsPossible = parse.GetValue(fast),
                ReplayStack = replayFile?.FullName,
                ReplayFrameRateHz = parse.GetValue(replayFps),
                Seed = parse.GetValue(seed),
                WindowFrames = parse.GetValue(window),
                Feedback = feedbackOn,
                SetpointLocalizationsPerFrame = parse.GetValue(setpoint),
                Monitor = monitorOn,
                StopResolutionImprovementNm = parse.GetValue(stopNm),
                StopResolutionOverFrames = parse.GetValue(stopFrames),
            };
            return Run(console, request);
        }));
        return command;
    }

    private static int Run(CliConsole console, AcquisitionRequest request)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            // Stop cleanly: the run switches the lasers off (the safety registry does too) and keeps every frame.
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        var plain = Stopwatch.StartNew();
        TimeSpan next = PlainInterval;
        try
        {
            AcquisitionSummary summary = AcquisitionRun.Run(
                request,
                status =>
                {
                    if (console.Interactive)
                    {
                        console.Err.Write("\r" + StatusLine(status, request.Frames!.Value) + "   ");
                    }
                    else if (plain.Elapsed >= next)
                    {
                        next = plain.Elapsed + PlainInterval;
                        console.Err.WriteLine(StatusLine(status, request.Frames!.Value));
                    }
                },
                console.Err.WriteLine,
                cancel.Token);
            if (console.Interactive)
            {
                console.Err.WriteLine();
            }

            if (summary.StoppedEarly is { } why)
            {
                console.Err.WriteLine($"stopped early: {why}");
            }

            if (summary.Feedback is { } fb)
            {
                console.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"feedback: setpoint {fb.SetpointLocalizationsPerFrame} localizations/frame, {fb.Updates} updates, {fb.Laser} laser at {fb.FinalPowerMw} mW of {fb.MaxPowerMw} mW{(fb.Exhausted ? ", sample exhausted" : string.Empty)}"));
            }

            if (summary.Drift is { } drift)
            {
                string frc = summary.Resolution?.FrcNm?.ToString("0.0", CultureInfo.InvariantCulture) ?? "not resolved";
                console.Err.WriteLine(drift.Reliable
                    ? string.Create(CultureInfo.InvariantCulture, $"drift ({drift.Method}): at most {drift.MaxDriftNm} nm; FRC resolution {frc} nm")
                    : $"warning: drift ({drift.Method}) is not reliable: {drift.UnreliableReason}. {drift.Advice} FRC resolution {frc} nm");
            }

            console.Err.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{summary.FramesAcquired} frames acquired, {summary.FramesRecorded} recorded, {summary.FramesDropped} dropped, {summary.Localizations} localizations, {summary.MeanFps} frames/s, localizer latency p50 {summary.LocalizerLatencyMs["p50"]} ms p99 {summary.LocalizerLatencyMs["p99"]} ms ({summary.Engine}) → {request.OutDir}"));
            return CliErrors.Ok;
        }
        catch (AcquisitionFailedException e)
        {
            if (console.Interactive)
            {
                console.Err.WriteLine();
            }

            console.Err.WriteLine("error: " + e.Message);
            return CliErrors.Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    private static string StatusLine(AcquisitionStatus s, long total) => string.Create(
        CultureInfo.InvariantCulture,
        $"acquire: {s.FramesAcquired}/{total} frames, {s.FramesPerSecond:F0} frames/s, {s.LocalizationsPerFrame:F1} locs/frame, queues: frames {s.FrameQueue}, sinks {s.SinkQueue}, dropped {s.Dropped}, lasers {LaserWatchdog.Describe(s.LaserPowersMw)}");
}
