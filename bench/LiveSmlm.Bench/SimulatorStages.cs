using System.Diagnostics;
using System.Globalization;
using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.IO;
using LiveSmlm.Simulation;

namespace LiveSmlm.Bench;

/// <summary>
/// Where a simulated frame's time goes, on one thread (CPU ms per frame): the whole camera with
/// MaxDegreeOfParallelism 1, then its parts replayed alone (photophysics, PSFs of the recorded truth,
/// sensor noise) and the two writers `simulate` feeds (OME-TIFF, ground-truth CSV).
/// </summary>
internal static class SimulatorStages
{
    public static void Run(string profilePath, int frames)
    {
        HardwareProfile profile = HardwareProfile.Load(profilePath);
        SimulationSettings settings = profile.ToSimulationSettings();
        Console.WriteLine($"stages of {Path.GetFileName(profilePath)}, one thread, {frames} frames, load average {Load()}");

        // Whole camera on one thread, frames and truth kept for the replays.
        var recorded = new List<ushort[]>(frames);
        var truth = new List<GroundTruthEmitter[]>(frames);
        double total;
        using (var camera = new SimulatedCamera(settings, seed: 42, frameLimit: null, maxDegreeOfParallelism: 1))
        {
            var frame = new Frame(camera.Width, camera.Height);
            for (int i = 0; i < 100; i++)
            {
                camera.TryReadNext(frame);
            }

            total = CpuMs(() =>
            {
                for (int i = 0; i < frames; i++)
                {
                    camera.TryReadNext(frame);
                    recorded.Add((ushort[])frame.Pixels.Clone());
                    truth.Add([.. camera.LastFrameTruth]);
                }
            }) / frames;
        }

        int width = settings.Camera.WidthPx;
        int height = settings.Camera.HeightPx;
        double pixelNm = settings.Camera.Model.PixelSizeNm;

        // Photophysics alone: the same ensemble the camera builds.
        var rng = Xoshiro256.ForStream(42, 1, 0);
        int dyes = SampleGenerator.Generate(settings.Sample, width * pixelNm, height * pixelNm, ref rng).Count;
        var ensemble = new FluorophoreEnsemble(settings.Photophysics, dyes, Xoshiro256.ForStream(42, 2, 0));
        var on = new List<EmitterOnTime>();
        double period = settings.Camera.FramePeriodS;
        for (int i = 0; i < 100; i++)
        {
            ensemble.AdvanceFrame(i * period, period, settings.Camera.ExposureMs / 1000, settings.ActivationPowerMw, on);
        }

        double photophysics = CpuMs(() =>
        {
            for (int i = 100; i < 100 + frames; i++)
            {
                ensemble.AdvanceFrame(i * period, period, settings.Camera.ExposureMs / 1000, settings.ActivationPowerMw, on);
            }
        }) / frames;

        // PSFs of the recorded truth onto a background copy.
        var background = new float[width * height];
        Array.Fill(background, (float)settings.Background.UniformPhotonsPerPixel);
        var expected = new float[width * height];
        double sigmaNm = settings.Optics.SigmaXNm(0);
        double psf = CpuMs(() =>
        {
            foreach (GroundTruthEmitter[] list in truth)
            {
                background.CopyTo(expected, 0);
                foreach (GroundTruthEmitter e in list)
                {
                    GaussianPsf.AddExpectedPhotons(expected, width, height, pixelNm, e.XNm, e.YNm, sigmaNm, sigmaNm, e.Photons);
                }
            }
        }) / frames;

        // Sensor noise alone, block by block on this thread.
        var noise = new CameraNoise(settings.Camera.Model, width, height, 7);
        var adu = new ushort[width * height];
        double noiseMs = CpuMs(() =>
        {
            for (int i = 0; i < frames; i++)
            {
                for (int b = 0; b < noise.BlockCount; b++)
                {
                    noise.ApplyBlock(expected, adu, i, b);
                }
            }
        }) / frames;

        string dir = Path.Combine(Path.GetTempPath(), $"livesmlm-stages-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            var outFrame = new Frame(width, height);
            double tiff = CpuMs(() =>
            {
                using var raw = OmeTiffWriter.Create(Path.Combine(dir, "raw.ome.tif"), width, height, pixelNm);
                foreach (ushort[] pixels in recorded)
                {
                    pixels.CopyTo(outFrame.Pixels, 0);
                    raw.Write(outFrame);
                }

                raw.Complete();
            }) / frames;
            long before = GC.GetAllocatedBytesForCurrentThread();
            double csv = CpuMs(() =>
            {
                using var writer = new GroundTruthCsvWriter(Path.Combine(dir, "ground-truth.csv"));
                foreach (GroundTruthEmitter[] list in truth)
                {
                    writer.Write(list);
                }
            }) / frames;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            double rows = truth.Sum(t => t.Length) / (double)frames;

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  camera, whole frame:   {total:F3} CPU-ms/frame ({rows:F0} emitters on)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    photophysics:        {photophysics:F3}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    background + PSFs:   {psf:F3}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    sensor noise:        {noiseMs:F3}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    rest (truth, copy):  {total - photophysics - psf - noiseMs:F3}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  OME-TIFF writer:       {tiff:F3}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ground-truth CSV:      {csv:F3} ({allocated / (double)frames / rows:F1} bytes allocated per row)"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // CPU time of this process while the action runs, ms (the action runs on this thread only).
    private static double CpuMs(Action action)
    {
        TimeSpan before = Process.GetCurrentProcess().TotalProcessorTime;
        action();
        return (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
}
