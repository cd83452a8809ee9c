using LiveSmlm.Core;

namespace LiveSmlm.IO;

/// <summary>
/// Reads any localization file LiveSmlm understands, choosing the reader by extension
/// (.csv ThunderSTORM, .hdf5/.h5 Picasso with its .yaml); used by `evaluate` for both sides.
/// The result is a list, so the whole table is in memory; stream a CSV with ThunderStormCsvReader.
/// </summary>
public static class LocalizationFiles
{
    public static IReadOnlyList<Localization> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".csv" => ThunderStormCsvReader.Read(path).ToList(),
            ".hdf5" or ".h5" => PicassoHdf5Reader.Read(path),
            _ => throw new ArgumentException(
                $"'{path}': unknown localization file extension '{extension}'; supported are .csv (ThunderSTORM) and .hdf5/.h5 (Picasso, with its .yaml).",
                nameof(path)),
        };
    }
}
