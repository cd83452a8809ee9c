using LiveSmlm.Core;
using static LiveSmlm.Core.SettingValidation;

namespace LiveSmlm.Localization;

/// <summary>How the per-frame background is estimated before detection.</summary>
public enum BackgroundMode
{
    /// <summary>À trous B-spline wavelet (ThunderSTORM's default filter): per frame, no history.</summary>
    Wavelet,

    /// <summary>Per-pixel running median over the last frames, then the wavelet on the residual (DNA-PAINT).</summary>
    TemporalMedian,
}

/// <summary>Which 3D PSF model fits the ROIs when a calibration is given.</summary>
public enum Psf3DModel
{
    /// <summary>Astigmatic elliptical Gaussian with the calibration's σx(z), σy(z) (Huang et al. 2008).</summary>
    Gauss3D,

    /// <summary>Cubic spline of the calibration's averaged bead stack (Li et al. 2018).</summary>
    Spline,
}

/// <summary>
/// Everything a user sets for localization; defaults work across sCMOS/EMCCD, 500–5000 photons and
/// 5–50 background photons per pixel. <see cref="Validate"/> names the field and the allowed range.
/// </summary>
public sealed record LocalizerSettings
{
    /// <summary>Camera model: ADU → photoelectrons, QE, excess noise, sCMOS maps.</summary>
    public CameraModel Camera { get; init; } = new();

    /// <summary>PSF σ in the sample plane, nm: start value of the fit, or the fixed width.</summary>
    public double PsfSigmaNm { get; init; } = 130;

    /// <summary>Fit σ as a free parameter (true) or hold it at <see cref="PsfSigmaNm"/>.</summary>
    public bool FitSigma { get; init; } = true;

    /// <summary>ROI side in pixels, odd; 0 = automatic 2·ceil(3σ_px)+1 clipped to [5, 15].</summary>
    public int RoiSizePx { get; init; }

    /// <summary>
    /// Detection threshold on the second wavelet level, in units of the std the first level has from
    /// the camera's noise model at each pixel (Poisson × excess noise factor on the local mean, plus
    /// read noise: <see cref="DetectionNoise"/>); 1.0 is ThunderSTORM's 1.0 · std(W1) on an empty frame.
    /// </summary>
    public double DetectionThresholdFactor { get; init; } = 1.0;

    public BackgroundMode Background { get; init; } = BackgroundMode.Wavelet;

    /// <summary>Frames in the running median of <see cref="BackgroundMode.TemporalMedian"/>.</summary>
    public int TemporalWindowFrames { get; init; } = 15;

    /// <summary>Fit several emitters jointly when one fits poorly, keeping the model the likelihood-ratio test prefers.</summary>
    public bool MultiEmitter { get; init; } = true;

    /// <summary>
    /// A second detection pass on the residual image (data − model of the accepted fits, as DAOSTORM
    /// does) with the first pass's noise-model threshold (which counts the accepted spots in the local
    /// mean); new candidates are fitted with the accepted spots as known model. It finds emitters that
    /// overlap accepted ones, so it runs only with <see cref="MultiEmitter"/> (off: one emitter per spot);
    /// 2D, wavelet background, CPU engine only (the GPU engine runs without it). Off by default: it costs
    /// 15–35 % of the CPU engine's frames/s, and with it the CPU and GPU engines would no longer give the
    /// same localizations; `--residual-detection on` (or the profile's analysis.residualDetection) turns it on.
    /// </summary>
    public bool ResidualDetection { get; init; }

    /// <summary>Whether the CPU engine runs the residual pass: <see cref="ResidualDetection"/> and <see cref="MultiEmitter"/>, 2D, wavelet background.</summary>
    public bool RunsResidualDetection => ResidualDetection && MultiEmitter && Calibration3D is null && Background == BackgroundMode.Wavelet;

    /// <summary>Most emitters fitted jointly in one ROI (with <see cref="MultiEmitter"/>); 2–4.</summary>
    public int MaxEmittersPerGroup { get; init; } = 3;

    /// <summary>
    /// Significance level of each model test (one more emitter must lower the log-likelihood ratio by the
    /// χ² upper quantile at this level; the residual peak must pass the normal quantile at this level
    /// over the ROI's pixels): the nominal false-positive rate per test.
    /// </summary>
    public double MultiEmitterSignificance { get; init; } = 3e-4;

    /// <summary>Fits with fewer photons (at the sample) are rejected.</summary>
    public double MinPhotons { get; init; } = 50;

    /// <summary>
    /// Fits with N/√CRLB_N below this are rejected as noise (TooFewPhotons); 0 = off. With σ free the
    /// CRLB of N is wide (N, b and σ trade off): fits to pure-noise ROIs sit below ≈ 2.4 (most below 2),
    /// a 500-photon EMCCD spot on 50 photons/px around 3, so the cut is low; the σ floor does the rest.
    /// </summary>
    public double MinSignalToNoise { get; init; } = 2;

    /// <summary>
    /// Accepted fitted σ, as a fraction of <see cref="PsfSigmaNm"/>. Noise peaks that pass detection
    /// fit narrow (0.5–0.6 σ); real emitters at 500 photons on 50 photons/px (EMCCD) stay above 0.7 σ.
    /// </summary>
    public double MinSigmaFactor { get; init; } = 0.6;

    public double MaxSigmaFactor { get; init; } = 2.0;

    /// <summary>Newton iterations per fit before "not converged".</summary>
    public int MaxIterations { get; init; } = 30;

    /// <summary>3D calibration (`calibrate-3d`): when set, every ROI is fitted for x, y, z, N, b with <see cref="Psf3D"/>; null for 2D.</summary>
    public PsfCalibration3D? Calibration3D { get; init; }

    /// <summary>The 3D model used with <see cref="Calibration3D"/>.</summary>
    public Psf3DModel Psf3D { get; init; } = Psf3DModel.Gauss3D;

    public bool Is3D => Calibration3D is not null;
    /// <summary>The network engine's model (ONNX); null: the shipped model trained for <see cref="Camera"/>. Other engines ignore it.</summary>
    public string? ModelPath { get; init; }

    /// <summary>PSF σ in camera pixels.</summary>
    public double PsfSigmaPx => PsfSigmaNm / Camera.PixelSizeNm;

    /// <summary>The ROI side actually used: <see cref="RoiSizePx"/> or 2·ceil(3σ_px)+1 clipped to [5, 15].</summary>
    public int EffectiveRoiSizePx => Calibration3D is { } calibration ? calibration.FitRoiSizePx
        : RoiSizePx > 0
        ? RoiSizePx
        : Math.Clamp((2 * (int)Math.Ceiling(3 * PsfSigmaPx)) + 1, MinAutoRoi, GaussianMle.MaxRoiSize);

    private const int MinAutoRoi = 5;

    /// <summary>Throws <see cref="SettingException"/> naming the first bad field (localizer.…), its value and the allowed range.</summary>
    public void Validate()
    {
        NotNull(Camera, Path("camera")).Validate(Path("camera"));
        Require(PsfSigmaNm is > 0 and <= 5000, Path("psfSigmaNm"), PsfSigmaNm, "(0, 5000] nm");
        Require(PsfSigmaPx is >= 0.3 and <= 4, Path("psfSigmaNm"), PsfSigmaNm,
            $"0.3–4 camera pixels, i.e. [{0.3 * Camera.PixelSizeNm}, {4 * Camera.PixelSizeNm}] nm at {Camera.PixelSizeNm} nm pixels");
        Require(RoiSizePx == 0 || (RoiSizePx >= GaussianMle.MinRoiSize + 2 && RoiSizePx <= GaussianMle.MaxRoiSize && RoiSizePx % 2 == 1),
            Path("roiSizePx"), RoiSizePx, $"0 (auto) or an odd number in [{GaussianMle.MinRoiSize + 2}, {GaussianMle.MaxRoiSize}] px");
        Require(DetectionThresholdFactor is > 0 and <= 100, Path("detectionThresholdFactor"), DetectionThresholdFactor, "(0, 100]");
        Require(Enum.IsDefined(Background), Path("background"), (double)Background, "Wavelet or TemporalMedian");
        Require(TemporalWindowFrames is >= 3 and <= 255, Path("temporalWindowFrames"), TemporalWindowFrames, "[3, 255] frames");
        Require(MinPhotons is >= 0 and < 1e9, Path("minPhotons"), MinPhotons, "[0, 1e9) photons");
        Require(MinSignalToNoise is >= 0 and <= 1000, Path("minSignalToNoise"), MinSignalToNoise, "[0, 1000]");
        Require(MinSigmaFactor is > 0 and < 1, Path("minSigmaFactor"), MinSigmaFactor, "(0, 1)");
        Require(MaxSigmaFactor is > 1 and <= 10, Path("maxSigmaFactor"), MaxSigmaFactor, "(1, 10]");
        Require(MaxIterations is >= 1 and <= 1000, Path("maxIterations"), MaxIterations, "[1, 1000]");
        Require(MaxEmittersPerGroup is >= 2 and <= MultiGaussianModel.MaxEmitters, Path("maxEmittersPerGroup"), MaxEmittersPerGroup, $"[2, {MultiGaussianModel.MaxEmitters}]");
        Require(MultiEmitterSignificance is >= 1e-9 and <= 0.1, Path("multiEmitterSignificance"), MultiEmitterSignificance, "[1e-9, 0.1]");
        if (Calibration3D is { } c)
        {
            Require(Math.Abs(c.PixelSizeNm - Camera.PixelSizeNm) <= 0.01 * Camera.PixelSizeNm, Path("calibration3D.pixelSizeNm"), c.PixelSizeNm,
                $"the camera's pixel size, {Camera.PixelSizeNm} nm (± 1 %): the calibration was made with other optics");
            Require(Psf3D != Psf3DModel.Spline || c.Spline is not null, Path("psf3D"), (double)Psf3D, "gauss3d: this calibration holds no spline PSF");
        }
    }

    /// <summary>The per-ROI options these settings imply (lengths in px, counts in photoelectrons).</summary>
    public FitOptions ToFitOptions()
    {
        float sigmaPx = (float)PsfSigmaPx;
        FitOptions options = FitOptions.Create(sigmaPx, FitSigma);
        options.MaxIterations = MaxIterations;
        options.MinSigmaPx = (float)(MinSigmaFactor * sigmaPx);
        options.MaxSigmaPx = (float)(MaxSigmaFactor * sigmaPx);
        options.MinPhotoelectrons = (float)Camera.PhotonsToPhotoelectrons(MinPhotons);
        options.MinSignalToNoise = (float)MinSignalToNoise;
        options.ExcessNoiseFactor = (float)Camera.ExcessNoiseFactor;
        return options;
    }

    /// <summary>The 3D fit's options these settings imply (both engines fit 3D ROIs with these).</summary>
    public Fit3DOptions ToFit3DOptions()
    {
        FitOptions options = ToFitOptions();
        Fit3DOptions options3D = Fit3DOptions.Create();
        options3D.MaxIterations = Math.Max(MaxIterations, options3D.MaxIterations);
        options3D.ExcessNoiseFactor = options.ExcessNoiseFactor;
        options3D.MinPhotoelectrons = options.MinPhotoelectrons;
        options3D.MinSignalToNoise = options.MinSignalToNoise;
        return options3D;
    }

    /// <summary>The multi-emitter search's thresholds these settings imply (MaxEmitters 1 when <see cref="MultiEmitter"/> is off).</summary>
    public MultiEmitterOptions ToMultiEmitterOptions() =>
        MultiEmitterOptions.Create(MultiEmitter ? MaxEmittersPerGroup : 1, MultiEmitterSignificance, EffectiveRoiSizePx);

    private const string Section = "localizer";

    private static string Path(string field) => Join(Section, field);
}
