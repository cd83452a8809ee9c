using LiveSmlm.Core;
using LiveSmlm.Devices.Drivers.Serial;

namespace LiveSmlm.Devices.Profiles;

/// <summary>
/// Which real camera driver a profile's camera is (absent: the simulated camera). Micro-Manager: the
/// camera loaded in a running Micro-Manager, reached through its ZMQ server.
/// </summary>
public sealed record CameraDeviceProfile
{
    public const string MicroManagerKind = "micromanager";

    /// <summary>"micromanager".</summary>
    public required string Kind { get; init; }

    /// <summary>The ZMQ server, e.g. "tcp://127.0.0.1:4827".</summary>
    public string Address { get; init; } = "tcp://127.0.0.1:4827";

    /// <summary>How long one reply may take, ms.</summary>
    public double ReplyTimeoutMs { get; init; } = 2000;

    public void Validate(string prefix)
    {
        if (Kind != MicroManagerKind)
        {
            throw new SettingException(SettingValidation.Join(prefix, "kind"), $"= \"{Kind}\" is not a camera driver; allowed \"{MicroManagerKind}\".", $"\"{Kind}\"");
        }

        if (string.IsNullOrWhiteSpace(Address) || !Address.StartsWith("tcp://", StringComparison.Ordinal) || !Uri.TryCreate(Address, UriKind.Absolute, out Uri? uri) || uri.Port < 1)
        {
            throw new SettingException(SettingValidation.Join(prefix, "address"), $"= \"{Address}\" is not a ZMQ address; give tcp://HOST:PORT (Micro-Manager's server listens on tcp://127.0.0.1:4827).", $"\"{Address}\"");
        }

        SettingValidation.Require(ReplyTimeoutMs is > 0 and <= 60_000, SettingValidation.Join(prefix, "replyTimeoutMs"), ReplyTimeoutMs, "(0, 60000] ms");
    }
}

/// <summary>Which serial driver a laser is and on which port (absent: a simulated laser).</summary>
public sealed record LaserDeviceProfile
{
    /// <summary>"obis", "cobolt" or "ibeam".</summary>
    public required string Kind { get; init; }

    /// <summary>The serial port (/dev/ttyUSB0, /dev/serial/by-id/…, COM3).</summary>
    public required string Port { get; init; }

    /// <summary>How long one reply may take, ms.</summary>
    public double ReplyTimeoutMs { get; init; } = 500;

    public void Validate(string prefix)
    {
        if (!SerialLaserProtocol.Kinds.Contains(Kind))
        {
            throw new SettingException(SettingValidation.Join(prefix, "kind"), $"= \"{Kind}\" is not a laser driver; allowed {string.Join(" | ", SerialLaserProtocol.Kinds.Select(k => $"\"{k}\""))}.", $"\"{Kind}\"");
        }

        if (string.IsNullOrWhiteSpace(Port))
        {
            throw new SettingException(SettingValidation.Join(prefix, "port"), "is empty; give the laser's serial port, e.g. \"/dev/ttyUSB0\".");
        }

        SettingValidation.Require(ReplyTimeoutMs is > 0 and <= 60_000, SettingValidation.Join(prefix, "replyTimeoutMs"), ReplyTimeoutMs, "(0, 60000] ms");
    }

    public SerialLaserOptions ToOptions(LaserProfile laser) => new()
    {
        Kind = Kind,
        Port = Port,
        ExpectedWavelengthNm = laser.WavelengthNm,
        MaxPowerMw = laser.MaxPowerMw,
        ReplyTimeout = TimeSpan.FromMilliseconds(ReplyTimeoutMs),
    };
}

/// <summary>A real trigger box (absent: the simulated one). TriggerScope: on a serial port.</summary>
public sealed record TriggerDeviceProfile
{
    public const string TriggerScopeKind = "triggerscope";

    /// <summary>"triggerscope".</summary>
    public required string Kind { get; init; }

    public required string Port { get; init; }

    public void Validate(string prefix)
    {
        if (Kind != TriggerScopeKind)
        {
            throw new SettingException(SettingValidation.Join(prefix, "kind"), $"= \"{Kind}\" is not a trigger driver; allowed \"{TriggerScopeKind}\".", $"\"{Kind}\"");
        }

        if (string.IsNullOrWhiteSpace(Port))
        {
            throw new SettingException(SettingValidation.Join(prefix, "port"), "is empty; give the TriggerScope's serial port, e.g. \"/dev/ttyACM0\".");
        }
    }
}
