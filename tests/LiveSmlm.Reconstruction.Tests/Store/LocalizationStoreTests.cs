using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction.Tests;

/// <summary>
/// The append-only store: content survives chunk boundaries, ranges are checked, and a reader running
/// beside the writer only ever sees fully written records below the published count.
/// </summary>
public sealed class LocalizationStoreTests
{
    /// <summary>A record whose every field encodes its index, so a torn or blank record is detectable.</summary>
    private static Localization Record(long index)
    {
        float v = index + 1; // exact in float below 2^24; 0 would look like an uninitialised record
        return new Localization
        {
            Frame = (int)(index + 1),
            XNm = v,
            YNm = v,
            ZNm = v,
            Photons = v,
            BackgroundPhotons = v,
            SigmaXNm = v,
            SigmaYNm = v,
            UncertaintyXNm = v,
            UncertaintyYNm = v,
            UncertaintyZNm = v,
            LogLikelihoodRatio = v,
            Iterations = (int)(index + 1),
            Flags = (LocalizationFlags)(index + 1),
        };
    }

    /// <summary>Field-by-field comparison (cheaper than reflection-based struct equality in a hot loop).</summary>
    private static bool IsRecord(in Localization r, long index)
    {
        float v = index + 1;
        return r.Frame == index + 1 && r.XNm == v && r.YNm == v && r.ZNm == v && r.Photons == v
            && r.BackgroundPhotons == v && r.SigmaXNm == v && r.SigmaYNm == v && r.UncertaintyXNm == v
            && r.UncertaintyYNm == v && r.UncertaintyZNm == v && r.LogLikelihoodRatio == v
            && r.Iterations == index + 1 && r.Flags == (LocalizationFlags)(index + 1);
    }

    private static Localization[] Records(long start, int count) => Enumerable.Range(0, count).Select(k => Record(start + k)).ToArray();

    [Fact]
    public void Append_AcrossChunkBoundaries_CopyToReturnsTheSameRecords()
    {
        var store = new LocalizationStore();
        var random = new Random(3);
        long total = 0;
        while (total < (3 * LocalizationStore.ChunkSize) + 123)
        {
            int n = random.Next(0, 5000);
            store.Append(Records(total, n));
            total += n;
        }

        Assert.Equal(total, store.Count);
        var all = new Localization[total];
        store.CopyTo(0, all);
        Assert.Equal(Records(0, (int)total), all);

        // A range straddling a chunk boundary.
        var middle = new Localization[100];
        store.CopyTo(LocalizationStore.ChunkSize - 50, middle);
        Assert.Equal(Records(LocalizationStore.ChunkSize - 50, 100), middle);

        // Chunk enumeration from an offset covers exactly the rest, in order.
        Localization[] enumerated = store.EnumerateChunks(start: 1000).SelectMany(m => m.ToArray()).ToArray();
        Assert.Equal(Records(1000, (int)total - 1000), enumerated);
    }

    [Fact]
    public void CopyTo_PastTheCount_ThrowsNamingTheRange()
    {
        var store = new LocalizationStore();
        store.Append(Records(0, 10));

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => store.CopyTo(5, new Localization[6]));
        Assert.Contains("[5, 11)", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.CopyTo(-1, new Localization[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.EnumerateChunks(11));
    }

    [Fact]
    public void Reader_BesideWriter_NeverSeesTornOrBlankRecords()
    {
        var store = new LocalizationStore();
        const int total = 150_000;
        int writerDone = 0;
        var writer = new Thread(() =>
        {
            var random = new Random(11);
            long written = 0;
            while (written < total)
            {
                int n = (int)Math.Min(random.Next(1, 700), total - written);
                store.Append(Records(written, n));
                written += n;
            }

            Volatile.Write(ref writerDone, 1);
        });
        writer.Start();

        var window = new Localization[64];
        long lastCount = 0;
        for (int pass = 0; pass < 5_000_000 && Volatile.Read(ref writerDone) == 0; pass++)
        {
            long count = store.Count;
            Assert.True(count >= lastCount, "the published count went backwards");
            lastCount = count;
            int n = (int)Math.Min(count, window.Length);
            if (n == 0)
            {
                continue;
            }

            // The newest records are the ones a torn publication would expose.
            Span<Localization> newest = window.AsSpan(0, n);
            store.CopyTo(count - n, newest);
            for (int k = 0; k < n; k++)
            {
                Assert.True(IsRecord(newest[k], count - n + k), $"record {count - n + k} of {count} is torn or blank");
            }
        }

        writer.Join();
        Assert.Equal(total, store.Count);
        Localization[] all = store.EnumerateChunks().SelectMany(m => m.ToArray()).ToArray();
        Assert.Equal(Records(0, total), all);
    }
}
