using System.Buffers.Binary;
using System.Text;

namespace LiveSmlm.IO.Tests.Tiffs;

/// <summary>
/// Builds a classic (non-Big) TIFF byte by byte from the TIFF 6.0 layout, independent of any TIFF
/// library: header, one IFD right after it, the pixel block right after the IFD, then tag data
/// that does not fit in an entry.
/// </summary>
internal sealed class ClassicTiffBuilder(bool bigEndian)
{
    public const ushort Short = 3;
    public const ushort Long = 4;
    public const ushort Ascii = 2;
    public const ushort Rational = 5;

    private readonly List<(ushort Tag, ushort Type, uint Count, byte[] Data)> _entries = [];

    public ClassicTiffBuilder Add(ushort tag, ushort type, params uint[] values)
    {
        int size = type == Short ? 2 : 4;
        var data = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            if (size == 2)
            {
                U16(data.AsSpan(i * 2), (ushort)values[i]);
            }
            else
            {
                U32(data.AsSpan(i * 4), values[i]);
            }
        }

        _entries.Add((tag, type, (uint)(type == Rational ? values.Length / 2 : values.Length), data));
        return this;
    }

    public ClassicTiffBuilder AddText(ushort tag, string text)
    {
        byte[] data = Encoding.ASCII.GetBytes(text + "\0");
        _entries.Add((tag, Ascii, (uint)data.Length, data));
        return this;
    }

    /// <summary>Offset at which <see cref="Build"/> puts the pixel block, for the StripOffsets entry.</summary>
    public uint PixelOffset(int entryCount) => (uint)(8 + 2 + (12 * entryCount) + 4);

    public byte[] Build(byte[] pixels)
    {
        var entries = _entries.OrderBy(e => e.Tag).ToList();
        uint pixelOffset = PixelOffset(entries.Count);
        uint extraOffset = pixelOffset + (uint)pixels.Length;
        var header = new byte[pixelOffset];
        header[0] = header[1] = bigEndian ? (byte)'M' : (byte)'I';
        U16(header.AsSpan(2), 42);
        U32(header.AsSpan(4), 8);
        U16(header.AsSpan(8), (ushort)entries.Count);
        var extra = new List<byte>();
        for (int i = 0; i < entries.Count; i++)
        {
            var (tag, type, count, data) = entries[i];
            var entry = header.AsSpan(10 + (12 * i), 12);
            U16(entry, tag);
            U16(entry[2..], type);
            U32(entry[4..], count);
            if (data.Length <= 4)
            {
                data.CopyTo(entry[8..]);
            }
            else
            {
                U32(entry[8..], extraOffset + (uint)extra.Count);
                extra.AddRange(data);
                if (extra.Count % 2 == 1)
                {
                    extra.Add(0); // TIFF 6.0: values begin on a word boundary
                }
            }
        }

        // The 4-byte next-IFD offset after the entries stays 0: one IFD.
        return [.. header, .. pixels, .. extra];
    }

    public void U16(Span<byte> b, ushort v)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b, v);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        }
    }

    public void U32(Span<byte> b, uint v)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b, v);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        }
    }
}
