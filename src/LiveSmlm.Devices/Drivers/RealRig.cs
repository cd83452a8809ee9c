using LiveSmlm.Devices.Drivers.MicroManager;
using LiveSmlm.Devices.Drivers.Serial;
using LiveSmlm.Devices.Profiles;

namespace LiveSmlm.Devices.Drivers;

/// <summary>
/// The drivers of a real rig, made from the device sections of its hardware profile: the Micro-Manager
/// camera, a serial driver per laser, the TriggerScope if there is one. Nothing is opened here; the
/// <see cref="DeviceSession"/> connects them.
/// </summary>
public sealed class RealRig : IDisposable
{
    private RealRig(HardwareProfile profile, ICamera camera, IReadOnlyList<ILaser> lasers, ITrigger? trigger)
    {
        Profile = profile;
        Camera = camera;
        Lasers = lasers;
        Trigger = trigger;
    }

    public HardwareProfile Profile { get; }

    public ICamera Camera { get; }

    public IReadOnlyList<ILaser> Lasers { get; }

    public ITrigger? Trigger { get; }

    /// <summary>
    /// Makes the drivers. Throws <see cref="ProfileValidationException"/> naming the field when a device
    /// is not real (a real rig cannot drive a simulated camera or laser: they would not share a sample).
    /// </summary>
    public static RealRig Create(HardwareProfile profile, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(profile);
        CameraDeviceProfile camera = profile.Camera.Device
            ?? throw new ProfileValidationException(sourceName, "camera.device", "camera.device is missing; a rig with real lasers needs a real camera ({\"kind\": \"micromanager\"}).");
        var lasers = new List<ILaser>();
        for (int i = 0; i < profile.Lasers.Count; i++)
        {
            LaserProfile laser = profile.Lasers[i];
            LaserDeviceProfile device = laser.Device
                ?? throw new ProfileValidationException(sourceName, $"lasers[{i}].device", $"lasers[{i}].device is missing; laser '{laser.Name}' of a real rig needs its driver and port ({{\"kind\": \"obis\", \"port\": \"/dev/ttyUSB0\"}}).");
            lasers.Add(new SerialLaser(laser.Name, laser.WavelengthNm, device.ToOptions(laser)));
        }

        var mm = new MicroManagerCamera("camera", new MicroManagerCameraOptions
        {
            Address = camera.Address,
            SensorType = profile.Camera.Type,
            PhotonModel = profile.ToCameraModel(),
            FrameRateHz = profile.Camera.FrameRateHz,
            ReplyTimeout = TimeSpan.FromMilliseconds(camera.ReplyTimeoutMs),
        });
        ITrigger? trigger = profile.Trigger is { } t ? new TriggerScope("trigger", t.Port) : null;
        return new RealRig(profile, mm, lasers, trigger);
    }

    /// <summary>
    /// After connect: the profile's exposure on the camera and each laser's starting power (powerMw),
    /// commanded and read back (emission stays off until the session acquires).
    /// </summary>
    public void ApplyProfile(DeviceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.Camera.SetExposure(Profile.Camera.ExposureMs);
        foreach (LaserProfile laser in Profile.Lasers)
        {
            session.Laser(laser.Name).SetPowerMw(laser.PowerMw);
        }
    }

    public void Dispose()
    {
        Camera.Dispose();
        foreach (ILaser laser in Lasers)
        {
            laser.Dispose();
        }

        Trigger?.Dispose();
    }
}
