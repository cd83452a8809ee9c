using LiveSmlm.Core;

namespace LiveSmlm.Acquisition.Feedback;

/// <summary>
/// Counts the emitters on in a frame without fitting, for activation feedback when the localizer lags
/// (after htSMLM's density estimate): the frame minus a running background frame, blurred with a Gaussian
/// of the PSF's width, non-maximum suppression over a square mask, and maxima above an adaptive cutoff
/// median + k·(q0.8 − q0.2)/0.6 of the blurred difference (the robust noise scale htSMLM and SMAP use).
/// </summary>
/// <remarks>
/// Pixels are first put on a scale where shot noise is the same everywhere (Anscombe: 2·√(photoelectrons + 3/8)),
/// so that the shot noise of a bright bead or structured background does not pass the cutoff. The background
/// frame is an exponential running mean of past frames on that scale (emitters are on in a small fraction of
/// frames, so it follows the background and the always-on beads, which the difference then removes).
/// One thread; buffers are allocated once, so a frame costs a few passes over its pixels and no allocation.
/// </remarks>
public sealed class FitFreeDensityEstimator
{
    /// <summary>Pixels sampled for the cutoff's quantiles: every pixel up to this many, else a regular subsample.</summary>
    private const int QuantileSamples = 16_384;

    /// <summary>(q0.5 − q0.2) of a normal distribution in standard deviations.</summary>
    private const double NormalLowerQuantileSpread = 0.8416;

    private readonly int _width;
    private readonly int _height;
    private readonly float[] _background;
    private readonly float[] _difference;
    private readonly float[] _blurred;
    private readonly float[] _kernel;
    private readonly float[] _samples;
    private readonly int _stride;
    private readonly float _baselineAdu;
    private readonly float _electronsPerAdu;
    private long _frames;

    /// <param name="width">Frame width, px.</param>
    /// <param name="height">Frame height, px.</param>
    /// <param name="psfSigmaPx">PSF standard deviation, px (the blur matches it: the matched filter for a spot).</param>
    /// <param name="cutoffFactor">k of the adaptive cutoff, in robust noise standard deviations.</param>
    /// <param name="backgroundFrames">Time constant of the running background frame, frames.</param>
    /// <param name="suppressionRadiusPx">Half-size of the non-maximum-suppression mask, px (2 → a 5 × 5 mask; htSMLM uses 7 × 7, which merges more spots at a high density).</param>
    /// <param name="baselineAdu">Camera offset, ADU.</param>
    /// <param name="electronsPerAdu">Camera conversion gain, photoelectrons per ADU (divided by the EM gain for an EMCCD).</param>
    public FitFreeDensityEstimator(int width, int height, double psfSigmaPx, double baselineAdu, double electronsPerAdu, double cutoffFactor = 6, int backgroundFrames = 32, int suppressionRadiusPx = 2)
    {
        if (!(double.IsFinite(baselineAdu) && double.IsFinite(electronsPerAdu) && electronsPerAdu > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(electronsPerAdu), electronsPerAdu, "The fit-free density needs a finite camera baseline and a conversion gain > 0 photoelectrons per ADU.");
        }

        _baselineAdu = (float)baselineAdu;
        _electronsPerAdu = (float)electronsPerAdu;
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 8);
        if (!(double.IsFinite(psfSigmaPx) && psfSigmaPx is > 0.3 and < 20))
        {
            throw new ArgumentOutOfRangeException(nameof(psfSigmaPx), psfSigmaPx, "The PSF sigma for the fit-free density must be within (0.3, 20) px.");
        }

        if (!(double.IsFinite(cutoffFactor) && cutoffFactor > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(cutoffFactor), cutoffFactor, "The cutoff factor must be > 0 noise standard deviations.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(backgroundFrames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(suppressionRadiusPx, 1);
        _width = width;
        _height = height;
        CutoffFactor = cutoffFactor;
        BackgroundFrames = backgroundFrames;
        SuppressionRadiusPx = suppressionRadiusPx;
        _background = new float[width * height];
        _difference = new float[width * height];
        _blurred = new float[width * height];
        _kernel = GaussianKernel(psfSigmaPx);
        _stride = Math.Max(1, (width * height) / QuantileSamples);
        _samples = new float[((width * height) + _stride - 1) / _stride];
    }

    public double CutoffFactor { get; }

    public int BackgroundFrames { get; }

    public int SuppressionRadiusPx { get; }

    /// <summary>
    /// The spots counted in this frame. The first frame only seeds the background and counts 0; from then on
    /// the background follows each frame with weight 1/<see cref="BackgroundFrames"/> (faster at the start).
    /// </summary>
    public int Count(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width != _width || frame.Height != _height)
        {
            throw new ArgumentException($"The fit-free density estimator was made for {_width}×{_height} frames; got {frame.Width}×{frame.Height}.", nameof(frame));
        }

        ReadOnlySpan<ushort> pixels = frame.Span;
        _frames++;
        if (_frames == 1)
        {
            for (int i = 0; i < pixels.Length; i++)
            {
                _background[i] = Stabilize(pixels[i]);
            }

            return 0;
        }

        float weight = 1f / Math.Min(_frames, BackgroundFrames);
        for (int i = 0; i < pixels.Length; i++)
        {
            float value = Stabilize(pixels[i]);
            _difference[i] = value - _background[i];
            _background[i] += weight * (value - _background[i]);
        }

        Blur(_difference, _blurred, _width, _height, _kernel);
        float cutoff = Cutoff();
        return CountMaxima(cutoff);
    }

    /// <summary>Anscombe's transform of the photoelectrons: Poisson noise of variance ≈ 1 at any level.</summary>
    private float Stabilize(ushort adu) => 2f * MathF.Sqrt(MathF.Max(0, (adu - _baselineAdu) * _electronsPerAdu) + 0.375f);

    private float Cutoff()
    {
        int n = 0;
        for (int i = 0; i < _blurred.Length && n < _samples.Length; i += _stride)
        {
            _samples[n++] = _blurred[i];
        }

        Span<float> s = _samples.AsSpan(0, n);
        s.Sort();
        float q20 = s[(int)(0.2 * (n - 1))], q50 = s[(n - 1) / 2];
        return q50 + (float)(CutoffFactor * (q50 - q20) / NormalLowerQuantileSpread);
    }

    private int CountMaxima(float cutoff)
    {
        int r = SuppressionRadiusPx, count = 0;
        for (int y = 0; y < _height; y++)
        {
            for (int x = 0; x < _width; x++)
            {
                float v = _blurred[(y * _width) + x];
                if (v > cutoff && IsMaximum(x, y, v, r))
                {
                    count++;
                }
            }
        }

        return count;
    }

    // Strict maximum over earlier pixels and ≥ over later ones: a plateau counts once.
    private bool IsMaximum(int x, int y, float v, int r)
    {
        int y0 = Math.Max(0, y - r), y1 = Math.Min(_height - 1, y + r), x0 = Math.Max(0, x - r), x1 = Math.Min(_width - 1, x + r);
        for (int yy = y0; yy <= y1; yy++)
        {
            int row = yy * _width;
            for (int xx = x0; xx <= x1; xx++)
            {
                float w = _blurred[row + xx];
                bool earlier = yy < y || (yy == y && xx < x);
                if (earlier ? w >= v : w > v)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static float[] GaussianKernel(double sigmaPx)
    {
        int half = (int)Math.Ceiling(3 * sigmaPx);
        var k = new float[(2 * half) + 1];
        double sum = 0;
        for (int i = -half; i <= half; i++)
        {
            sum += k[i + half] = (float)Math.Exp(-0.5 * i * i / (sigmaPx * sigmaPx));
        }

        for (int i = 0; i < k.Length; i++)
        {
            k[i] = (float)(k[i] / sum);
        }

        return k;
    }

    // Separable blur with mirrored borders: rows into the destination, then columns in place through one row of scratch.
    private static void Blur(float[] source, float[] destination, int width, int height, float[] kernel)
    {
        int half = kernel.Length / 2;
        for (int y = 0; y < height; y++)
        {
            int row = y * width;
            for (int x = 0; x < width; x++)
            {
                float acc = 0;
                for (int k = -half; k <= half; k++)
                {
                    acc += kernel[k + half] * source[row + Mirror(x + k, width)];
                }

                destination[row + x] = acc;
            }
        }

        Span<float> column = height <= 4096 ? stackalloc float[height] : new float[height];
        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++)
            {
                column[y] = destination[(y * width) + x];
            }

            for (int y = 0; y < height; y++)
            {
                float acc = 0;
                for (int k = -half; k <= half; k++)
                {
                    acc += kernel[k + half] * column[Mirror(y + k, height)];
                }

                destination[(y * width) + x] = acc;
            }
        }
    }

    private static int Mirror(int i, int n) => Math.Clamp(i < 0 ? -i - 1 : i >= n ? (2 * n) - i - 1 : i, 0, n - 1);
}
