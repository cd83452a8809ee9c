using LiveSmlm.Core;
using LiveSmlm.Devices.Pacing;
using LiveSmlm.Devices.Profiles;

namespace LiveSmlm.Devices.Simulated;

/// <summary>
/// The rig's simulated camera: frames of the rig's sample in real time at the profile's rate (or as fast
/// as the reader takes them), with exposure, frame rate and ROI like a real sCMOS/EMCCD.
/// </summary>
/// <remarks>
/// Frames are rendered on the reader's thread when they are due. The sample's time runs on across
/// sequences (dyes bleached in one stay bleached); changing exposure or frame rate restarts the sample
/// from the rig's seed, as a new field of view would. Frame numbers in the sample's ground truth
/// (<see cref="SimulatedRig.Sample"/>) count the sample's frames since it was made, not the sequence's.
/// </remarks>
public sealed class SimulatedRigCamera : PacedCamera
{
    private const DeviceCapabilities SimulatedCameraCapabilities =
        DeviceCapabilities.SetExposure | DeviceCapabilities.SetFrameRate | DeviceCapabilities.SetRoi | DeviceCapabilities.UnpacedAcquisition;

    private readonly SimulatedRig _rig;

    internal SimulatedRigCamera(SimulatedRig rig, CameraProfile camera, TimeProvider? clock)
        : base(
            "camera",
            new CameraInfo($"Simulated {camera.Type}", camera.Type, camera.WidthPx, camera.HeightPx, camera.ToCameraModel()),
            camera.ExposureMs,
            camera.FrameRateHz,
            SimulatedCameraCapabilities,
            clock)
    {
        _rig = rig;
    }

    protected override bool ReadSensorFrame(Frame sensorFrame, long index) => _rig.Sample.TryReadNext(sensorFrame);

    protected override void OnTimingChanging(double exposureMs, double frameRateHz) => _rig.Retime(exposureMs, frameRateHz);
}
