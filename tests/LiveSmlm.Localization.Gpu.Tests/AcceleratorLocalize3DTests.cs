using LiveSmlm.Core;
using LiveSmlm.Localization.Tests;

namespace LiveSmlm.Localization.Gpu.Tests;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// 3D through the whole device path (detection, cut, Fit3DKernels, the host's 3D policy): the same
/// localizations as the CPU engine on the same astigmatic stack, and z errors at the CRLB against the
/// test's own truth. Data: astigmatic Gaussians (Huang curves) or the calibration's spline, drawn in double
/// by <see cref="ThreeDImages"/>, Poisson photoelectrons and ADU by <see cref="TestFrames.ToAdu"/>.
/// </summary>
public abstract partial class AcceleratorTests
{
    private const double Photons3D = 2000;
    private const double Background3D = 10;
    private const double RangeNm = 600;
    private const int Patch = 25;

    // Huang-model curves (σ0 px, c nm, d nm, A, B) at 100 nm pixels: foci ±250 nm, with higher-order terms.
    private static readonly double[] CurveXPx = [1.1, -250, 420, 0.15, 0.05];
    private static readonly double[] CurveYPx = [1.15, 250, 400, -0.12, 0.04];

    // Spline samples: a 15 px window (ROI 13 px) and 33 slices of 50 nm from −800 nm.
    private const int Window = 15;
    private const int Slices = 33;
    private const double SplineZ0 = -800;
    private const double SplineDz = 50;

    public static TheoryData<string, string> Setups3D => new()
    {
        { "gauss3d", "ideal" }, { "spline", "ideal" }, { "gauss3d", "scmos-maps" }, { "spline", "scmos-temporal" },
    };

    /// <summary>
    /// Same stack, both engines: the same localizations (x, y within 10⁻³ px and z within 0.1 nm — the fit's
    /// convergence tolerances, Emitter3D.Tolerance: two float evaluations of one model differ in the last
    /// bits and may stop one step apart, each step below the tolerance; √CRLB_z within 10⁻³ relative).
    /// Ideal camera: also z RMSE ≤ 1.15 × √(mean CRLB_z) against the truth, the test's own CRLB.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Setups3D))]
    public void Localize3D_AstigmaticStack_MatchesTheCpuEngineAndReachesTheCrlbInZ(string psf, string setup)
    {
        bool ideal = setup == "ideal";
        (LocalizerSettings settings, List<Frame> frames, List<(TrueEmitter Emitter, double ZNm)> truth, float[] coefficients) =
            Stack3D(psf, setup, frames: ideal ? 20 : 6, seed: psf == "spline" ? 41 : 40);
        (List<Localization> onDevice, List<Localization> onCpu) = LocalizeOnBothEngines(settings, frames, 4);
        const double pixelNm = 100;
        for (int i = 0; i < onCpu.Count; i++)
        {
            Assert.Equal(onCpu[i].Frame, onDevice[i].Frame);
            Assert.Equal(onCpu[i].Flags, onDevice[i].Flags);
            Assert.True(onDevice[i].Has3D, $"localization {i} of the device has no z");
            Assert.Equal(onCpu[i].XNm / pixelNm, onDevice[i].XNm / pixelNm, 1e-3);
            Assert.Equal(onCpu[i].YNm / pixelNm, onDevice[i].YNm / pixelNm, 1e-3);
            Assert.Equal(onCpu[i].ZNm, onDevice[i].ZNm, 0.1);
            Assert.Equal(onCpu[i].UncertaintyZNm, onDevice[i].UncertaintyZNm, 1e-3 * onCpu[i].UncertaintyZNm);
            Assert.Equal(onCpu[i].Photons, onDevice[i].Photons, 1e-3 * onCpu[i].Photons);
        }

        if (!ideal)
        {
            return;
        }

        // Every 2000-photon emitter found within 1 px (√CRLB_x ≈ 0.1 px), then z against the truth.
        var zOf = truth.ToDictionary(t => t.Emitter, t => t.ZNm);
        var pairs = TestFrames.Match([.. truth.Select(t => t.Emitter)], onDevice, pixelNm, 1.0);
        Assert.True(pairs.Count >= truth.Count - 1, $"{pairs.Count} of {truth.Count} emitters found");
        double squared = 0, crlb = 0;
        foreach ((TrueEmitter t, Localization f) in pairs)
        {
            double z = zOf[t];
            squared += (f.ZNm - z) * (f.ZNm - z);

            // The bound on the ROI the engine cuts: 13 px with the emitter's pixel at its centre.
            double x = t.XPx - Math.Floor(t.XPx) + 6, y = t.YPx - Math.Floor(t.YPx) + 6;
            crlb += ThreeDImages.Crlb(theta => Expected(psf, 13, theta, coefficients), [x, y, Photons3D, Background3D, z])[4];
        }

        double rmse = Math.Sqrt(squared / pairs.Count), bound = Math.Sqrt(crlb / pairs.Count);
        Assert.True(rmse <= 1.15 * bound, $"{psf}: z RMSE {rmse:F2} nm against √CRLB_z {bound:F2} nm over {pairs.Count} emitters (ratio {rmse / bound:F3}; ≤ 1.15 required)");
        Assert.True(rmse >= 0.8 * bound, $"{psf}: z RMSE {rmse:F2} nm below √CRLB_z {bound:F2} nm: the test's bound or data are wrong");
    }

    // Expected photoelectrons of one emitter (θ = x, y, N, b, z in patch pixels) in a size² patch.
    private static double[] Expected(string psf, int size, double[] theta, float[] coefficients) =>
        psf == "spline"
            ? ThreeDImages.SplineRoi(size, theta, coefficients, Window, Slices, SplineZ0, SplineDz)
            : ThreeDImages.Astigmatic(size, theta, CurveXPx, CurveYPx);

    // Frames of 64² with emitters ≥ 14 px apart and ≥ 7 px inside (their 13 px ROIs are not clamped),
    // z uniform over ±600 nm, on 10 photons/px; the calibration holds the test's curves and a spline through
    // the test's own pixel-integrated astigmatic samples.
    private static (LocalizerSettings Settings, List<Frame> Frames, List<(TrueEmitter Emitter, double ZNm)> Truth, float[] Coefficients) Stack3D(
        string psf, string setup, int frames, int seed)
    {
        var rng = new Random(seed);
        CameraModel camera = setup == "ideal"
            ? new CameraModel { PixelSizeNm = 100, BaselineAdu = 100, ElectronsPerAdu = 1, QuantumEfficiency = 1, ReadNoiseElectrons = 0 }
            : TestFrames.Scmos;
        PsfCalibration3D calibration = Calibration();
        float[] coefficients = CubicSplineCoefficients.Build([.. calibration.Spline!.Samples.Select(v => (double)v)], calibration.Spline.Grid);
        var truth = new List<(TrueEmitter, double)>();
        var result = new List<Frame>();
        for (int f = 0; f < frames; f++)
        {
            var photons = new double[Width * Height];
            Array.Fill(photons, Background3D / camera.QuantumEfficiency);
            foreach (TrueEmitter e in TestFrames.IsolatedEmitters(rng, 1, 8, Width - 8, Height - 8, Photons3D, 14))
            {
                var here = e with { Frame = f, XPx = e.XPx + 4, YPx = e.YPx + 4 };
                double z = -RangeNm + (2 * RangeNm * rng.NextDouble());
                truth.Add((here, z));
                int x0 = (int)Math.Floor(here.XPx) - (Patch / 2), y0 = (int)Math.Floor(here.YPx) - (Patch / 2);
                double[] spot = Expected(psf, Patch, [here.XPx - x0, here.YPx - y0, Photons3D / camera.QuantumEfficiency, 0, z], coefficients);
                for (int j = 0; j < Patch; j++)
                {
                    for (int i = 0; i < Patch; i++)
                    {
                        if (x0 + i >= 0 && x0 + i < Width && y0 + j >= 0 && y0 + j < Height)
                        {
                            photons[((y0 + j) * Width) + x0 + i] += spot[(j * Patch) + i];
                        }
                    }
                }
            }

            var frame = new Frame(Width, Height) { Index = f };
            for (int i = 0; i < photons.Length; i++)
            {
                frame.Pixels[i] = TestFrames.ToAdu(rng, camera, photons[i]);
            }

            result.Add(frame);
        }

        if (setup == "scmos-maps")
        {
            camera = camera with { PixelMaps = Maps(rng, camera) };
        }

        var settings = new LocalizerSettings
        {
            Camera = camera,
            PsfSigmaNm = 110,
            Background = setup == "scmos-temporal" ? BackgroundMode.TemporalMedian : BackgroundMode.Wavelet,
            TemporalWindowFrames = 5,
            Calibration3D = calibration,
            Psf3D = psf == "spline" ? Psf3DModel.Spline : Psf3DModel.Gauss3D,
        };
        return (settings, result, truth, coefficients);
    }

    private static PsfCalibration3D Calibration()
    {
        var samples = new float[Window * Window * Slices];
        for (int s = 0; s < Slices; s++)
        {
            double[] mu = ThreeDImages.Astigmatic(Window, [0.5 * Window, 0.5 * Window, 1, 0, SplineZ0 + (SplineDz * s)], CurveXPx, CurveYPx);
            double sum = mu.Sum();
            for (int p = 0; p < mu.Length; p++)
            {
                samples[(s * Window * Window) + p] = (float)(mu[p] / sum);
            }
        }

        return new PsfCalibration3D
        {
            PixelSizeNm = 100, ZStepNm = SplineDz,
            X = new CurveNm(CurveXPx[0] * 100, CurveXPx[1], CurveXPx[2], CurveXPx[3], CurveXPx[4]),
            Y = new CurveNm(CurveYPx[0] * 100, CurveYPx[1], CurveYPx[2], CurveYPx[3], CurveYPx[4]),
            ZMinNm = -800, ZMaxNm = 800,
            Spline = new SplineSamples(Window, Slices, SplineZ0, SplineDz, samples),
        };
    }
}
