using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using LiveSmlm.Core;
using Microsoft.Win32.SafeHandles;

namespace LiveSmlm.IO;

/// <summary>
/// Records raw frames as a little-endian BigTIFF OME-TIFF, uint16, one page (one strip) per frame,
/// with the OME-XML in page 0. Every page is linked into the IFD chain and handed to the OS before
/// Write returns, so a writer that is never completed (crash) leaves a valid file of every frame.
/// </summary>
/// <remarks>
/// Why not LibTiff.NET's writer: its linkDirectory (a port of libtiff 3.9) walks the whole IFD chain
/// from the header to append each page, which is O(n²) over an acquisition of 10⁵ frames, and it
/// buffers writes in its own stream. Here the layout is fixed (TIFF 6.0 + BigTIFF design notes):
/// each page is [pixels][IFD] written at the end in one call, then the previous IFD's next-pointer is
/// patched, then SizeT/PlaneCount in the OME-XML are patched in place (their text is padded), so the
/// file is self-consistent after every frame.
/// </remarks>
public sealed class OmeTiffWriter : IFrameWriter
{
    private const ushort BigTiffVersion = 43;
    private const int HeaderBytes = 16;
    private const int EntryBytes = 20;

    private const ushort TypeAscii = 2;
    private const ushort TypeShort = 3;
    private const ushort TypeLong = 4;
    private const ushort TypeLong8 = 16;

    private readonly SafeFileHandle _file;
    private readonly string _path;
    private readonly int _width;
    private readonly int _height;
    private readonly byte[] _descriptionBytes;
    private readonly long _sizeTOffset;
    private readonly long _planeCountOffset;
    private readonly byte[] _countPatch = new byte[OmeXml.CountFieldWidth + 1];
    private readonly byte[] _linkPatch = new byte[8];
    private byte[] _page = [];

    // Invariant: _endOffset is the even file length; _nextPointerOffset is where the offset of the
    // next IFD must be written (the header's first-IFD field before any page).
    private long _endOffset;
    private long _nextPointerOffset;
    private bool _completed;
    private bool _disposed;

    private OmeTiffWriter(string path, SafeFileHandle file, int width, int height, double pixelSizeNm)
    {
        _path = path;
        _file = file;
        _width = width;
        _height = height;
        string xml = OmeXml.Build(width, height, pixelSizeNm, 0);
        _descriptionBytes = Encoding.UTF8.GetBytes(xml + "\0");

        // The description is the first thing after the header, so its patch points are known now.
        _sizeTOffset = HeaderBytes + Encoding.UTF8.GetByteCount(xml[..xml.IndexOf(OmeXml.SizeTAttribute, StringComparison.Ordinal)]);
        _planeCountOffset = HeaderBytes + Encoding.UTF8.GetByteCount(xml[..xml.IndexOf(OmeXml.PlaneCountAttribute, StringComparison.Ordinal)]);

        var header = new byte[HeaderBytes];
        header[0] = (byte)'I';
        header[1] = (byte)'I';
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), BigTiffVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 8); // bytes per offset
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(8), 0); // no IFD yet
        RandomAccess.Write(_file, header, 0);
        _endOffset = HeaderBytes;
        _nextPointerOffset = 8;
    }

    public string Path => _path;

    public int Width => _width;

    public int Height => _height;

    public long FramesWritten { get; private set; }

    /// <summary>Creates (or overwrites) <paramref name="path"/>; readers may open it while it grows.</summary>
    public static OmeTiffWriter Create(string path, int width, int height, double pixelSizeNm)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException($"OME-TIFF frame size must be positive; got {width}×{height} pixels.", nameof(width));
        }

        if (!double.IsFinite(pixelSizeNm) || pixelSizeNm <= 0)
        {
            throw new ArgumentException($"pixelSizeNm must be a positive number of nm; got {pixelSizeNm}.", nameof(pixelSizeNm));
        }

        var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        return new OmeTiffWriter(path, file, width, height, pixelSizeNm);
    }

    public void Write(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException($"'{_path}' is already completed; no more frames can be written.");
        }

        if (frame.Width != _width || frame.Height != _height)
        {
            throw new ArgumentException(
                $"Frame is {frame.Width}×{frame.Height} but '{_path}' records {_width}×{_height}.", nameof(frame));
        }

        bool first = FramesWritten == 0;
        long pageStart = _endOffset;
        int descriptionLength = first ? _descriptionBytes.Length : 0;
        long pixelOffset = pageStart + Align(descriptionLength);
        int pixelBytes = frame.PixelCount * sizeof(ushort);
        long ifdOffset = pixelOffset + Align(pixelBytes);
        int entries = first ? 12 : 11;
        int ifdBytes = 8 + (entries * EntryBytes) + 8;
        int pageBytes = checked((int)(ifdOffset - pageStart) + ifdBytes);

        if (_page.Length < pageBytes)
        {
            _page = new byte[pageBytes];
        }

        var page = _page.AsSpan(0, pageBytes);
        page.Clear();
        if (first)
        {
            _descriptionBytes.CopyTo(page);
        }

        var pixels = page.Slice((int)(pixelOffset - pageStart), pixelBytes);
        MemoryMarshal.AsBytes(frame.Span).CopyTo(pixels);
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(pixels), MemoryMarshal.Cast<byte, ushort>(pixels));
        }

        var ifd = page.Slice((int)(ifdOffset - pageStart), ifdBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(ifd, (ulong)entries);
        int e = 0;

        // Entries in ascending tag order, as TIFF 6.0 requires.
        Entry(ifd, e++, 256, TypeLong, 1, (ulong)_width);          // ImageWidth
        Entry(ifd, e++, 257, TypeLong, 1, (ulong)_height);         // ImageLength
        Entry(ifd, e++, 258, TypeShort, 1, 16);                    // BitsPerSample
        Entry(ifd, e++, 259, TypeShort, 1, 1);                     // Compression: none
        Entry(ifd, e++, 262, TypeShort, 1, 1);                     // Photometric: min-is-black
        if (first)
        {
            Entry(ifd, e++, 270, TypeAscii, (ulong)_descriptionBytes.Length, (ulong)pageStart); // ImageDescription
        }

        Entry(ifd, e++, 273, TypeLong8, 1, (ulong)pixelOffset);    // StripOffsets
        Entry(ifd, e++, 277, TypeShort, 1, 1);                     // SamplesPerPixel
        Entry(ifd, e++, 278, TypeLong, 1, (ulong)_height);         // RowsPerStrip: one strip
        Entry(ifd, e++, 279, TypeLong8, 1, (ulong)pixelBytes);     // StripByteCounts
        Entry(ifd, e++, 284, TypeShort, 1, 1);                     // PlanarConfiguration: chunky
        Entry(ifd, e, 339, TypeShort, 1, 1);                       // SampleFormat: unsigned integer
        // The next-IFD pointer stays 0: this is the last page until another one is linked.

        RandomAccess.Write(_file, page, pageStart);

        // Link only after the page is in place, so a crash never leaves a pointer to missing bytes.
        BinaryPrimitives.WriteUInt64LittleEndian(_linkPatch, (ulong)ifdOffset);
        RandomAccess.Write(_file, _linkPatch, _nextPointerOffset);
        _nextPointerOffset = ifdOffset + 8 + (entries * EntryBytes);
        _endOffset = pageStart + pageBytes;
        FramesWritten++;

        PatchCount(_sizeTOffset, OmeXml.SizeTAttribute);
        PatchCount(_planeCountOffset, OmeXml.PlaneCountAttribute);
    }

    /// <summary>Forces the file to stable storage and closes it. Zero frames leave a header-only file.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            return;
        }

        RandomAccess.FlushToDisk(_file);
        _completed = true;
        Dispose();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _file.Dispose();
    }

    private static long Align(long bytes) => (bytes + 7) & ~7L;

    private static void Entry(Span<byte> ifd, int index, ushort tag, ushort type, ulong count, ulong value)
    {
        var entry = ifd.Slice(8 + (index * EntryBytes), EntryBytes);
        BinaryPrimitives.WriteUInt16LittleEndian(entry, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], type);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[4..], count);

        // Values of 8 bytes or less sit left-justified in the entry; little-endian makes that the same bytes.
        BinaryPrimitives.WriteUInt64LittleEndian(entry[12..], value);
    }

    private void PatchCount(long attributeOffset, string attribute)
    {
        string text = OmeXml.PaddedCount(attribute, FramesWritten)[attribute.Length..];
        Encoding.ASCII.GetBytes(text, _countPatch);
        RandomAccess.Write(_file, _countPatch, attributeOffset + attribute.Length);
    }
}
