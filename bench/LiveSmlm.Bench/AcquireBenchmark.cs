using System.Globalization;
using LiveSmlm.Acquisition.Recording;
using LiveSmlm.Acquisition.Session;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Simulation;

namespace LiveSmlm.Bench;

/// <summary>
/// The live data plane without the simulator's cost: a recorded 256×256 stack (~30–50 emitters per
/// frame) replayed as fast as possible through `acquire`'s whole run — camera stage, raw recorder
/// (OME-TIFF, every frame), CPU localizer, CSV / HDF5 / render sinks — and its frames/s printed.
/// </summary>
internal static class AcquireBenchmark
{
    public static int Run(string[] args)
    {
        int frames = 5000, stackFrames = 500;
        string engine = "auto";
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--frames": frames = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--stack-frames": stackFrames = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--engine": engine = args[i + 1]; break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }

        string? profiles = SimulatorBenchmark.FindProfiles();
        if (profiles is null)
        {
            Console.Error.WriteLine("hardware-profiles/ not found above the benchmark's folder.");
            return 2;
        }

        HardwareProfile profile = HardwareProfile.Load(Path.Combine(profiles, "simulated-storm.json"));
        string dir = Path.Combine(Path.GetTempPath(), "livesmlm-bench-acquire-" + Guid.NewGuid().ToString("N"));
        try
        {
            // The target stack with the 405 power turned down to about 30 localizations per frame.
            SimulationSettings settings = SimulatorBenchmark.TargetSettings() with { ActivationPowerMw = 0.6 };
            SimulatedAcquisition.Record(settings, stackFrames, 1, Path.Combine(dir, "stack"));
            string stack = Path.Combine(dir, "stack", SimulatedAcquisition.RawFileName);
            Console.WriteLine($"acquire benchmark: replay of a {settings.Camera.WidthPx}x{settings.Camera.HeightPx} stack of {stackFrames} frames (looped) as fast as possible, {frames} frames recorded and localized ({engine}); {Environment.ProcessorCount} logical cores, load average {SimulatorBenchmark.LoadAverage()}");
            var memory = new MemoryTrace();
            AcquisitionSummary s = AcquisitionRun.Run(new AcquisitionRequest
            {
                Profile = profile,
                Frames = frames,
                OutDir = Path.Combine(dir, "run"),
                Engine = engine,
                AsFastAsPossible = true,
                ReplayStack = stack,

                // The data plane's throughput and memory, as measured before the live drift and FRC sinks existed.
                Monitor = false,
            }, status => memory.Sample(status.FramesAcquired));
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{s.MeanFps:F0} frames/s sustained ({s.FramesAcquired} acquired, {s.FramesRecorded} recorded, {s.FramesDropped} dropped, {s.Localizations / (double)Math.Max(1, s.FramesLocalized):F1} localizations/frame, {s.Seconds:F1} s, latency p50 {s.LocalizerLatencyMs["p50"]} ms p99 {s.LocalizerLatencyMs["p99"]} ms, engine {s.Engine}), load average after {SimulatorBenchmark.LoadAverage()}"));
            memory.Print();
            Console.WriteLine("stage thread-seconds: " + string.Join(", ", s.StageSeconds.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:F2}"))));
            return 0;
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
