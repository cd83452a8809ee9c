using System.Text.Json;

namespace LiveSmlm.Reconstruction.Tests;

/// <summary>
/// An independent PNG decoder: python3's struct + zlib, written from the PNG spec. It checks the
/// signature and every chunk's CRC with zlib.crc32, inflates IDAT and undoes all five filter types.
/// </summary>
internal static class PythonPngReader
{
    private const string Script = """
import json, struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == bytes([137, 80, 78, 71, 13, 10, 26, 10]), 'bad signature'
pos, chunks, idat, crc_ok, ihdr = 8, [], b'', True, None
while pos < len(data):
    (length,) = struct.unpack('>I', data[pos:pos + 4])
    ctype = data[pos + 4:pos + 8]
    body = data[pos + 8:pos + 8 + length]
    (crc,) = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
    crc_ok = crc_ok and (zlib.crc32(ctype + body) & 0xffffffff) == crc
    chunks.append(ctype.decode('ascii'))
    if ctype == b'IHDR':
        ihdr = struct.unpack('>IIBBBBB', body)
    elif ctype == b'IDAT':
        idat += body
    pos += 12 + length
w, h, depth, ctype_, comp, filt, interlace = ihdr
bpp = {0: 1, 2: 3}[ctype_]
raw = zlib.decompress(idat)
stride = w * bpp
out, prev = bytearray(), bytearray(stride)
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + pr) & 255
    out += line
    prev = line
print(json.dumps({'width': w, 'height': h, 'depth': depth, 'color_type': ctype_, 'compression': comp,
                  'filter': filt, 'interlace': interlace, 'chunks': chunks, 'crc_ok': crc_ok,
                  'trailing': len(data) - pos, 'pixels': out.hex()}))
""";

    public sealed record Decoded(int Width, int Height, int Depth, int ColourType, int Interlace, string[] Chunks, bool CrcOk, int Trailing, byte[] Pixels);

    public static Decoded Read(string path)
    {
        string scriptPath = Path.Combine(Path.GetTempPath(), $"livesmlm-png-reader-{Guid.NewGuid():N}.py");
        File.WriteAllText(scriptPath, Script);
        ExternalTool.Result run;
        try
        {
            run = ExternalTool.Run("python3", scriptPath, path);
        }
        finally
        {
            File.Delete(scriptPath);
        }

        Assert.True(run.ExitCode == 0, $"python3 PNG reader failed: {run.Stderr}");
        string stdout = run.Stdout;

        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement root = doc.RootElement;
        return new Decoded(
            root.GetProperty("width").GetInt32(),
            root.GetProperty("height").GetInt32(),
            root.GetProperty("depth").GetInt32(),
            root.GetProperty("color_type").GetInt32(),
            root.GetProperty("interlace").GetInt32(),
            root.GetProperty("chunks").EnumerateArray().Select(e => e.GetString()!).ToArray(),
            root.GetProperty("crc_ok").GetBoolean(),
            root.GetProperty("trailing").GetInt32(),
            Convert.FromHexString(root.GetProperty("pixels").GetString()!));
    }
}
