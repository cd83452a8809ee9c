using System.Globalization;
using LiveSmlm.Acquisition.Feedback;
using LiveSmlm.Acquisition.Pipeline;
using LiveSmlm.Core;
using LiveSmlm.Devices;
using LiveSmlm.Devices.Profiles;
using LiveSmlm.Devices.Safety;
using LiveSmlm.Devices.Simulated;
using LiveSmlm.IO;
using LiveSmlm.Reconstruction;

namespace LiveSmlm.Acquisition.Session;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The live parts of `acquire` beside the file sinks: the density log and the activation controller, the
/// fit-free meter on the camera's thread (when the controller measures with it), the live drift and the live
/// FRC; and what they write at the end (density and power plots, drift.csv and plot, the drift-corrected
/// localizations and render, ground-truth-drift.csv for a simulated rig).
/// </summary>
internal sealed class AcquisitionMonitors
{
    public const string DriftCsvFileName = "drift.csv";
    public const string DriftPlotFileName = "drift.png";
    public const string TruthDriftFileName = "ground-truth-drift.csv";
    public const string CorrectedCsvFileName = "locs_drift-corrected.csv";
    public const string CorrectedRenderFileName = "render-drift-corrected.png";

    /// <summary>Largest side of the live FRC images, px (the pixel grows for a larger field; a 2048² FFT per update).</summary>
    private const int MaxFrcSidePx = 2048;

    private CameraFrameSource? _frames;
    private string? _pendingStop;
    private long _exhaustedAtFrame = -1;

    private AcquisitionMonitors()
    {
    }

    public ActivationController? Controller { get; private set; }

    public string? FeedbackLaser { get; private set; }

    public FeedbackProfile? FeedbackSettings { get; private set; }

    public DensitySink? Density { get; private set; }

    public FitFreeDensityMeter? FitFree { get; private set; }

    public DriftMonitorSink? Drift { get; private set; }

    public ResolutionMonitorSink? Resolution { get; private set; }

    public double FieldAreaUm2 { get; private set; }

    /// <summary>Why the run ended early (sample exhausted, resolution reached); null otherwise.</summary>
    public string? StopReason => _frames?.StopReason ?? _pendingStop;

    public IEnumerable<SinkChannel> Sinks()
    {
        if (Density is not null)
        {
            yield return new SinkChannel(Density, 4);
        }

        if (Drift is not null)
        {
            yield return new SinkChannel(Drift, DriftMonitorSink.Capacity);
        }

        if (Resolution is not null)
        {
            yield return new SinkChannel(Resolution, 4);
        }
    }

    public static AcquisitionMonitors Create(AcquisitionRequest request, DeviceSession session, Func<IReadOnlyDictionary<string, double>> watchdogPowers, Action<string>? log)
    {
        HardwareProfile profile = request.Profile;
        ICamera camera = session.Camera;
        double pixelNm = camera.Info.PixelSizeNm;
        double widthNm = camera.Roi.Width * pixelNm, heightNm = camera.Roi.Height * pixelNm;
        var monitors = new AcquisitionMonitors { FieldAreaUm2 = widthNm * heightNm / 1e6 };
        LaserProfile? activation = profile.FeedbackLaser;
        if (request.Feedback)
        {
            if (activation is null)
            {
                throw new ArgumentException($"--feedback on needs a laser to steer, but the profile '{profile.Name}' has no laser with role \"activation\" (or feedback.laser); add one or use --feedback off.", nameof(request));
            }

            FeedbackProfile settings = profile.Feedback ?? new FeedbackProfile();
            if (request.SetpointLocalizationsPerFrame is { } setpoint)
            {
                settings = settings with { SetpointLocalizationsPerFrame = setpoint };
            }

            settings.Validate("feedback");
            SafeLaser laser = session.Laser(activation.Name);
            monitors.FeedbackSettings = settings;
            monitors.FeedbackLaser = activation.Name;
            monitors.Controller = new ActivationController(settings, activation.MaxPowerMw, activation.PowerMw, monitors.FieldAreaUm2, p =>
            {
                laser.SetPowerMw(p);
                return monitors.NextCameraFrame;
            });
            monitors.Controller.Exhausted += s =>
            {
                monitors._exhaustedAtFrame = s.LastFrame;
                string what = string.Create(CultureInfo.InvariantCulture, $"the sample is exhausted: {s.MeasuredPerFrame:0.##} localizations per frame against a setpoint of {s.SetpointPerFrame:0.##} with the {activation.Name} laser at its maximum {s.MaxPowerMw} mW (frame {s.LastFrame})");
                log?.Invoke(what);
                if (settings.StopWhenExhausted)
                {
                    monitors.RequestStop(what);
                }
            };
            if (settings.Measurement == DensitySource.FitFree)
            {
                CameraModel model = profile.ToCameraModel();
                var estimator = new FitFreeDensityEstimator(camera.Roi.Width, camera.Roi.Height, profile.Optics.ToOpticsSettings().SigmaNm / pixelNm, model.BaselineAdu, model.ElectronsPerAdu / model.EmGain);
                monitors.FitFree = new FitFreeDensityMeter(estimator, request.WindowFrames, monitors.Controller);
            }

            request.Live?.Publish(monitors.Controller);
        }

        if (activation is not null)
        {
            ActivationController? controller = monitors.Controller;
            string name = activation.Name;
            Func<long, double> powerAt = controller is not null
                ? controller.PowerAt
                : _ => watchdogPowers().TryGetValue(name, out double p) ? p : 0;
            bool feedLocalizations = monitors.FeedbackSettings?.Measurement == DensitySource.Localizations;
            monitors.Density = new DensitySink(request.WindowFrames, monitors.FieldAreaUm2, controller, feedLocalizations, powerAt, monitors.FitFree);
        }

        if (request.Monitor)
        {
            MonitoringProfile monitoring = profile.Monitoring ?? new MonitoringProfile();
            var rcc = new RccOptions { WidthNm = widthNm, HeightNm = heightNm, BinNm = monitoring.DriftBinNm, BlurNm = monitoring.DriftBinNm, WindowFrames = monitoring.DriftWindowFrames };
            bool beads = profile.Simulation?.Sample.Fiducials is { Count: > 0 };
            monitors.Drift = new DriftMonitorSink(new LiveDriftMonitor(rcc, beads ? new FiducialOptions() : null, monitoring.DriftUpdateFrames), request.Live);

            double frcPixelNm = Math.Max(monitoring.FrcPixelNm, Math.Max(widthNm, heightNm) / MaxFrcSidePx);
            var frc = new FrcResolutionMonitor(new FrcOptions { WidthNm = widthNm, HeightNm = heightNm, PixelNm = frcPixelNm, BlockFrames = monitoring.FrcBlockFrames });
            double? stopNm = request.StopResolutionImprovementNm ?? monitoring.StopResolutionImprovementNm;
            int stopOver = request.StopResolutionOverFrames ?? monitoring.StopResolutionOverFrames;
            monitors.Resolution = new ResolutionMonitorSink(frc, monitoring.FrcUpdateFrames, stopNm, stopOver, monitors.RequestStop, request.Live);
        }

        return monitors;
    }

    /// <summary>The camera stage, once it exists: power changes apply from its next frame, and early stops go to it.</summary>
    public void Attach(CameraFrameSource frames)
    {
        _frames = frames;
        if (_pendingStop is { } reason)
        {
            frames.RequestStop(reason);
        }
    }

    /// <summary>The camera stage's recording hook with the fit-free meter after the recorder, when it runs.</summary>
    public Action<Frame> RecordHook(Action<Frame> record)
    {
        FitFreeDensityMeter? meter = FitFree;
        return meter is null ? record : frame =>
        {
            record(frame);
            meter.Measure(frame);
        };
    }

    public void Flush() => Density?.Flush();

    /// <summary>The end-of-run files (after a successful run): plots, drift outputs, the corrected localizations and render.</summary>
    public IReadOnlyList<string> WriteOutputs(string outDir, string csvPath, LocalizationSetInfo info, SimulatedRig? rig, long frames, double renderPixelNm, string title)
    {
        var written = new List<string>();
        if (Density is { Log.Count: > 0 } density)
        {
            written.AddRange(FeedbackPlots.Write(outDir, density.Log, title));
        }

        DriftTrace? truth = null;
        if (rig is not null && frames > 0)
        {
            string truthPath = Path.Combine(outDir, TruthDriftFileName);
            var tx = new double[frames];
            var ty = new double[frames];
            for (long f = 0; f < frames; f++)
            {
                (tx[f], ty[f], _) = rig.Sample.DriftAt(f);
            }

            DriftCsvWriter.WriteAll(truthPath, tx, ty);
            written.Add(truthPath);
            (double x0, double y0) = (tx[0], ty[0]);
            truth = new DriftTrace([.. tx.Select(x => x - x0)], [.. ty.Select(y => y - y0)]);
        }

        if (Drift?.Final is { Reliable: true } drift)
        {
            string csv = Path.Combine(outDir, DriftCsvFileName), png = Path.Combine(outDir, DriftPlotFileName);
            DriftCsvWriter.WriteAll(csv, drift.Trace.XNm, drift.Trace.YNm);
            DriftPlot.WritePng(png, drift.Trace, $"Live drift ({(drift.Method == DriftMethod.Fiducials ? "fiducials" : "RCC")}): {title}", truth);
            written.Add(csv);
            written.Add(png);

            // Streamed: locs.csv is read back a chunk at a time, so memory does not grow with the run.
            string correctedCsv = Path.Combine(outDir, CorrectedCsvFileName);
            var renderer = new GaussianRenderer(new RenderSettings { PixelSizeNm = renderPixelNm, WidthNm = info.WidthPx * info.PixelSizeNm, HeightNm = info.HeightPx * info.PixelSizeNm });
            using (var writer = new ThunderStormCsvWriter(correctedCsv, info with { Frames = frames, GeneratedBy = "LiveSmlm acquire (drift-corrected)" }))
            {
                DriftCorrectedExport.Write(ThunderStormCsvReader.Read(csvPath), drift.Trace, [writer], renderer);
            }

            string correctedPng = Path.Combine(outDir, CorrectedRenderFileName);
            ImageExport.WriteRenderPng(correctedPng, renderer.Image, renderer.Width, renderer.Height);
            written.Add(correctedCsv);
            written.Add(correctedPng);
        }

        return written;
    }

    /// <summary>summary.json's feedback object; null without feedback.</summary>
    public FeedbackSummary? FeedbackSummary()
    {
        if (Controller is not { } c || FeedbackSettings is not { } s)
        {
            return null;
        }

        ActivationControllerSnapshot now = c.Snapshot();
        return new FeedbackSummary(
            FeedbackLaser!,
            s.Measurement == DensitySource.FitFree ? "fit-free" : "localizations",
            now.Mode == FeedbackMode.Automatic ? "automatic" : "manual",
            Math.Round(now.SetpointPerFrame, 3),
            Math.Round(now.SetpointPerUm2, 5),
            now.ProportionalGain,
            now.IntegralGain,
            s.WindowFrames,
            s.SettlingFrames,
            now.Updates,
            Math.Round(now.PowerMw, 4),
            now.MaxPowerMw,
            now.Saturated,
            now.Exhausted,
            _exhaustedAtFrame >= 0 ? _exhaustedAtFrame : null);
    }

    public DriftSummary? DriftSummary(string outDir)
    {
        if (Drift?.Final is not { } d)
        {
            return null;
        }

        double max = 0;
        for (int f = 0; f < d.Trace.FrameCount; f++)
        {
            max = Math.Max(max, Math.Sqrt((d.Trace.XNm[f] * d.Trace.XNm[f]) + (d.Trace.YNm[f] * d.Trace.YNm[f])));
        }

        DriftReliability r = d.Reliability;
        return new DriftSummary(
            d.Method == DriftMethod.Fiducials ? "fiducials" : "rcc",
            d.Beads,
            d.Windows,
            Drift.Updates,
            r.Reliable ? Math.Round(max, 2) : null,
            r.Reliable ? Path.Combine(outDir, DriftCsvFileName) : null,
            r.Reliable,
            r.Reliable ? null : r.Reason,
            r.Reliable ? null : DriftReliability.Advice,
            r.Pairs,
            r.SignificantPairs,
            Math.Round(r.ResidualRmsNm, 2),
            Math.Round(r.ExpectedResidualRmsNm, 2));
    }

    public ResolutionSummary? ResolutionSummary()
    {
        if (Resolution is not { History.Count: > 0 } r)
        {
            return null;
        }

        static double? Nm(double v) => double.IsFinite(v) ? Math.Round(v, 2) : null;
        return new ResolutionSummary(
            Nm(r.History[^1].ResolutionNm),
            r.History[^1].Localizations,
            [.. r.History.Select(p => new ResolutionLogEntry(p.LastFrame, p.Localizations, Nm(p.ResolutionNm)))]);
    }

    private long NextCameraFrame => (_frames?.FramesRead ?? 0) + 1;

    private void RequestStop(string reason)
    {
        if (_frames is { } frames)
        {
            frames.RequestStop(reason);
        }
        else
        {
            Interlocked.CompareExchange(ref _pendingStop, reason, null);
        }
    }
}

/// <summary>summary.json's feedback object.</summary>
public sealed record FeedbackSummary(
    string Laser,
    string Measurement,
    string Mode,
    double SetpointLocalizationsPerFrame,
    double SetpointPerUm2,
    double ProportionalGain,
    double IntegralGain,
    int WindowFrames,
    int SettlingFrames,
    long Updates,
    double FinalPowerMw,
    double MaxPowerMw,
    bool Saturated,
    bool Exhausted,
    long? ExhaustedAtFrame);

/// <summary>
/// summary.json's drift object: the live estimate at the end. When it is not reliable (RCC found no structure the
/// windows share) there is no max drift, no drift.csv and no corrected output, and <c>unreliable_reason</c> says why.
/// </summary>
public sealed record DriftSummary(
    string Method,
    int Beads,
    int Windows,
    int LiveUpdates,
    double? MaxDriftNm,
    string? Csv,
    bool Reliable,
    string? UnreliableReason,
    string? Advice,
    int Pairs,
    int SignificantPairs,
    double PairResidualRmsNm,
    double ExpectedPairResidualRmsNm);

/// <summary>summary.json's resolution object: the last live FRC and every update.</summary>
public sealed record ResolutionSummary(double? FrcNm, long Localizations, IReadOnlyList<ResolutionLogEntry> History);

/// <summary>One live FRC update in summary.json.</summary>
public sealed record ResolutionLogEntry(long Frame, long Localizations, double? FrcNm);
