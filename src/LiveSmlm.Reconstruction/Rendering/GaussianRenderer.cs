using LiveSmlm.Core;

namespace LiveSmlm.Reconstruction;

/// <summary>
/// Streaming super-resolution image: each localization adds a pixel-integrated Gaussian of unit total
/// weight (erf differences over ±3σ), so the image grows batch by batch at a cost per localization that
/// does not depend on the image size. One thread calls <see cref="Add"/>; <see cref="Image"/> is live.
/// </summary>
public sealed class GaussianRenderer
{
    /// <summary>
    /// Half-width of the splat window in σ. A Gaussian keeps 99.73 % of its mass within ±3σ per axis;
    /// the truncated Gaussian is renormalised to unit mass, so nothing is lost by truncation.
    /// </summary>
    public const double WindowHalfWidthSigmas = 3;

    // erf(3/√2): the mass within ±3σ of a 1D Gaussian is this value (0.9973).
    private static readonly double TruncatedErf = ErrorFunction.Erf(WindowHalfWidthSigmas / Math.Sqrt(2.0));

    private readonly RenderSettings _settings;
    private readonly double _pixelSizeNm;

    // Scratch for the separable weights of one splat; sized for the widest σ the settings allow.
    private readonly double[] _weightsX;
    private readonly double[] _weightsY;

    public GaussianRenderer(RenderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        _pixelSizeNm = settings.PixelSizeNm;
        Width = settings.WidthPx;
        Height = settings.HeightPx;
        Image = new float[Width * Height];
        DepthSum = settings.DepthRangeNm is null ? null : new float[Width * Height];
        double widestSigmaNm = Math.Max(settings.FixedSigmaNm ?? 0, Math.Max(settings.MaxSigmaNm, settings.FallbackSigmaNm));
        int maxWindow = (int)Math.Ceiling(2 * WindowHalfWidthSigmas * widestSigmaNm / _pixelSizeNm) + 2;
        _weightsX = new double[maxWindow];
        _weightsY = new double[maxWindow];
    }

    public RenderSettings Settings => _settings;

    /// <summary>Σ weight × z per pixel (nm) when <see cref="RenderSettings.DepthRangeNm"/> is set, else null; mean depth = DepthSum / Image.</summary>
    public float[]? DepthSum { get; }

    /// <summary>Image width in render pixels.</summary>
    public int Width { get; }

    /// <summary>Image height in render pixels.</summary>
    public int Height { get; }

    /// <summary>Accumulated image, row-major (index = y · Width + x); each localization adds total weight ≤ 1.</summary>
    public float[] Image { get; }

    /// <summary>Localizations splatted so far.</summary>
    public long RenderedCount { get; private set; }

    /// <summary>Localizations skipped: non-finite position, or position outside [0, WidthNm) × [0, HeightNm).</summary>
    public long SkippedCount { get; private set; }

    /// <summary>Adds every valid localization of the batch to <see cref="Image"/>.</summary>
    public void Add(ReadOnlySpan<Localization> batch)
    {
        for (int k = 0; k < batch.Length; k++)
        {
            ref readonly Localization loc = ref batch[k];
            double x = loc.XNm;
            double y = loc.YNm;
            if (!(x >= 0 && x < _settings.WidthNm && y >= 0 && y < _settings.HeightNm))
            {
                // NaN fails every comparison, so non-finite positions land here too.
                SkippedCount++;
                continue;
            }

            Splat(x, y, SigmaFor(in loc), loc.ZNm);
            RenderedCount++;
        }
    }

    /// <summary>Sets the image to zero and the counters to 0 (e.g. when the live view restarts).</summary>
    public void Clear()
    {
        Array.Clear(Image);
        if (DepthSum is not null)
        {
            Array.Clear(DepthSum);
        }

        RenderedCount = 0;
        SkippedCount = 0;
    }

    /// <summary>Gaussian width for one localization, nm: fixed, or its mean lateral uncertainty clamped.</summary>
    public double SigmaFor(in Localization loc)
    {
        if (_settings.FixedSigmaNm is { } fixedSigma)
        {
            return fixedSigma;
        }

        double ux = loc.UncertaintyXNm;
        double uy = loc.UncertaintyYNm;
        double mean = (double.IsFinite(ux), double.IsFinite(uy)) switch
        {
            (true, true) => 0.5 * (ux + uy),
            (true, false) => ux,
            (false, true) => uy,
            _ => double.NaN,
        };
        return double.IsNaN(mean) ? _settings.FallbackSigmaNm : Math.Clamp(mean, _settings.MinSigmaNm, _settings.MaxSigmaNm);
    }

    private void Splat(double xNm, double yNm, double sigmaNm, float zNm)
    {
        // A localization without z adds to the intensity only (its pixels then lean to the middle depth less).
        float[]? depth = float.IsFinite(zNm) ? DepthSum : null;
        int x0 = Weights(xNm, sigmaNm, _weightsX, out int countX);
        int y0 = Weights(yNm, sigmaNm, _weightsY, out int countY);

        // Clip the window to the image; weight falling outside the field is dropped, not folded in.
        int iStart = Math.Max(0, -x0);
        int iEnd = Math.Min(countX, Width - x0);
        int jStart = Math.Max(0, -y0);
        int jEnd = Math.Min(countY, Height - y0);
        for (int j = jStart; j < jEnd; j++)
        {
            double wy = _weightsY[j];
            int row = ((y0 + j) * Width) + x0;
            for (int i = iStart; i < iEnd; i++)
            {
                float w = (float)(wy * _weightsX[i]);
                Image[row + i] += w;
                if (depth is not null)
                {
                    depth[row + i] += w * zNm;
                }
            }
        }
    }

    /// <summary>
    /// Fills <paramref name="weights"/> with the mass of the Gaussian truncated to c ± 3σ that falls in
    /// each pixel touching that interval: ½[erf((min((i+1)p, c+3σ) − c)/(√2σ)) − erf((max(i p, c−3σ) − c)/(√2σ))]
    /// (REFERENCES.md, pixel-integrated Gaussian), divided by the truncated mass erf(3/√2) so the weights
    /// sum to one and stay symmetric about c. Returns the first pixel index.
    /// </summary>
    private int Weights(double centreNm, double sigmaNm, double[] weights, out int count)
    {
        double halfWindowNm = WindowHalfWidthSigmas * sigmaNm;
        double lowNm = centreNm - halfWindowNm;
        double highNm = centreNm + halfWindowNm;
        int first = (int)Math.Floor(lowNm / _pixelSizeNm);
        int last = (int)Math.Floor(highNm / _pixelSizeNm);
        count = last - first + 1;
        double scale = 1.0 / (Math.Sqrt(2.0) * sigmaNm);
        double lower = -TruncatedErf;
        for (int i = 0; i < count; i++)
        {
            double edgeNm = Math.Min((first + i + 1) * _pixelSizeNm, highNm);
            double upper = i == count - 1 ? TruncatedErf : ErrorFunction.Erf((edgeNm - centreNm) * scale);
            weights[i] = (upper - lower) / (2 * TruncatedErf);
            lower = upper;
        }

        return first;
    }
}
