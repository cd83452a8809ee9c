using System.Diagnostics;

namespace LiveSmlm.Core;

/// <summary>
/// Time spent in each stage of the data plane, accumulated from <see cref="Stopwatch.GetTimestamp"/>
/// (about 20 ns a reading, cheap enough to stay on). Each worker keeps its own clock and adds it to a
/// shared one when it hands its workspace back, so the hot path takes no lock. The time is thread
/// time on the monotonic clock: on an idle machine it is the stage's CPU time.
/// </summary>
public sealed class StageClock
{
    private readonly long[] _ticks;

    public StageClock(IReadOnlyList<string> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        Stages = stages;
        _ticks = new long[stages.Count];
    }

    /// <summary>The stage names, in the order of their indices.</summary>
    public IReadOnlyList<string> Stages { get; }

    /// <summary>A timestamp to pass to <see cref="Stop"/>.</summary>
    public static long Start() => Stopwatch.GetTimestamp();

    /// <summary>Adds the time since <paramref name="started"/> to stage <paramref name="stage"/>; returns now (to chain stages).</summary>
    public long Stop(int stage, long started)
    {
        long now = Stopwatch.GetTimestamp();
        _ticks[stage] += now - started;
        return now;
    }

    /// <summary>Adds raw ticks to a stage (thread-safe).</summary>
    public void Add(int stage, long ticks) => Interlocked.Add(ref _ticks[stage], ticks);

    /// <summary>Adds every stage of <paramref name="worker"/> (same stages) to this clock and zeroes the worker's (thread-safe for this clock).</summary>
    public void Drain(StageClock worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        for (int i = 0; i < _ticks.Length; i++)
        {
            Interlocked.Add(ref _ticks[i], worker._ticks[i]);
            worker._ticks[i] = 0;
        }
    }

    /// <summary>Ticks (<see cref="Stopwatch.Frequency"/> per second) of one stage so far.</summary>
    public long Ticks(int stage) => Interlocked.Read(ref _ticks[stage]);

    /// <summary>Seconds per stage now.</summary>
    public IReadOnlyDictionary<string, double> Seconds()
    {
        var seconds = new Dictionary<string, double>(Stages.Count);
        for (int i = 0; i < _ticks.Length; i++)
        {
            seconds[Stages[i]] = Interlocked.Read(ref _ticks[i]) / (double)Stopwatch.Frequency;
        }

        return seconds;
    }
}
