using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LiveSmlm.IO;

/// <summary>Pixel sample types a movie file can hold.</summary>
internal enum SampleType
{
    UInt8,
    UInt16,
    UInt32,
    Float32,
}

/// <summary>
/// Turns stored samples (any byte order, 8/16/32-bit unsigned or 32-bit float) into the 16-bit ADU
/// frames the pipeline works on, clamping to [0, 65535] and counting every clamped pixel.
/// </summary>
internal static class SampleConverter
{
    public static int BytesPerSample(SampleType type) => type switch
    {
        SampleType.UInt8 => 1,
        SampleType.UInt16 => 2,
        _ => 4,
    };

    /// <summary>Converts <paramref name="source"/> into <paramref name="destination"/>; returns clipped pixels.</summary>
    public static long ToUInt16(ReadOnlySpan<byte> source, SampleType type, bool bigEndian, Span<ushort> destination)
    {
        int count = destination.Length;
        long clipped = 0;
        bool swap = bigEndian == BitConverter.IsLittleEndian;
        switch (type)
        {
            case SampleType.UInt8:
                for (int i = 0; i < count; i++)
                {
                    destination[i] = source[i];
                }

                break;
            case SampleType.UInt16:
                MemoryMarshal.Cast<byte, ushort>(source[..(count * 2)]).CopyTo(destination);
                if (swap)
                {
                    BinaryPrimitives.ReverseEndianness(destination, destination);
                }

                break;
            case SampleType.UInt32:
                for (int i = 0; i < count; i++)
                {
                    var bytes = source.Slice(i * 4, 4);
                    uint v = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
                    if (v > ushort.MaxValue)
                    {
                        v = ushort.MaxValue;
                        clipped++;
                    }

                    destination[i] = (ushort)v;
                }

                break;
            case SampleType.Float32:
                for (int i = 0; i < count; i++)
                {
                    var bytes = source.Slice(i * 4, 4);
                    float v = bigEndian ? BinaryPrimitives.ReadSingleBigEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes);
                    destination[i] = ClampFloat(v, ref clipped);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown sample type.");
        }

        return clipped;
    }

    /// <summary>Converts <paramref name="source"/> into floats without clamping (calibration maps).</summary>
    public static void ToSingle(ReadOnlySpan<byte> source, SampleType type, bool bigEndian, Span<float> destination)
    {
        int size = BytesPerSample(type);
        for (int i = 0; i < destination.Length; i++)
        {
            var bytes = source.Slice(i * size, size);
            destination[i] = type switch
            {
                SampleType.UInt8 => bytes[0],
                SampleType.UInt16 => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes),
                SampleType.UInt32 => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes),
                SampleType.Float32 => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes),
                _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown sample type."),
            };
        }
    }

    private static ushort ClampFloat(float v, ref long clipped)
    {
        // NaN carries no intensity; it is treated as a clipped zero so that it is counted, not hidden.
        if (float.IsNaN(v) || v < 0)
        {
            clipped++;
            return 0;
        }

        if (v > ushort.MaxValue)
        {
            clipped++;
            return ushort.MaxValue;
        }

        return (ushort)MathF.Round(v);
    }
}
