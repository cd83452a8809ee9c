using System.Numerics;
using System.Runtime.InteropServices;
using LiveSmlm.Core;

namespace LiveSmlm.Localization.Network;

// The namespace shares the record's name; the alias keeps signatures readable.
using Localization = LiveSmlm.Core.Localization;

/// <summary>Thresholds of the decoding (DECODE's spatial integration).</summary>
/// <param name="RawThreshold">A pixel is a candidate when its p is at least this and the largest in its 3×3 neighbourhood.</param>
/// <param name="Threshold">A candidate is an emitter when the p of its 3×3 neighbourhood sums to at least this.</param>
public readonly record struct DecodeOptions(float RawThreshold, float Threshold)
{
    public static DecodeOptions Default { get; } = new(0.1f, 0.6f);
}

/// <summary>What the decoder needs to turn maps into physical units.</summary>
/// <param name="PixelSizeNm">Camera pixel, nm.</param>
/// <param name="QuantumEfficiency">Photoelectrons per photon: the maps are in photoelectrons, localizations in photons.</param>
/// <param name="PsfSigmaNm">The PSF σ the model was trained on (written to SigmaX/SigmaY: the network does not fit it).</param>
public readonly record struct DecodeUnits(double PixelSizeNm, double QuantumEfficiency, double PsfSigmaNm);

/// <summary>
/// The network's output maps (8 × H × W, channels <see cref="NetworkModelInfo.OutputChannels"/>) → localizations.
/// One definition, called by the engine and checked against hand-built maps in the tests.
/// </summary>
public static class NetworkDecoder
{
    public const int Channels = 8;
    private const int P = 0, Dx = 1, Dy = 2, N = 3, Sx = 4, Sy = 5, Bg = 7;

    /// <summary>
    /// Appends the emitters of one image to <paramref name="output"/>, sorted by x. <paramref name="maps"/>
    /// is channel-major with a row stride of <paramref name="stride"/> and <paramref name="mapHeight"/> rows
    /// per channel; only the top-left <paramref name="width"/> × <paramref name="height"/> (the unpadded frame)
    /// is read. With a <paramref name="calibration"/>, the uncertainties are scaled by it (after sorting: it
    /// needs the frame's other detections). Returns the number appended.
    /// </summary>
    public static int Decode(
        ReadOnlySpan<float> maps, int width, int height, int stride, int mapHeight, int frame, DecodeOptions options, DecodeUnits units, List<Localization> output, NetworkCalibration? calibration = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (width < 1 || height < 1 || stride < width || mapHeight < height || maps.Length < Channels * stride * mapHeight)
        {
            throw new ArgumentException($"maps of {maps.Length} values cannot hold {Channels} channels of {mapHeight} rows × {stride} px covering {height}×{width}.", nameof(maps));
        }

        int plane = stride * mapHeight;
        ReadOnlySpan<float> p = maps.Slice(P * plane, plane);
        int start = output.Count;
        float pixel = (float)units.PixelSizeNm;
        double qe = units.QuantumEfficiency;
        var below = new Vector<float>(options.RawThreshold);
        int lanes = Vector<float>.Count;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<float> row = p.Slice(y * stride, width);
            for (int x = 0; x < width; x++)
            {
                // Most of a frame is empty: skip whole vectors of pixels below the candidate threshold.
                while (x + lanes <= width && Vector.LessThanAll(new Vector<float>(row[x..]), below))
                {
                    x += lanes;
                }

                if (x >= width)
                {
                    break;
                }

                int i = (y * stride) + x;
                float pi = p[i];
                if (pi < options.RawThreshold || !IsLocalMaximum(p, x, y, width, height, stride, pi, out float sum) || sum < options.Threshold)
                {
                    continue;
                }

                var loc = Localization.Create(
                    frame,
                    (x + 0.5f + maps[(Dx * plane) + i]) * pixel,
                    (y + 0.5f + maps[(Dy * plane) + i]) * pixel,
                    (float)(maps[(N * plane) + i] / qe));
                loc.BackgroundPhotons = (float)(maps[(Bg * plane) + i] / qe);
                loc.UncertaintyXNm = maps[(Sx * plane) + i] * pixel;
                loc.UncertaintyYNm = maps[(Sy * plane) + i] * pixel;
                loc.SigmaXNm = (float)units.PsfSigmaNm;
                loc.SigmaYNm = (float)units.PsfSigmaNm;
                if (x == 0 || y == 0 || x == width - 1 || y == height - 1)
                {
                    loc.Flags |= LocalizationFlags.AtBorder;
                }

                output.Add(loc);
            }
        }

        int added = output.Count - start;
        output.Sort(start, added, ByX.Instance);
        calibration?.Apply(CollectionsMarshal.AsSpan(output).Slice(start, added), width * units.PixelSizeNm, height * units.PixelSizeNm);
        return added;
    }

    // p[x, y] is the largest of its 3×3 neighbourhood (ties: the first in reading order wins, so a flat
    // pair gives one emitter); sum is the neighbourhood's total p.
    private static bool IsLocalMaximum(ReadOnlySpan<float> p, int x, int y, int width, int height, int stride, float value, out float sum)
    {
        sum = 0;
        for (int dy = -1; dy <= 1; dy++)
        {
            int yy = y + dy;
            if (yy < 0 || yy >= height)
            {
                continue;
            }

            for (int dx = -1; dx <= 1; dx++)
            {
                int xx = x + dx;
                if (xx < 0 || xx >= width)
                {
                    continue;
                }

                float v = p[(yy * stride) + xx];
                sum += v;
                bool before = dy < 0 || (dy == 0 && dx < 0);
                if (v > value || (before && v == value))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private sealed class ByX : IComparer<Localization>
    {
        public static ByX Instance { get; } = new();

        public int Compare(Localization a, Localization b) => a.XNm.CompareTo(b.XNm);
    }
}
