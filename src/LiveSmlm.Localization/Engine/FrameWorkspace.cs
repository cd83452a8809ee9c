using LiveSmlm.Core;

namespace LiveSmlm.Localization;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// One worker's scratch for one frame size: photoelectrons, the two wavelet levels, the candidate list
/// and a <see cref="RoiFitter"/>. Pooled by <see cref="CpuLocalizer"/> so that the steady state
/// allocates nothing per frame.
/// </summary>
internal sealed class FrameWorkspace
{
    private readonly LocalizerSettings _settings;
    private readonly int _suppressionRadius;
    private readonly float[]? _model;
    private readonly float[]? _residual;
    private readonly float[]? _residualVariance;
    private readonly bool[]? _near;
    private readonly List<Candidate> _residualCandidates = new(64);

    public FrameWorkspace(LocalizerSettings settings, int width, int height)
    {
        _settings = settings;
        Width = width;
        Height = height;
        int n = width * height;
        Electrons = new float[n];
        Smooth1 = new float[n];
        Smooth2 = new float[n];
        Scratch = new float[n];
        Thresholds = new float[n];
        if (settings.RunsResidualDetection)
        {
            _model = new float[n];
            _residual = new float[n];
            _residualVariance = new float[n];
            _near = new bool[n];
        }
        Clock = new StageClock(LocalizerStages.Names);
        Fitter = new RoiFitter(settings, Clock);
        _suppressionRadius = RoiPolicy.SuppressionRadiusPx(settings.PsfSigmaPx);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The frame in photoelectrons (filled by the caller or by <see cref="Convert"/>).</summary>
    public float[] Electrons { get; }

    public float[] Smooth1 { get; }

    public float[] Smooth2 { get; }

    public float[] Scratch { get; }

    /// <summary>The last <see cref="Detect"/>'s threshold map.</summary>
    public float[] Thresholds { get; }

    public List<Candidate> Candidates { get; } = new(256);

    public RoiFitter Fitter { get; }

    /// <summary>This worker's stage times, drained into the engine's when the workspace is returned.</summary>
    public StageClock Clock { get; }

    public void Convert(Frame frame, PhotoelectronConverter converter)
    {
        long started = StageClock.Start();
        converter.Convert(frame, Electrons);
        Clock.Stop(LocalizerStages.PhotonConversion, started);
    }

    /// <summary>
    /// Wavelet detection: maxima of W2 = V1 − V2 of <paramref name="source"/> above the threshold map
    /// <see cref="Thresholds"/>. On photoelectrons (<paramref name="normalisedResidual"/> false) the local noise of
    /// <paramref name="noise"/> (from V2 and <paramref name="varianceMap"/>, the per-pixel read variance
    /// or null); on the temporal residual factor · the frame's measured std(W1).
    /// </summary>
    public void Detect(float[] source, bool normalisedResidual, DetectionNoise noise, float[]? varianceMap)
    {
        long started = StageClock.Start();
        BSplineWavelet.Smooth(source, Smooth1, Scratch, Width, Height, 1);
        BSplineWavelet.Smooth(Smooth1, Smooth2, Scratch, Width, Height, 2);
        if (normalisedResidual)
        {
            Array.Fill(Thresholds, (float)_settings.DetectionThresholdFactor * NoiseEstimate.ClippedStdOfDifference(source, Smooth1));
        }
        else
        {
            noise.Fill(Smooth2, varianceMap, Thresholds);
        }

        BSplineWavelet.Difference(Smooth1, Smooth2, Smooth2);

        PeakFinder.Find(Smooth2, Thresholds, Width, Height, _suppressionRadius, Candidates);
        Clock.Stop(LocalizerStages.Detection, started);
    }

    /// <summary>Fits the candidates of the last <see cref="Detect"/> and appends to <paramref name="output"/>.</summary>
    public void Fit(float[]? varianceMap, float uniformVariance, float[]? backgroundMap, int frame, List<Localization> output) =>
        Fitter.FitFrame(Electrons, varianceMap, uniformVariance, backgroundMap, Width, Height, Candidates, frame, output);

    /// <summary>
    /// The second detection pass (<see cref="LocalizerSettings.ResidualDetection"/>): the model of the
    /// frame's accepted localizations <paramref name="local"/> is subtracted from the photoelectrons,
    /// W2 of that residual is compared with the first pass's thresholds (whose local mean holds the
    /// model, so a bright fit's model mismatch needs its own shot noise to pass), maxima within
    /// <see cref="RoiPolicy.ResidualExclusionInSigma"/> of an accepted emitter are dropped, and the rest
    /// are fitted with the model as known (<see cref="RoiFitter.FitResidual"/>); duplicates are merged.
    /// </summary>
    public void ResidualPass(float[]? varianceMap, float uniformVariance, int frame, List<Localization> local)
    {
        float[] model = _model!, residual = _residual!, residualVariance = _residualVariance!;
        bool[] near = _near!;
        long started = StageClock.Start();
        double pixelNm = _settings.Camera.PixelSizeNm, qe = _settings.Camera.QuantumEfficiency;
        float exclusion = MathF.Max(1f, (float)(RoiPolicy.ResidualExclusionInSigma * _settings.PsfSigmaPx));
        Array.Clear(model);
        Array.Clear(near);
        foreach (Localization loc in local)
        {
            float x = (float)(loc.XNm / pixelNm), y = (float)(loc.YNm / pixelNm);
            ResidualImage.AddSpot(model, Width, Height, x, y, (float)(loc.Photons * qe), (float)(loc.SigmaXNm / pixelNm));
            ResidualImage.MarkNear(near, Width, Height, x, y, exclusion);
        }

        for (int i = 0; i < residual.Length; i++)
        {
            residual[i] = Electrons[i] - model[i];
            residualVariance[i] = (varianceMap?[i] ?? uniformVariance) + model[i];
        }

        BSplineWavelet.Smooth(residual, Smooth1, Scratch, Width, Height, 1);
        BSplineWavelet.Smooth(Smooth1, Smooth2, Scratch, Width, Height, 2);
        BSplineWavelet.Difference(Smooth1, Smooth2, Smooth2);
        PeakFinder.Find(Smooth2, Thresholds, Width, Height, _suppressionRadius, _residualCandidates);
        // Maxima next to an accepted emitter are its fit's mismatch (compacted in place: nothing allocated per frame).
        int kept = 0;
        for (int i = 0; i < _residualCandidates.Count; i++)
        {
            Candidate c = _residualCandidates[i];
            if (!near[(c.Y * Width) + c.X])
            {
                _residualCandidates[kept++] = c;
            }
        }

        _residualCandidates.RemoveRange(kept, _residualCandidates.Count - kept);
        Clock.Stop(LocalizerStages.Detection, started);
        if (_residualCandidates.Count == 0)
        {
            return;
        }

        Fitter.FitResidual(residual, residualVariance, Width, Height, _residualCandidates, frame, local);
        Fitter.RemoveDuplicates(local, 0);
    }
}
