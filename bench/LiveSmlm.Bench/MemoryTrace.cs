using System.Diagnostics;
using System.Globalization;

namespace LiveSmlm.Bench;

/// <summary>
/// Resident memory of this process against frames acquired, sampled from the run's status callback
/// (about every <see cref="EveryFrames"/> frames), with the managed heap beside it, so that "memory
/// stays flat" is a measured figure: the resident set near frame 10,000 against the last sample.
/// </summary>
internal sealed class MemoryTrace
{
    public const long EveryFrames = 5000;
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly List<(long Frame, double RssMb, double HeapMb, double CommittedMb)> _samples = [];
    private long _next;

    public void Sample(long frames)
    {
        if (frames < _next)
        {
            return;
        }

        _next = frames + EveryFrames;
        _process.Refresh();
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        _samples.Add((frames, _process.WorkingSet64 / 1048576.0, gc.HeapSizeBytes / 1048576.0, gc.TotalCommittedBytes / 1048576.0));
    }

    public void Print()
    {
        Console.WriteLine("frame,resident_mb,gc_heap_mb,gc_committed_mb");
        foreach (var s in _samples)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s.Frame},{s.RssMb:F1},{s.HeapMb:F1},{s.CommittedMb:F1}"));
        }

        var from = _samples.FirstOrDefault(s => s.Frame >= 10_000);
        var to = _samples.LastOrDefault();
        if (from.Frame > 0 && to.Frame > from.Frame)
        {
            double min = _samples.Where(s => s.Frame >= from.Frame).Min(s => s.RssMb);
            double max = _samples.Where(s => s.Frame >= from.Frame).Max(s => s.RssMb);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"resident memory {from.RssMb:F0} MB at frame {from.Frame}, {to.RssMb:F0} MB at frame {to.Frame} ({100 * (to.RssMb - from.RssMb) / from.RssMb:+0.0;-0.0} %); range after frame {from.Frame}: {min:F0}–{max:F0} MB ({100 * (max - min) / min:F1} %)"));
        }
    }
}
