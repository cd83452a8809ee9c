namespace LiveSmlm.Core;

/// <summary>
/// One emitter that was on during one frame, as the simulator knows it: the test oracle.
/// Position in nm (our convention, drift included), frame from 0, photons it really emitted
/// during that frame (at the sample, before QE).
/// </summary>
public readonly record struct GroundTruthEmitter(long Id, long Frame, double XNm, double YNm, double ZNm, double Photons);
