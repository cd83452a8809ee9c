using LiveSmlm.Acquisition.Pipeline;

namespace LiveSmlm.Acquisition.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>Copies what it is given; can be slowed (blocking on a gate) or made to fail at a batch.</summary>
internal sealed class CollectingSink(string name, int failAtBatch = -1, SemaphoreSlim? gate = null) : ILocalizationSink
{
    public string Name => name;

    public List<Localization> Received { get; } = [];

    public List<long> FirstFrames { get; } = [];

    public int Completed { get; private set; }

    public void Write(LocalizationBatch batch)
    {
        gate?.Wait();
        if (FirstFrames.Count == failAtBatch)
        {
            throw new IOException($"{name}: disk full (test)");
        }

        FirstFrames.Add(batch.FirstFrame);
        Received.AddRange(batch.Items);
    }

    public void Complete() => Completed++;

    public void Dispose()
    {
    }
}
