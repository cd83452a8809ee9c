using LiveSmlm.Devices.Profiles;
using LiveSmlm.Devices.Safety;
using LiveSmlm.Devices.Simulated;
using LiveSmlm.Simulation;

namespace LiveSmlm.Devices.Tests;

/// <summary>The shipped simulated-storm profile, shrunk to a small fast field of view for tests.</summary>
internal static class TestRigs
{
    public static HardwareProfile Storm => HardwareProfile.Load(Path.Combine(AppContext.BaseDirectory, "hardware-profiles", "simulated-storm.json"));

    /// <summary>simulated-storm (its rates, lasers, 100 frames/s) on a 64 × 64 sensor; optionally uniform dyes at a density.</summary>
    public static HardwareProfile SmallStorm(double? uniformDensityPerUm2 = null)
    {
        HardwareProfile storm = Storm;
        SimulationProfile simulation = storm.Simulation!;
        if (uniformDensityPerUm2 is double density)
        {
            simulation = simulation with
            {
                Sample = simulation.Sample with
                {
                    Structure = SampleStructure.Uniform,
                    Uniform = new UniformSettings { DensityPerUm2 = density },
                    Fiducials = null,
                },
            };
        }

        return storm with { Camera = storm.Camera with { WidthPx = 64, HeightPx = 64 }, Simulation = simulation };
    }

    public static SimulatedRig Rig(ulong seed = 7, double? uniformDensityPerUm2 = null, TimeProvider? clock = null) =>
        new(SmallStorm(uniformDensityPerUm2), seed, clock);

    public static DeviceSession Session(SimulatedRig rig, LaserSafetyRegistry registry) =>
        new(rig.Camera, rig.Lasers, rig.Slm, rig.Trigger, registry);
}

/// <summary>A fresh directory per test, deleted afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "livesmlm-devices-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open in a failing test; the OS cleans /tmp.
        }
    }
}

/// <summary>
/// A monotonic clock the test drives. A timer (Task.Delay) moves the clock to its due time plus
/// <see cref="OvershootPerWait"/>, as a late-firing OS timer would, and then fires; <see cref="Advance"/>
/// moves it by hand. Counts the waits.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks;
    private int _timers;

    public TimeSpan OvershootPerWait { get; init; }

    public int TimersCreated => Volatile.Read(ref _timers);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public double NowSeconds => GetTimestamp() / (double)TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timers);
        Advance(dueTime + OvershootPerWait);
        ThreadPool.UnsafeQueueUserWorkItem(_ => callback(state), null);
        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
