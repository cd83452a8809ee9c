using MathNet.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// 2D FFT of a row-major complex image as 1D MathNet transforms of every row, then every column
/// (MathNet's managed provider has no multi-dimensional transform; the MKL one is not served here).
/// Forward unscaled, inverse scaled by 1/(width·height), negative exponent forward (Matlab convention).
/// </summary>
internal static class Fft2D
{
    public static void Forward(Complex32[] data, int width, int height) => Transform(data, width, height, inverse: false);

    public static void Inverse(Complex32[] data, int width, int height) => Transform(data, width, height, inverse: true);

    /// <summary>
    /// Inverse transform correct only in the rows within ±<paramref name="rowRadius"/> of row 0 (cyclically):
    /// every column is transformed, then only those rows, which is what a peak search near zero shift reads.
    /// </summary>
    public static void InverseNearRowZero(Complex32[] data, int width, int height, int rowRadius)
    {
        if (data.Length != width * height)
        {
            throw new ArgumentException($"FFT data holds {data.Length} values, not width × height = {width}×{height}.", nameof(data));
        }

        TransformColumns(data, width, height, inverse: true);
        var row = new Complex32[width];
        for (int d = -rowRadius; d <= rowRadius; d++)
        {
            int j = ((d % height) + height) % height;
            Array.Copy(data, j * width, row, 0, width);
            Run(row, inverse: true);
            Array.Copy(row, 0, data, j * width, width);
        }
    }

    private static void Transform(Complex32[] data, int width, int height, bool inverse)
    {
        if (data.Length != width * height)
        {
            throw new ArgumentException($"FFT data holds {data.Length} values, not width × height = {width}×{height}.", nameof(data));
        }

        var row = new Complex32[width];
        for (int j = 0; j < height; j++)
        {
            Array.Copy(data, j * width, row, 0, width);
            Run(row, inverse);
            Array.Copy(row, 0, data, j * width, width);
        }

        TransformColumns(data, width, height, inverse);
    }

    private static void TransformColumns(Complex32[] data, int width, int height, bool inverse)
    {
        var column = new Complex32[height];
        for (int i = 0; i < width; i++)
        {
            for (int j = 0; j < height; j++)
            {
                column[j] = data[(j * width) + i];
            }

            Run(column, inverse);
            for (int j = 0; j < height; j++)
            {
                data[(j * width) + i] = column[j];
            }
        }
    }

    private static void Run(Complex32[] samples, bool inverse)
    {
        if (inverse)
        {
            Fourier.Inverse(samples, FourierOptions.Matlab);
        }
        else
        {
            Fourier.Forward(samples, FourierOptions.Matlab);
        }
    }
}
