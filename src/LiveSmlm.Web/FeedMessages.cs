using System.Buffers.Binary;
using LiveSmlm.Core;

namespace LiveSmlm.Web;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The binary WebSocket messages of the live feed (docs/live-view.md has the byte layout). Little-endian;
/// every record is 4-byte aligned so the browser reads it with one Float32Array / Uint32Array view and
/// uploads it to the GPU as it is. Status and plot points go as JSON text messages.
/// </summary>
public static class FeedMessages
{
    public const byte Version = 1;

    /// <summary>Version of a localizations message whose records carry z (3D): <see cref="LocalizationRecord3DBytes"/> each.</summary>
    public const byte Version3D = 2;

    /// <summary>Kind byte of a message of new localizations.</summary>
    public const byte LocalizationsKind = 1;

    /// <summary>Kind byte of a camera preview.</summary>
    public const byte CameraKind = 2;

    public const int LocalizationsHeaderBytes = 24;

    /// <summary>x nm, y nm, precision nm (f32 each), frame (u32).</summary>
    public const int LocalizationRecordBytes = 16;

    /// <summary>As <see cref="LocalizationRecordBytes"/>, then z nm (f32; NaN when that localization has none).</summary>
    public const int LocalizationRecord3DBytes = 20;

    public const int CameraHeaderBytes = 32;

    /// <summary>
    /// Most localizations in one message (1 MiB of records): a big batch is split, so the browser never
    /// has to take one huge message and the socket interleaves previews and status between them.
    /// </summary>
    public const int MaxLocalizationsPerMessage = 65_536;

    /// <summary>
    /// Encodes localizations [<paramref name="start"/>, start + count) of <paramref name="locs"/>:
    /// header (kind, version, 2 reserved bytes, u32 count, i64 first frame of the batch, u32 frames in the batch,
    /// 4 reserved bytes; 24 bytes) then count records. The precision is the mean of the lateral uncertainties (NaN when unknown).
    /// When any localization carries z the message is <see cref="Version3D"/> and each record ends with z.
    /// </summary>
    public static byte[] Localizations(ReadOnlySpan<Localization> locs, long firstFrame, int frameCount)
    {
        if (locs.Length > MaxLocalizationsPerMessage)
        {
            throw new ArgumentException($"{locs.Length} localizations do not fit in one message; at most {MaxLocalizationsPerMessage} (split the batch).", nameof(locs));
        }

        bool depth = false;
        foreach (ref readonly Localization loc in locs)
        {
            depth |= loc.Has3D;
        }

        int record = depth ? LocalizationRecord3DBytes : LocalizationRecordBytes;
        var bytes = new byte[LocalizationsHeaderBytes + (locs.Length * record)];
        Span<byte> s = bytes;
        s[0] = LocalizationsKind;
        s[1] = depth ? Version3D : Version;
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], (uint)locs.Length);
        BinaryPrimitives.WriteInt64LittleEndian(s[8..], firstFrame);
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], (uint)frameCount);
        int o = LocalizationsHeaderBytes;
        foreach (ref readonly Localization loc in locs)
        {
            BinaryPrimitives.WriteSingleLittleEndian(s[o..], loc.XNm);
            BinaryPrimitives.WriteSingleLittleEndian(s[(o + 4)..], loc.YNm);
            BinaryPrimitives.WriteSingleLittleEndian(s[(o + 8)..], 0.5f * (loc.UncertaintyXNm + loc.UncertaintyYNm));
            BinaryPrimitives.WriteUInt32LittleEndian(s[(o + 12)..], (uint)loc.Frame);
            if (depth)
            {
                BinaryPrimitives.WriteSingleLittleEndian(s[(o + 16)..], loc.ZNm);
            }

            o += record;
        }

        return bytes;
    }

    /// <summary>
    /// Encodes a camera preview: header (kind, version, u16 bin factor, 4 reserved bytes, i64 frame, u16 width, u16 height,
    /// f32 ADU shown as black, f32 ADU shown as white, u32 detections; 32 bytes), then the detections
    /// (f32 x nm, f32 y nm each), then width × height bytes of grey, row-major.
    /// </summary>
    public static byte[] Camera(CameraPreviewImage image, ReadOnlySpan<(float XNm, float YNm)> detections)
    {
        ArgumentNullException.ThrowIfNull(image);
        var bytes = new byte[CameraHeaderBytes + (detections.Length * 8) + image.Grey.Length];
        Span<byte> s = bytes;
        s[0] = CameraKind;
        s[1] = Version;
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], (ushort)image.Bin);
        BinaryPrimitives.WriteInt64LittleEndian(s[8..], image.Frame);
        BinaryPrimitives.WriteUInt16LittleEndian(s[16..], (ushort)image.Width);
        BinaryPrimitives.WriteUInt16LittleEndian(s[18..], (ushort)image.Height);
        BinaryPrimitives.WriteSingleLittleEndian(s[20..], image.BlackAdu);
        BinaryPrimitives.WriteSingleLittleEndian(s[24..], image.WhiteAdu);
        BinaryPrimitives.WriteUInt32LittleEndian(s[28..], (uint)detections.Length);
        int o = CameraHeaderBytes;
        foreach ((float x, float y) in detections)
        {
            BinaryPrimitives.WriteSingleLittleEndian(s[o..], x);
            BinaryPrimitives.WriteSingleLittleEndian(s[(o + 4)..], y);
            o += 8;
        }

        image.Grey.CopyTo(s[o..]);
        return bytes;
    }
}
