using LiveSmlm.Devices.Profiles;
using LiveSmlm.Simulation;
using LiveSmlm.Simulation.Optics;

namespace LiveSmlm.Devices.Simulated;

/// <summary>
/// A whole simulated rig from one hardware profile: one simulated sample that the camera images and the
/// lasers illuminate, so the devices are separate but act on the same dyes, as on a real microscope.
/// </summary>
/// <remarks>
/// The lasers write their emitted power into the sample at once (any thread; <see cref="SimulatedCamera"/>
/// reads the powers once at the start of each frame, so a change applies from the next frame that starts).
/// The SLM sits in the pupil: each pattern it shows, mapped back to phase with the profile's grey level for 2π,
/// becomes the camera's pupil phase (<see cref="SimulatedCamera.PupilPhase"/>), so from the next frame the sample
/// is imaged through the pupil-function PSF of that pattern (a flat pattern: the Gaussian PSF, as without an SLM).
/// Lasers of one role add up: the sample's 405 nm power is the sum of the activation lasers' emitted
/// power, its excitation power the sum of the excitation lasers'. Lasers start with emission off.
/// </remarks>
public sealed class SimulatedRig : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ulong _seed;
    private readonly SimulatedLaser[] _lasers;
    private SimulatedCamera _sample;    // replaced (under _lock) only when the camera's timing changes

    public SimulatedRig(HardwareProfile profile, ulong seed, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Profile = profile;
        _seed = seed;
        _sample = new SimulatedCamera(profile.ToSimulationSettings(), seed);
        _lasers = profile.Lasers
            .Select(l => new SimulatedLaser(l.Name, l.WavelengthNm, l.Role, new PowerLimits(0, l.MaxPowerMw), l.PowerMw, ApplyLaserPowers))
            .ToArray();
        ApplyLaserPowers();
        Camera = new SimulatedRigCamera(this, profile.Camera, clock);
        SlmProfile slm = profile.Slm ?? new SlmProfile();
        Slm = new SimulatedSlm("slm", slm.WidthPx, slm.HeightPx, slm.GrayFor2Pi, ApplyPupilPhase);
        Trigger = new SimulatedTrigger("trigger", 4, new VoltageRange(0, 10), 16);
    }

    public HardwareProfile Profile { get; }

    public SimulatedRigCamera Camera { get; }

    public IReadOnlyList<SimulatedLaser> Lasers => _lasers;

    public SimulatedSlm Slm { get; }

    public SimulatedTrigger Trigger { get; }

    /// <summary>
    /// The simulated sample behind the camera, for its ground truth (labels, <see cref="SimulatedCamera.LastFrameTruth"/>
    /// after each frame, read on the camera's reader thread) and the powers it currently receives.
    /// </summary>
    public SimulatedCamera Sample => Volatile.Read(ref _sample);

    /// <summary>The laser with this profile name; <see cref="KeyNotFoundException"/> listing the names otherwise.</summary>
    public SimulatedLaser Laser(string name) =>
        _lasers.FirstOrDefault(l => l.Name == name)
        ?? throw new KeyNotFoundException($"The rig '{Profile.Name}' has no laser '{name}'; it has {string.Join(", ", _lasers.Select(l => $"'{l.Name}'"))}.");

    public void Dispose()
    {
        Camera.Dispose();
        foreach (SimulatedLaser laser in _lasers)
        {
            laser.Dispose();
        }

        Slm.Dispose();
        Trigger.Dispose();
        Sample.Dispose();
    }

    /// <summary>New camera timing: the sample restarts from the same seed with it (the camera is idle then).</summary>
    internal void Retime(double exposureMs, double frameRateHz)
    {
        lock (_lock)
        {
            SimulationSettings settings = _sample.Settings with
            {
                Camera = _sample.Settings.Camera with { ExposureMs = exposureMs, FrameRateHz = frameRateHz },
            };
            var sample = new SimulatedCamera(settings, _seed);
            SimulatedCamera old = _sample;
            Volatile.Write(ref _sample, sample);
            old.Dispose();
            ApplyLaserPowersLocked();
            sample.PupilPhase = Slm.PupilPhase;
        }
    }

    // On the SLM's lock (its callback): takes only the rig's lock, which never waits on the SLM.
    private void ApplyPupilPhase(PupilPhaseMap phase)
    {
        lock (_lock)
        {
            _sample.PupilPhase = phase;
        }
    }

    private void ApplyLaserPowers()
    {
        lock (_lock)
        {
            ApplyLaserPowersLocked();
        }
    }

    private void ApplyLaserPowersLocked()
    {
        double activation = 0;
        double excitation = 0;
        foreach (SimulatedLaser laser in _lasers)
        {
            if (laser.Role == LaserProfile.ActivationRole)
            {
                activation += laser.EmittedPowerMw;
            }
            else
            {
                excitation += laser.EmittedPowerMw;
            }
        }

        _sample.ActivationPowerMw = activation;
        _sample.ExcitationPowerMw = excitation;
    }
}
