namespace LiveSmlm.Reconstruction;

/// <summary>One localization paired with one ground-truth emitter of the same frame, by index into the inputs.</summary>
/// <param name="LocalizationIndex">Index into the localization list given to the matcher.</param>
/// <param name="TruthIndex">Index into the ground-truth list given to the matcher.</param>
/// <param name="DistanceNm">Lateral distance between the two, nm.</param>
public readonly record struct LocalizationMatch(int LocalizationIndex, int TruthIndex, double DistanceNm);
