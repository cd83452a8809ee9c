using System.Text;

namespace LiveSmlm.Localization.Network;

/// <summary>
/// Sets one entry of an ONNX file's metadata_props without the onnx package (the C# side of
/// training/onnx_metadata.py): ModelProto.metadata_props is field 14, a repeated StringStringEntryProto
/// {key = 1, value = 2}. The file's top-level fields are copied as they are, except the entries with
/// the same key, and the new entry is appended (protobuf merges repeated fields in any order).
/// </summary>
public static class OnnxMetadataFile
{
    private const int MetadataProps = 14;

    /// <summary>Replaces (or adds) <paramref name="key"/> = <paramref name="value"/> in the model at <paramref name="path"/>.</summary>
    public static void Set(string path, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        byte[] bytes = File.ReadAllBytes(path);
        using var kept = new MemoryStream(bytes.Length + value.Length + 64);
        int pos = 0;
        while (pos < bytes.Length)
        {
            int fieldStart = pos;
            ulong tag = ReadVarint(bytes, ref pos, path);
            int wire = (int)(tag & 7);
            int number = (int)(tag >> 3);
            int payloadStart = pos;
            int payloadLength = wire switch
            {
                0 => SkipVarint(bytes, ref pos, path),
                1 => 8,
                2 => checked((int)ReadVarint(bytes, ref pos, path)),
                5 => 4,
                _ => throw new NetworkModelException($"model '{path}' is not an ONNX protobuf: wire type {wire} at byte {fieldStart}."),
            };
            if (wire == 2)
            {
                payloadStart = pos;
            }

            if (wire != 0)
            {
                pos = payloadStart + payloadLength;
            }

            if (pos > bytes.Length)
            {
                throw new NetworkModelException($"model '{path}' is truncated: field {number} at byte {fieldStart} runs past the end.");
            }

            bool drop = number == MetadataProps && wire == 2 && EntryKey(bytes.AsSpan(payloadStart, payloadLength), path) == key;
            if (!drop)
            {
                kept.Write(bytes, fieldStart, pos - fieldStart);
            }
        }

        byte[] entry = [.. Field(1, Encoding.UTF8.GetBytes(key)), .. Field(2, Encoding.UTF8.GetBytes(value))];
        kept.Write(Field(MetadataProps, entry));
        string tmp = path + ".partial";
        File.WriteAllBytes(tmp, kept.ToArray());
        File.Move(tmp, path, overwrite: true);
    }

    private static string? EntryKey(ReadOnlySpan<byte> entry, string path)
    {
        byte[] copy = entry.ToArray();
        int pos = 0;
        while (pos < copy.Length)
        {
            ulong tag = ReadVarint(copy, ref pos, path);
            if ((tag & 7) != 2)
            {
                return null;
            }

            int length = checked((int)ReadVarint(copy, ref pos, path));
            if ((tag >> 3) == 1)
            {
                return Encoding.UTF8.GetString(copy, pos, Math.Min(length, copy.Length - pos));
            }

            pos += length;
        }

        return null;
    }

    private static byte[] Field(int number, byte[] payload) => [.. Varint(((ulong)number << 3) | 2), .. Varint((ulong)payload.Length), .. payload];

    private static byte[] Varint(ulong n)
    {
        var b = new List<byte>(4);
        do
        {
            byte low = (byte)(n & 0x7F);
            n >>= 7;
            b.Add(n != 0 ? (byte)(low | 0x80) : low);
        }
        while (n != 0);
        return [.. b];
    }

    private static ulong ReadVarint(byte[] bytes, ref int pos, string path)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= bytes.Length)
            {
                throw new NetworkModelException($"model '{path}' is truncated inside a varint.");
            }

            byte b = bytes[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new NetworkModelException($"model '{path}' has a varint longer than 10 bytes at byte {pos}.");
    }

    private static int SkipVarint(byte[] bytes, ref int pos, string path)
    {
        _ = ReadVarint(bytes, ref pos, path);
        return 0;
    }
}
