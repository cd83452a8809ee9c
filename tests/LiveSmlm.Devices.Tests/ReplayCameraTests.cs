using System.Diagnostics;
using LiveSmlm.Core;
using LiveSmlm.Devices.Replay;
using LiveSmlm.IO;

namespace LiveSmlm.Devices.Tests;

/// <summary>The replay camera delivers a stack written by the IO writers, frame for frame, once or in a loop, at a chosen rate.</summary>
public sealed class ReplayCameraTests : IDisposable
{
    private const int Width = 20;
    private const int Height = 12;
    private const int StackFrames = 7;
    private readonly TempDir _dir = new();
    private readonly ushort[][] _written = MakeFrames();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("stack.ome.tif")]
    [InlineData("stack.dax")]
    [InlineData("stack.raw")]
    public async Task Replay_OfAWrittenStack_DeliversTheWrittenFramesAndThenEnds(string name)
    {
        string path = Write(name);
        using ReplayCamera camera = ReplayCamera.Open(path, new ReplayOptions { FrameRateHz = 50 });
        Assert.Equal(Width, camera.Info.SensorWidthPx);
        Assert.Equal(Height, camera.Info.SensorHeightPx);
        camera.Connect();
        camera.StartSequenceAcquisition(new SequenceOptions { Pacing = FramePacing.AsFastAsPossible });

        var frame = new Frame(Width, Height);
        for (int i = 0; i < StackFrames; i++)
        {
            Assert.True(await camera.TryReadFrameAsync(frame));
            Assert.Equal(_written[i], frame.Span.ToArray());
            Assert.Equal(i, frame.Index);
            Assert.Equal(i / 50.0, frame.TimestampSeconds);
        }

        Assert.False(await camera.TryReadFrameAsync(frame));
        Assert.False(camera.IsAcquiring);
        Assert.Equal(StackFrames, camera.FramesDelivered);
    }

    [Theory]
    [InlineData("loop.ome.tif")]
    [InlineData("loop.dax")]
    [InlineData("loop.raw")]
    public async Task Replay_InALoop_StartsAgainAtTheFirstFrame(string name)
    {
        using ReplayCamera camera = ReplayCamera.Open(Write(name), new ReplayOptions { Loop = true });
        camera.Connect();
        const int Frames = (2 * StackFrames) + 3;
        camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = Frames, Pacing = FramePacing.AsFastAsPossible });

        var frame = new Frame(Width, Height);
        for (int i = 0; i < Frames; i++)
        {
            Assert.True(await camera.TryReadFrameAsync(frame));
            Assert.Equal(_written[i % StackFrames], frame.Span.ToArray());
            Assert.Equal(i, frame.Index);
        }

        Assert.False(await camera.TryReadFrameAsync(frame));
        Assert.Equal(2, camera.Loops);
    }

    /// <summary>
    /// A looped file is rewound, not opened again: a long replay allocates nothing per loop (memory stays
    /// flat over 100,000 frames). A source that cannot rewind is opened again, and still loops.
    /// </summary>
    [Theory]
    [InlineData("once.ome.tif", true)]
    [InlineData("once.dax", true)]
    [InlineData("once.raw", true)]
    [InlineData("once.ome.tif", false)]
    public async Task Replay_InALoop_RewindsTheOpenFileInsteadOfOpeningItAgain(string name, bool rewindable)
    {
        string path = Write(name);
        int opens = 0;
        using ReplayCamera camera = ReplayCamera.FromSource(
            () =>
            {
                opens++;
                IFrameSource source = FrameSources.Open(path);
                return rewindable ? source : new NoRewind(source);
            },
            path,
            new ReplayOptions { Loop = true });
        camera.Connect();
        const int Frames = (3 * StackFrames) + 2;
        camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = Frames, Pacing = FramePacing.AsFastAsPossible });
        var frame = new Frame(Width, Height);
        for (int i = 0; i < Frames; i++)
        {
            Assert.True(await camera.TryReadFrameAsync(frame));
            Assert.Equal(_written[i % StackFrames], frame.Span.ToArray());
        }

        Assert.Equal(3, camera.Loops);
        Assert.Equal(rewindable ? 1 : 4, opens);
    }

    [Fact]
    public async Task Replay_ANewSequence_StartsAgainAtTheFirstFrame()
    {
        using ReplayCamera camera = ReplayCamera.Open(Write("again.dax"), new ReplayOptions());
        camera.Connect();
        var frame = new Frame(Width, Height);
        camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 3, Pacing = FramePacing.AsFastAsPossible });
        while (await camera.TryReadFrameAsync(frame))
        {
        }

        camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 1, Pacing = FramePacing.AsFastAsPossible });
        Assert.True(await camera.TryReadFrameAsync(frame));
        Assert.Equal(_written[0], frame.Span.ToArray());
        Assert.Equal(0, frame.Index);
    }

    [Fact]
    public async Task Replay_AtAChosenRate_IsNotFasterThanThatRate()
    {
        const double RateHz = 200;
        using ReplayCamera camera = ReplayCamera.Open(Write("paced.raw"), new ReplayOptions { FrameRateHz = RateHz, Loop = true });
        camera.Connect();
        var watch = Stopwatch.StartNew();
        camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 20 });
        var frame = new Frame(Width, Height);
        int read = 0;
        while (await camera.TryReadFrameAsync(frame))
        {
            read++;
        }

        watch.Stop();
        Assert.Equal(20, read);
        Assert.True(watch.Elapsed.TotalSeconds >= 19 / RateHz, $"20 frames at {RateHz} Hz came in {watch.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(1000 / RateHz, camera.ExposureMs);
    }

    [Fact]
    public async Task Replay_WithARoi_DeliversThatCropOfEachFrame()
    {
        using ReplayCamera camera = ReplayCamera.Open(Write("roi.ome.tif"), new ReplayOptions());
        camera.Connect();
        var roi = new CameraRoi(3, 2, 9, 5);
        camera.SetRoi(roi);
        camera.StartSequenceAcquisition(new SequenceOptions { FrameCount = 2, Pacing = FramePacing.AsFastAsPossible });
        var frame = new Frame(roi.Width, roi.Height);
        for (int i = 0; i < 2; i++)
        {
            Assert.True(await camera.TryReadFrameAsync(frame));
            for (int y = 0; y < roi.Height; y++)
            {
                for (int x = 0; x < roi.Width; x++)
                {
                    Assert.Equal(_written[i][((y + roi.Y) * Width) + x + roi.X], frame[x, y]);
                }
            }
        }
    }

    [Fact]
    public void Replay_HasNoSettableExposure_AndSaysSo()
    {
        using ReplayCamera camera = ReplayCamera.Open(Write("exp.dax"), new ReplayOptions());
        camera.Connect();
        Assert.False(camera.Capabilities.HasFlag(DeviceCapabilities.SetExposure));
        var e = Assert.Throws<NotSupportedException>(() => camera.SetExposure(5));
        Assert.Contains("'replay'", e.Message, StringComparison.Ordinal);
        Assert.Contains("SetExposure", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_OfAMissingFile_NamesIt()
    {
        string path = _dir.File("missing.tif");
        Exception e = Assert.ThrowsAny<Exception>(() => ReplayCamera.Open(path, new ReplayOptions()));
        Assert.Contains("missing.tif", e.Message, StringComparison.Ordinal);
    }

    private static ushort[][] MakeFrames()
    {
        var random = new Random(1234);
        return [.. Enumerable.Range(0, StackFrames).Select(_ => Enumerable.Range(0, Width * Height).Select(_ => (ushort)random.Next(0, 65536)).ToArray())];
    }

    private string Write(string name)
    {
        string path = _dir.File(name);
        using (IFrameWriter writer = name.EndsWith(".dax", StringComparison.Ordinal) ? DaxWriter.Create(path, Width, Height)
            : name.EndsWith(".raw", StringComparison.Ordinal) ? PicassoRawWriter.Create(path, Width, Height)
            : OmeTiffWriter.Create(path, Width, Height, 100))
        {
            for (int i = 0; i < StackFrames; i++)
            {
                writer.Write(new Frame(Width, Height, (ushort[])_written[i].Clone()) { Index = i });
            }

            writer.Complete();
        }

        return path;
    }

    /// <summary>Hides a reader's rewind, as a source that cannot start again (a camera) would.</summary>
    private sealed class NoRewind(IFrameSource inner) : IFrameSource
    {
        public int Width => inner.Width;

        public int Height => inner.Height;

        public long? FrameCount => inner.FrameCount;

        public bool TryReadNext(Frame destination) => inner.TryReadNext(destination);

        public void Dispose() => inner.Dispose();
    }
}
