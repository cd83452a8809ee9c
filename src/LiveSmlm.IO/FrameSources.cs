using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Opens any movie file LiveSmlm reads as an <see cref="IFrameSource"/>, choosing the reader by
/// extension (.tif/.tiff/.ome.tif/.ome.tiff, .dax, .raw).
/// </summary>
public static class FrameSources
{
    public static IFrameSource Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".tif" or ".tiff" or ".btf" or ".tf8" => new TiffStackReader(path),
            ".dax" => new DaxReader(path),
            ".raw" => new PicassoRawReader(path),
            _ => throw new ArgumentException(
                $"'{path}': unknown movie extension '{extension}'; supported are .tif, .tiff, .ome.tif, .ome.tiff, .dax (+ .inf) and .raw (+ .yaml).",
                nameof(path)),
        };
    }
}
