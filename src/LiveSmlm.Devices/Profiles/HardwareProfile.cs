using System.Text.Json;
using System.Text.Json.Serialization;
using LiveSmlm.Core;
using LiveSmlm.Simulation;

namespace LiveSmlm.Devices.Profiles;

/// <summary>
/// One rig as one JSON file (hardware-profiles/*.json, schema.json): camera, optics, lasers and, for a
/// simulated rig, what to simulate. Loading validates every field and names the bad one.
/// </summary>
public sealed record HardwareProfile
{
    /// <summary>camelCase, comments and trailing commas allowed, unknown fields an error.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>Optional link to the schema, for editors.</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public required CameraProfile Camera { get; init; }

    public required OpticsProfile Optics { get; init; }

    public required IReadOnlyList<LaserProfile> Lasers { get; init; }

    /// <summary>The phase SLM (size, grey level for 2π); null: a 512 × 512 panel, 255 for 2π.</summary>
    public SlmProfile? Slm { get; init; }

    /// <summary>A real trigger box; null for the simulated one.</summary>
    public TriggerDeviceProfile? Trigger { get; init; }

    /// <summary>True when any device of the rig is real (camera, a laser or the trigger has a device section).</summary>
    [JsonIgnore]
    public bool HasRealDevices => Camera?.Device is not null || Trigger is not null || (Lasers?.Any(l => l?.Device is not null) ?? false);

    /// <summary>Present for a simulated rig; null for real hardware.</summary>
    public SimulationProfile? Simulation { get; init; }

    /// <summary>Closed-loop activation feedback (setpoint, gains, window); null: the defaults when feedback is switched on.</summary>
    public FeedbackProfile? Feedback { get; init; }

    /// <summary>Live drift and resolution monitoring during acquire; null: the defaults.</summary>
    public MonitoringProfile? Monitoring { get; init; }

    /// <summary>How frames are localized (multi-emitter search); null: the engine's defaults.</summary>
    public AnalysisProfile? Analysis { get; init; }

    /// <summary>The first laser with the activation role, if any.</summary>
    [JsonIgnore]
    public LaserProfile? ActivationLaser => Lasers.FirstOrDefault(l => l.Role == LaserProfile.ActivationRole);

    /// <summary>The laser the activation feedback steers: the feedback section's laser, else the first activation laser.</summary>
    [JsonIgnore]
    public LaserProfile? FeedbackLaser => Feedback?.Laser is { } name ? Lasers.FirstOrDefault(l => l.Name == name) : ActivationLaser;

    /// <summary>The first laser with the excitation role, if any.</summary>
    [JsonIgnore]
    public LaserProfile? ExcitationLaser => Lasers.FirstOrDefault(l => l.Role == LaserProfile.ExcitationRole);

    /// <summary>
    /// Reads and validates a profile. Throws <see cref="FileNotFoundException"/> for a missing file and
    /// <see cref="ProfileValidationException"/> naming the file and field for anything wrong inside it.
    /// </summary>
    public static HardwareProfile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Hardware profile {path} does not exist.", path);
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses and validates profile text; <paramref name="sourceName"/> names it in errors.</summary>
    public static HardwareProfile Parse(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        HardwareProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize<HardwareProfile>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            string field = MissingFieldPath(TrimRoot(e.Path), e.Message);
            throw new ProfileValidationException(sourceName, field, $"{(field.Length == 0 ? "(root)" : field)}: {e.Message}", e);
        }

        if (profile is null)
        {
            throw new ProfileValidationException(sourceName, string.Empty, "the profile is null; it must be a JSON object (see hardware-profiles/schema.json).");
        }

        profile.Validate(sourceName);
        return profile;
    }

    /// <summary>Checks every field; throws <see cref="ProfileValidationException"/> naming the file, field and range.</summary>
    public void Validate(string sourceName)
    {
        try
        {
            if (string.IsNullOrWhiteSpace(Name))
            {
                throw new SettingException("name", "is empty; give the rig a name.");
            }

            SettingValidation.NotNull(Camera, "camera").Validate("camera");
            SettingValidation.NotNull(Optics, "optics").Validate("optics");
            if (Lasers is null)
            {
                throw new SettingException("lasers", "is missing; it must be an array of lasers.");
            }

            for (int i = 0; i < Lasers.Count; i++)
            {
                string laser = SettingValidation.Index("lasers", i);
                SettingValidation.NotNull(Lasers[i], laser).Validate(laser);
            }

            Slm?.Validate("slm");
            Trigger?.Validate("trigger");
            var ports = Lasers.Select((l, i) => (Port: l.Device?.Port, Path: SettingValidation.Join(SettingValidation.Index("lasers", i), "device.port")))
                .Append((Port: Trigger?.Port, Path: "trigger.port"))
                .Where(p => p.Port is not null)
                .GroupBy(p => p.Port, StringComparer.Ordinal)
                .FirstOrDefault(g => g.Count() > 1);
            if (ports is not null)
            {
                throw new SettingException(ports.Skip(1).First().Path, $"= \"{ports.Key}\" is also the port of {ports.First().Path}; every serial device needs its own port.", $"\"{ports.Key}\"");
            }

            if (Feedback is not null)
            {
                Feedback.Validate("feedback");
                if (Feedback.Laser is { } name && !Lasers.Any(l => l?.Name == name))
                {
                    throw new SettingException("feedback.laser", $"= \"{name}\" is not a laser of this profile; allowed {string.Join(" | ", Lasers.Select(l => $"\"{l?.Name}\""))}.", $"\"{name}\"");
                }
            }

            Monitoring?.Validate("monitoring");
            Analysis?.Validate("analysis");
            if (Simulation is not null)
            {
                Simulation.Validate("simulation");
                if (ExcitationLaser is null)
                {
                    throw new SettingException("lasers", "has no laser with role \"excitation\"; a simulated rig needs one to make its dyes emit.");
                }
            }
        }
        catch (SettingException e)
        {
            throw new ProfileValidationException(sourceName, e.Path, e.Message, e);
        }
        catch (ArgumentException e)
        {
            // Not a field check (none is expected here): name what the thrower named, if anything.
            throw new ProfileValidationException(sourceName, e.ParamName ?? string.Empty, e.Message, e);
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public void Save(string path) => File.WriteAllText(path, ToJson() + "\n");

    /// <summary>The camera model the localizer converts ADU to photons with.</summary>
    public CameraModel ToCameraModel() => Camera.ToCameraModel();

    /// <summary>
    /// Settings for <see cref="SimulatedCamera"/>: this rig's camera and optics, its simulation section
    /// (defaults when absent), and the starting powers of its first activation and excitation lasers.
    /// </summary>
    public SimulationSettings ToSimulationSettings()
    {
        SimulationProfile simulation = Simulation ?? new SimulationProfile();
        return new SimulationSettings
        {
            Camera = Camera.ToCameraSettings(),
            Optics = Optics.ToOpticsSettings(),
            Sample = simulation.Sample,
            Photophysics = simulation.Photophysics,
            Background = simulation.Background,
            Drift = simulation.Drift,
            ActivationPowerMw = ActivationLaser?.PowerMw ?? 0,
            ExcitationPowerMw = ExcitationLaser?.PowerMw ?? 0,
        };
    }

    // System.Text.Json reports missing required members on the enclosing object ("camera") and lists
    // them in its message ("… including: 'readNoiseElectrons'."); point at the first missing field.
    private static string MissingFieldPath(string objectPath, string message)
    {
        const string marker = "missing required properties including: '";
        int at = message.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return objectPath;
        }

        int start = at + marker.Length;
        int end = message.IndexOf('\'', start);
        string name = end > start ? message[start..end] : string.Empty;
        return objectPath.Length == 0 ? name : objectPath + "." + name;
    }

    private static string TrimRoot(string? path) =>
        path is null ? string.Empty : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
