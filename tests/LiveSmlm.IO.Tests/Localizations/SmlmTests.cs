using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using LiveSmlm.Core;

namespace LiveSmlm.IO.Tests.Localizations;

public sealed class SmlmTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Complete_Manifest_FollowsSpec02WithTableFormatAndRowCount()
    {
        string path = Write(Locs.Make(11, is3D: false), is3D: false);

        using var zip = ZipFile.OpenRead(path);
        using var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
        var root = manifest.RootElement;
        Assert.Equal("0.2", root.GetProperty("format_version").GetString());
        var format = root.GetProperty("formats").GetProperty("smlm-table(binary)");
        Assert.Equal("table", format.GetProperty("type").GetString());
        Assert.Equal("binary", format.GetProperty("mode").GetString());
        string[] headers = format.GetProperty("headers").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(headers.Length, format.GetProperty("columns").GetInt32());
        Assert.Equal(headers.Length, format.GetProperty("dtype").GetArrayLength());
        Assert.Equal(headers.Length, format.GetProperty("units").GetArrayLength());
        Assert.Equal(headers.Length, format.GetProperty("shape").GetArrayLength());
        Assert.Equal(["x", "y"], headers[..2]);
        Assert.Equal("nm", format.GetProperty("units")[0].GetString());
        Assert.Equal("nm", format.GetProperty("units")[1].GetString());
        int frameColumn = Array.IndexOf(headers, "frame");
        Assert.Equal("uint32", format.GetProperty("dtype")[frameColumn].GetString());
        Assert.DoesNotContain("z", headers);

        var file = Assert.Single(root.GetProperty("files").EnumerateArray());
        Assert.Equal("table.bin", file.GetProperty("name").GetString());
        Assert.Equal("table", file.GetProperty("type").GetString());
        Assert.Equal("smlm-table(binary)", file.GetProperty("format").GetString());
        Assert.Equal(11, file.GetProperty("rows").GetInt64());
        Assert.Equal(JsonValueKind.Object, file.GetProperty("offset").ValueKind);
    }

    [Fact]
    public void Complete_TableRows_ArePackedLittleEndianInManifestOrder()
    {
        var locs = Locs.Make(6, is3D: true);
        string path = Write(locs, is3D: true);

        using var zip = ZipFile.OpenRead(path);
        using var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
        var format = manifest.RootElement.GetProperty("formats").GetProperty("smlm-table(binary)");
        string[] headers = format.GetProperty("headers").EnumerateArray().Select(e => e.GetString()!).ToArray();
        string[] dtypes = format.GetProperty("dtype").EnumerateArray().Select(e => e.GetString()!).ToArray();
        byte[] table;
        using (var stream = zip.GetEntry("table.bin")!.Open())
        using (var memory = new MemoryStream())
        {
            stream.CopyTo(memory);
            table = memory.ToArray();
        }

        int rowBytes = dtypes.Sum(d => d is "uint32" or "float32" ? 4 : throw new InvalidDataException(d));
        Assert.Equal(locs.Length * rowBytes, table.Length);
        for (int r = 0; r < locs.Length; r++)
        {
            int offset = r * rowBytes;
            for (int c = 0; c < headers.Length; c++)
            {
                var bytes = table.AsSpan(offset, 4);
                double value = dtypes[c] == "uint32" ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes);
                double? expected = headers[c] switch
                {
                    "x" => locs[r].XNm,
                    "y" => locs[r].YNm,
                    "z" => locs[r].ZNm,
                    "frame" => locs[r].Frame,
                    "intensity" => locs[r].Photons,
                    "background" => locs[r].BackgroundPhotons,
                    "uncertainty_z" => locs[r].UncertaintyZNm,
                    _ => null,
                };
                if (expected is { } e)
                {
                    Assert.Equal(e, value);
                }

                offset += 4;
            }
        }

        Assert.Contains("z", headers);
    }

    [Fact]
    public void Complete_NoRows_ManifestSaysZeroRows()
    {
        string path = Write([], is3D: false);

        using var zip = ZipFile.OpenRead(path);
        using var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
        Assert.Equal(0, manifest.RootElement.GetProperty("files")[0].GetProperty("rows").GetInt64());
        Assert.Equal(0, zip.GetEntry("table.bin")!.Length);
    }

    private string Write(Localization[] locs, bool is3D)
    {
        string path = _dir.File("locs.smlm");
        using var writer = new SmlmWriter(path, new LocalizationSetInfo { Is3D = is3D, PixelSizeNm = 100 });
        writer.Write(locs.AsSpan(0, locs.Length / 2));
        writer.Write(locs.AsSpan(locs.Length / 2));
        writer.Complete();
        return path;
    }
}
