namespace LiveSmlm.Web.Tests;

/// <summary>
/// The browser feed decoded by the test's own reading of docs/live-view.md, with BinaryReader (never the
/// server's encoder): little-endian, the byte offsets of the document.
/// </summary>
internal static class FeedDecoder
{
    /// <summary>One record; <paramref name="ZNm"/> only in a version-2 (3D) message, NaN otherwise.</summary>
    public sealed record Loc(float XNm, float YNm, float PrecisionNm, uint Frame, float ZNm = float.NaN);

    public sealed record LocMessage(byte Version, long FirstFrame, uint FrameCount, IReadOnlyList<Loc> Locs);

    public sealed record CameraMessage(byte Version, int Bin, long Frame, int Width, int Height, float BlackAdu, float WhiteAdu, IReadOnlyList<(float X, float Y)> Detections, byte[] Grey);

    public static LocMessage Localizations(byte[] message)
    {
        using var r = new BinaryReader(new MemoryStream(message));
        Assert.Equal(1, r.ReadByte());           // kind
        byte version = r.ReadByte();
        Assert.Equal(0, r.ReadUInt16());         // reserved
        uint count = r.ReadUInt32();
        long first = r.ReadInt64();
        uint frames = r.ReadUInt32();
        Assert.Equal(0u, r.ReadUInt32());        // reserved
        Assert.InRange(version, 1, 2);
        uint record = version == 2 ? 20u : 16u;    // version 2: z nm appended to each record
        Assert.Equal(24 + (record * count), (uint)message.Length);
        var locs = new List<Loc>((int)count);
        for (int i = 0; i < count; i++)
        {
            locs.Add(new Loc(r.ReadSingle(), r.ReadSingle(), r.ReadSingle(), r.ReadUInt32(), version == 2 ? r.ReadSingle() : float.NaN));
        }

        return new LocMessage(version, first, frames, locs);
    }

    public static CameraMessage Camera(byte[] message)
    {
        using var r = new BinaryReader(new MemoryStream(message));
        Assert.Equal(2, r.ReadByte());
        byte version = r.ReadByte();
        int bin = r.ReadUInt16();
        Assert.Equal(0u, r.ReadUInt32());
        long frame = r.ReadInt64();
        int w = r.ReadUInt16(), h = r.ReadUInt16();
        float black = r.ReadSingle(), white = r.ReadSingle();
        uint n = r.ReadUInt32();
        var det = new List<(float, float)>();
        for (int i = 0; i < n; i++)
        {
            det.Add((r.ReadSingle(), r.ReadSingle()));
        }

        byte[] grey = r.ReadBytes(w * h);
        Assert.Equal(w * h, grey.Length);
        Assert.Equal(message.Length, (int)r.BaseStream.Position);
        return new CameraMessage(version, bin, frame, w, h, black, white, det, grey);
    }
}
