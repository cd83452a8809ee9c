namespace LiveSmlm.Devices.Safety;

/// <summary>Why a <see cref="SafeLaser"/> switched its emission off.</summary>
public enum SafetyTrigger
{
    /// <summary>A call to the wrapped laser threw.</summary>
    LaserException,

    /// <summary>The session stopped acquiring (normal end).</summary>
    SessionStop,

    /// <summary>The session faulted (a camera, pipeline or other device error).</summary>
    SessionFault,

    /// <summary>The session disconnected or the laser was disposed.</summary>
    Disconnect,

    /// <summary>Ctrl-C (Console.CancelKeyPress).</summary>
    CtrlC,

    /// <summary>SIGTERM (PosixSignalRegistration).</summary>
    Sigterm,

    /// <summary>The process is exiting (AppDomain.ProcessExit).</summary>
    ProcessExit,
}

/// <summary>One shut-off as a <see cref="SafeLaser"/> recorded it.</summary>
/// <param name="LaserName">The laser's <see cref="IDevice.Name"/>.</param>
/// <param name="Trigger">What caused it.</param>
/// <param name="Succeeded">False when the laser did not acknowledge emission off (see <see cref="Error"/>).</param>
/// <param name="Error">The laser's error when switching off failed.</param>
public sealed record SafetyShutOff(string LaserName, SafetyTrigger Trigger, bool Succeeded, Exception? Error);
