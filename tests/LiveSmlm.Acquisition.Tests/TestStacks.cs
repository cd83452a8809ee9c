using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Localization;
using LiveSmlm.Simulation;

namespace LiveSmlm.Acquisition.Tests;

/// <summary>Frames from the simulated dSTORM rig (seeded), held in memory, and a source that replays them.</summary>
internal static class TestStacks
{
    private static readonly Lazy<(List<Frame> Frames, LocalizerSettings Settings)> Storm = new(() => Make(48, seed: 5));

    public static List<Frame> Frames => Storm.Value.Frames;

    public static LocalizerSettings Settings => Storm.Value.Settings;

    private static (List<Frame>, LocalizerSettings) Make(int count, ulong seed)
    {
        HardwareProfile profile = HardwareProfile.Load(Path.Combine(AppContext.BaseDirectory, "hardware-profiles", "simulated-storm.json"));
        using var camera = new SimulatedCamera(profile.ToSimulationSettings(), seed, count);
        var frames = new List<Frame>();
        var frame = new Frame(camera.Width, camera.Height);
        while (camera.TryReadNext(frame))
        {
            var copy = new Frame(frame.Width, frame.Height);
            frame.CopyTo(copy);
            frames.Add(copy);
        }

        var settings = new LocalizerSettings { Camera = profile.ToCameraModel(), PsfSigmaNm = profile.Optics.ToOpticsSettings().SigmaNm };
        return (frames, settings);
    }
}

/// <summary>Replays frames; optionally throws at one frame, as a corrupt file would.</summary>
internal sealed class ListSource(IReadOnlyList<Frame> frames, int throwAt = -1) : IFrameSource
{
    private int _next;

    public int Width => frames[0].Width;

    public int Height => frames[0].Height;

    public long? FrameCount => frames.Count;

    public int Reads => _next;

    public bool TryReadNext(Frame destination)
    {
        if (_next == throwAt)
        {
            throw new InvalidDataException($"test source: frame {_next} is corrupt");
        }

        if (_next >= frames.Count)
        {
            return false;
        }

        frames[_next++].CopyTo(destination);
        return true;
    }

    public void Dispose()
    {
    }
}
