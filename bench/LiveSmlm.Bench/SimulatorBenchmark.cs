using System.Diagnostics;
using System.Globalization;
using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Simulation;

namespace LiveSmlm.Bench;

/// <summary>
/// Frames per second of the simulated camera on this machine: 256×256 with ~50 active emitters (the
/// camera-rate target, ≥ 1000 frames/s) and then each shipped simulated profile as it is configured.
/// </summary>
internal static class SimulatorBenchmark
{
    private const int WarmupFrames = 200;

    public static int Run(string[] args)
    {
        int frames = 3000;
        string? profileDir = FindProfiles();
        string? stages = null;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--frames":
                    frames = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--profiles":
                    profileDir = args[i + 1];
                    break;
                case "--stages":
                    stages = args[i + 1];
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }

        if (stages is not null)
        {
            SimulatorStages.Run(stages, frames);
            return 0;
        }

        Console.WriteLine($"simulator benchmark: {Environment.ProcessorCount} logical cores, {frames} timed frames after {WarmupFrames} warm-up, load average {LoadAverage()}");
        MeasureNoiseOneThread(TargetSettings());
        Measure("256x256, ~50 active emitters (target >= 1000 frames/s)", TargetSettings(), frames);
        if (profileDir is not null)
        {
            foreach (string path in Directory.GetFiles(profileDir, "simulated-*.json").Order(StringComparer.Ordinal))
            {
                HardwareProfile profile = HardwareProfile.Load(path);
                Measure(Path.GetFileName(path), profile.ToSimulationSettings(), frames);
            }
        }

        return 0;
    }

    // The default (dSTORM, microtubules, sCMOS 256×256) with the 405 power turned down to ~50 active dyes.
    internal static SimulationSettings TargetSettings() => new()
    {
        Sample = new SampleSettings { Microtubules = new MicrotubuleSettings { Count = 45, LabelsPerUm = 200 } },
        Photophysics = new PhotophysicsSettings
        {
            SpontaneousActivationPerS = 0.002,
            ActivationCrossSectionPerSPerMw = 0.02,
            ReturnPerS = 0.02,
        },
        ActivationPowerMw = 1.5,
    };

    private static void Measure(string name, SimulationSettings settings, int frames)
    {
        using var camera = new SimulatedCamera(settings, seed: 42);
        var frame = new Frame(camera.Width, camera.Height);
        for (int i = 0; i < WarmupFrames; i++)
        {
            camera.TryReadNext(frame);
        }

        long emitters = 0;
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < frames; i++)
        {
            camera.TryReadNext(frame);
            emitters += camera.LastFrameTruth.Count;
        }

        watch.Stop();
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        double fps = frames / watch.Elapsed.TotalSeconds;

        // On a shared machine wall time counts other people's work; CPU time spread over the cores
        // estimates what the same machine gives when idle.
        double cpuFps = frames / (cpuSeconds / Environment.ProcessorCount);
        double areaUm2 = camera.Width * camera.Height * Math.Pow(settings.Camera.Model.PixelSizeNm / 1000, 2);
        double meanEmitters = (double)emitters / frames;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: {camera.Width}x{camera.Height}, {camera.Labels.Count} dyes, mean {meanEmitters:F1} emitters on per frame ({meanEmitters / areaUm2:F3}/um^2): {fps:F0} frames/s wall ({watch.Elapsed.TotalMilliseconds / frames:F3} ms/frame), {cpuFps:F0} frames/s by CPU time over {Environment.ProcessorCount} cores ({cpuSeconds * 1000 / frames:F3} CPU-ms/frame)"));
    }

    // The per-pixel cost of the sensor model alone on one thread: one 16-row block (one random stream)
    // at the default background, the part of a frame that Parallel.For spreads over the cores.
    private static void MeasureNoiseOneThread(SimulationSettings settings)
    {
        int width = settings.Camera.WidthPx;
        var noise = new CameraNoise(settings.Camera.Model, width, CameraNoise.RowsPerBlock, 1);
        var expected = new float[width * CameraNoise.RowsPerBlock];
        Array.Fill(expected, (float)settings.Background.UniformPhotonsPerPixel);
        var adu = new ushort[expected.Length];
        const int blocks = 20_000;
        for (int i = 0; i < 1000; i++)
        {
            noise.Apply(expected, adu, i);
        }

        var watch = Stopwatch.StartNew();
        for (int i = 0; i < blocks; i++)
        {
            noise.Apply(expected, adu, i);
        }

        double nsPerPixel = watch.Elapsed.TotalMilliseconds * 1e6 / ((double)blocks * expected.Length);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"sensor noise alone, one thread: {nsPerPixel:F1} ns/pixel ({nsPerPixel * 65536 / 1e6:F2} ms per 256x256 frame on one core)"));
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    internal static string? FindProfiles()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "hardware-profiles");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
