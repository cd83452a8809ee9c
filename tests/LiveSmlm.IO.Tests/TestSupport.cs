using System.Diagnostics;
using LiveSmlm.Core;

namespace LiveSmlm.IO.Tests;

/// <summary>A fresh directory per test, deleted afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "livesmlm-io-" + Guid.NewGuid().ToString("N"));
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
            // A file still open elsewhere in a failing test; the OS cleans /tmp.
        }
    }
}

/// <summary>Runs an independent command-line reader (Debian's tiffinfo, tiffdump, h5dump).</summary>
internal static class Tool
{
    public static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        return stdout;
    }
}

/// <summary>Frames with known, seeded pixels.</summary>
internal static class Frames
{
    /// <summary>Pixel (x, y) of frame t is a distinct value that exercises both bytes of a uint16.</summary>
    public static ushort Expected(int x, int y, int t) => (ushort)((t * 7919) + (y * 257) + (x * 3) + 1);

    public static Frame Make(int width, int height, int t)
    {
        var frame = new Frame(width, height) { Index = t };
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                frame[x, y] = Expected(x, y, t);
            }
        }

        return frame;
    }

    public static List<ushort[]> ReadAll(IFrameSource source)
    {
        var frames = new List<ushort[]>();
        var frame = new Frame(source.Width, source.Height);
        while (source.TryReadNext(frame))
        {
            Assert.Equal(frames.Count, frame.Index);
            frames.Add(frame.Span.ToArray());
        }

        return frames;
    }

    public static void AssertMatches(IReadOnlyList<ushort[]> frames, int width, int height, int count)
    {
        Assert.Equal(count, frames.Count);
        for (int t = 0; t < count; t++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    Assert.Equal(Expected(x, y, t), frames[t][(y * width) + x]);
                }
            }
        }
    }
}
