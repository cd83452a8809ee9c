using System.Buffers.Binary;
using System.Text;

namespace LiveSmlm.IO;

/// <summary>What <see cref="OmeTiffRecovery.Recover"/> found and changed.</summary>
/// <param name="Pages">Whole pages (frames) the file holds now.</param>
/// <param name="BytesRemoved">Bytes of a partial, unlinked or cut page cut from the end.</param>
/// <param name="CountPatched">The OME-XML SizeT / PlaneCount did not match the pages and were set to them.</param>
public sealed record OmeTiffRecoveryResult(long Pages, long BytesRemoved, bool CountPatched);

/// <summary>
/// Repairs an OME-TIFF that <see cref="OmeTiffWriter"/> left when its process was killed: the IFD chain
/// is walked to the last page whose IFD and pixels lie wholly in the file; anything after it (a page
/// written but not yet linked, or cut by the kill) is cut off, its link cleared, and SizeT /
/// PlaneCount in the OME-XML set to the pages kept. Idempotent; a whole file is left as it is.
/// </summary>
public static class OmeTiffRecovery
{
    private const int HeaderBytes = 16;
    private const int EntryBytes = 20;

    public static OmeTiffRecoveryResult Recover(string path)
    {
        FileChecks.RequireExists(path, "raw OME-TIFF");
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        long length = file.Length;
        var header = new byte[HeaderBytes];
        if (length < HeaderBytes || file.Read(header) != HeaderBytes || header[0] != 'I' || header[1] != 'I'
            || BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(2)) != 43)
        {
            throw FileChecks.Corrupt(path, "is not a little-endian BigTIFF as LiveSmlm records (header 'II', version 43); it cannot be recovered.");
        }

        long linkAt = 8;
        long next = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(8));
        long pages = 0;
        long end = HeaderBytes;
        long descriptionOffset = -1, descriptionBytes = 0;
        var scratch = new byte[8];
        while (next != 0)
        {
            if (next < HeaderBytes || next + 8 > length)
            {
                break;
            }

            ReadAt(file, next, scratch);
            ulong count = BinaryPrimitives.ReadUInt64LittleEndian(scratch);
            if (count is 0 or > 64)
            {
                break;
            }

            long ifdEnd = next + 8 + ((long)count * EntryBytes) + 8;
            if (ifdEnd > length)
            {
                break;
            }

            var entries = new byte[(int)count * EntryBytes];
            ReadAt(file, next + 8, entries);
            long strip = -1, stripBytes = -1, description = -1, descriptionCount = 0;
            for (int i = 0; i < (int)count; i++)
            {
                var entry = entries.AsSpan(i * EntryBytes, EntryBytes);
                ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(entry);
                long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[4..]);
                long value = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[12..]);
                switch (tag)
                {
                    case 270: description = value; descriptionCount = n; break;
                    case 273: strip = value; break;
                    case 279: stripBytes = value; break;
                }
            }

            if (strip < 0 || stripBytes < 0 || strip + stripBytes > length)
            {
                break;
            }

            if (pages == 0 && description >= 0 && description + descriptionCount <= length)
            {
                descriptionOffset = description;
                descriptionBytes = descriptionCount;
            }

            pages++;
            end = ifdEnd;
            linkAt = ifdEnd - 8;
            ReadAt(file, linkAt, scratch);
            next = (long)BinaryPrimitives.ReadUInt64LittleEndian(scratch);
        }

        if (next != 0)
        {
            // The link points at a page that is not whole: this page is the last one now.
            WriteAt(file, linkAt, new byte[8]);
        }

        long removed = length - end;
        if (removed > 0)
        {
            file.SetLength(end);
        }

        bool patched = descriptionOffset >= 0
            && PatchCount(file, descriptionOffset, descriptionBytes, OmeXml.SizeTAttribute, pages)
                | PatchCount(file, descriptionOffset, descriptionBytes, OmeXml.PlaneCountAttribute, pages);
        file.Flush(flushToDisk: true);
        return new OmeTiffRecoveryResult(pages, removed, patched);
    }

    // Sets 'Name="N"' (padded as OmeTiffWriter writes it) to the page count; false when it already says so or is not ours.
    private static bool PatchCount(FileStream file, long offset, long bytes, string attribute, long pages)
    {
        var text = new byte[(int)Math.Min(bytes, 1 << 20)];
        ReadAt(file, offset, text);
        int at = text.AsSpan().IndexOf(Encoding.ASCII.GetBytes(attribute));
        int width = attribute.Length + OmeXml.CountFieldWidth + 1;
        if (at < 0 || at + width > text.Length)
        {
            return false;
        }

        byte[] wanted = Encoding.ASCII.GetBytes(OmeXml.PaddedCount(attribute, pages));
        if (text.AsSpan(at, width).SequenceEqual(wanted))
        {
            return false;
        }

        WriteAt(file, offset + at, wanted);
        return true;
    }

    private static void ReadAt(FileStream file, long offset, byte[] buffer)
    {
        file.Position = offset;
        file.ReadExactly(buffer);
    }

    private static void WriteAt(FileStream file, long offset, byte[] buffer)
    {
        file.Position = offset;
        file.Write(buffer);
    }
}
