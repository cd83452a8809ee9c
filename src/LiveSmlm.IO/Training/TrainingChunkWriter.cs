using PureHDF;

namespace LiveSmlm.IO;

/// <summary>
/// One chunk of the network's training data as HDF5 (read by training/ with h5py): frames
/// float32 [S, T, H, W] and background float32 [S, H, W] in photoelectrons, emitters float32 [M, 5]
/// (sequence, frame, x px, y px, photoelectrons; x, y from the crop's top-left corner, pixel (i, j)
/// covers [i, i+1) × [j, j+1)), density float64 [S] (active emitters per µm² asked for).
/// </summary>
public static class TrainingChunkWriter
{
    public const int EmitterColumns = 5;

    public static void Write(string path, int sequences, int frames, int height, int width, float[] frameData, float[] background, float[] emitters, double[] density)
    {
        ArgumentNullException.ThrowIfNull(frameData);
        ArgumentNullException.ThrowIfNull(background);
        ArgumentNullException.ThrowIfNull(emitters);
        ArgumentNullException.ThrowIfNull(density);
        long pixels = (long)height * width;
        if (frameData.LongLength != sequences * frames * pixels || background.LongLength != sequences * pixels
            || emitters.Length % EmitterColumns != 0 || density.Length != sequences)
        {
            throw new ArgumentException(
                $"training chunk '{path}': frames must hold {sequences}×{frames}×{height}×{width} values (got {frameData.LongLength}), background {sequences}×{height}×{width} (got {background.LongLength}), emitters a multiple of {EmitterColumns} (got {emitters.Length}), density {sequences} (got {density.Length}).");
        }

        string temporary = path + ".partial";
        var file = new H5File
        {
            ["frames"] = new H5Dataset(frameData, fileDims: [(ulong)sequences, (ulong)frames, (ulong)height, (ulong)width]),
            ["background"] = new H5Dataset(background, fileDims: [(ulong)sequences, (ulong)height, (ulong)width]),
            ["emitters"] = new H5Dataset(emitters, fileDims: [(ulong)(emitters.Length / EmitterColumns), EmitterColumns]),
            ["density"] = new H5Dataset(density, fileDims: [(ulong)sequences]),
        };
        file.Write(temporary);
        File.Move(temporary, path, overwrite: true);
    }
}
