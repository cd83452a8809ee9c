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
        var engine = new Option<string>("--engine") { Description = "Localization backend: auto (CUDA when present, else cpu), cpu, gpu, ilgpu-cpu.", DefaultValueFactory = _ => "auto" };
        engine.AcceptOnlyFromAmong([.. EngineCatalog.Names]);
        var fast = new Option<bool>("--as-fast-as-possible") { Description = "Deliver frames as fast as the pipeline takes them instead of at the camera's frame rate (simulator and replay)." };
        var replay = new Option<FileInfo?>("--replay") { Description = "Replay this recorded stack (any format analyze reads) as the camera, in a loop; the profile's lasers stay simulated." };
        var replayFps = new Option<double?>("--replay-fps") { Description = "Replay rate, frames/s (default: the profile's camera rate)." };
        var seed = new Option<ulong>("--seed") { Description = "Random seed of the simulated sample.", DefaultValueFactory = _ => 1 };
        var window = new Option<int>("--window-frames") { Description = "Frames per entry of summary.json's window log.", DefaultValueFactory = _ => 100 };

        var command = new Command("acquire", "Acquire from a rig (simulated, or a replayed stack) with live localization and lossless raw recording.")
        {
            profile, frames, outDir, engine, fast, replay, replayFps, seed, window,
        };
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

            var request = new AcquisitionRequest
            {
                Profile = HardwareProfile.Load(parse.GetValue(profile)!.FullName),
                Frames = n,
                OutDir = parse.GetValue(outDir)!.FullName,
                Engine = CliEngines.Check(parse.GetValue(engine)!),
                AsFastAsPossible = parse.GetValue(fast),
                ReplayStack = replayFile?.FullName,
                ReplayFrameRateHz = parse.GetValue(replayFps),
                Seed = parse.GetValue(seed),
                WindowFrames = parse.GetValue(window),
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
