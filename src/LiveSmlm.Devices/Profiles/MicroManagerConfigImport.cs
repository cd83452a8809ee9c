using System.Globalization;
using System.Text.RegularExpressions;
using LiveSmlm.Simulation;

namespace LiveSmlm.Devices.Profiles;

/// <summary>What a Micro-Manager configuration gave: a profile skeleton and what could not be mapped.</summary>
public sealed record MicroManagerImport(HardwareProfile Profile, IReadOnlyList<string> Unmapped);

/// <summary>
/// Turns a Micro-Manager hardware configuration (.cfg: Device, Property, ConfigPixelSize, PixelSize_um
/// lines) into a hardware-profile skeleton: the core camera as a Micro-Manager bridge camera, each laser
/// of a known adapter (OBIS, Cobolt, iBeam smart) with its serial port, and the pixel size. Everything a
/// .cfg does not hold (sensor calibration, laser roles and powers) gets a placeholder and is named.
/// </summary>
public static partial class MicroManagerConfigImport
{
    private static readonly (string Prefix, string Kind)[] LaserAdapters =
    [
        ("CoherentOBIS", "obis"), ("CoherentScientificRemote", "obis"), ("Obis", "obis"),
        ("Cobolt", "cobolt"), ("CoboltOfficial", "cobolt"),
        ("Toptica_iBeamSmart", "ibeam"), ("iBeamSmart", "ibeam"), ("TopticaIBeam", "ibeam"),
    ];

    public static MicroManagerImport Import(string cfgPath, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(cfgPath);
        if (!File.Exists(cfgPath))
        {
            throw new FileNotFoundException($"Micro-Manager configuration {cfgPath} does not exist.", cfgPath);
        }

        var devices = new List<(string Label, string Library, string Adapter)>();
        var properties = new Dictionary<(string Device, string Property), string>();
        double? pixelUm = null;
        int lineNo = 0;
        foreach (string raw in File.ReadLines(cfgPath))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] f = line.Split(',');
            switch (f[0])
            {
                case "Device" when f.Length >= 4:
                    devices.Add((f[1], f[2], f[3]));
                    break;
                case "Property" when f.Length >= 4:
                    properties[(f[1], f[2])] = string.Join(',', f[3..]);
                    break;
                case "PixelSize_um" when f.Length >= 3:
                    if (!double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double um) || um <= 0)
                    {
                        throw new InvalidDataException($"{cfgPath} line {lineNo}: PixelSize_um '{f[2]}' is not a positive number of µm.");
                    }

                    pixelUm ??= um;
                    break;
                case "Device" or "Property" or "PixelSize_um":
                    throw new InvalidDataException($"{cfgPath} line {lineNo}: '{line}' has too few fields for a {f[0]} line.");
            }
        }

        if (devices.Count == 0)
        {
            throw new InvalidDataException($"{cfgPath} has no Device lines; is it a Micro-Manager hardware configuration (MMConfig_*.cfg)?");
        }

        var unmapped = new List<string>();
        string? cameraLabel = properties.GetValueOrDefault(("Core", "Camera"));
        if (cameraLabel is null)
        {
            unmapped.Add("camera: no 'Property,Core,Camera,…' line; the profile's camera is the one Micro-Manager has loaded");
        }

        unmapped.Add("camera.type, widthPx, heightPx, baselineAdu, electronsPerAdu, emGain, quantumEfficiency, readNoiseElectrons: not in a .cfg; placeholders (sCMOS 2048×2048, ORCA-Flash-like calibration) — set them from the camera's calibration");
        if (pixelUm is null)
        {
            unmapped.Add("camera.pixelSizeNm: no PixelSize_um line; placeholder 100 nm");
        }

        var lasers = new List<LaserProfile>();
        foreach ((string label, string library, string adapter) in devices)
        {
            if (label == cameraLabel || library == "SerialManager" || label == "Core")
            {
                continue;
            }

            string? kind = LaserAdapters.FirstOrDefault(a => library.StartsWith(a.Prefix, StringComparison.OrdinalIgnoreCase) || adapter.StartsWith(a.Prefix, StringComparison.OrdinalIgnoreCase)).Kind;
            if (kind is null)
            {
                unmapped.Add($"device '{label}' ({library} / {adapter}): not a camera or a serial laser this program drives");
                continue;
            }

            string? port = properties.GetValueOrDefault((label, "Port"));
            Match wl = Wavelength().Match(label + " " + adapter);
            double wavelength = properties.TryGetValue((label, "Wavelength"), out string? w) && double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out double wv) ? wv
                : wl.Success ? double.Parse(wl.Value, CultureInfo.InvariantCulture) : 0;
            int index = lasers.Count;
            if (port is null)
            {
                unmapped.Add($"lasers[{index}].device.port: laser '{label}' has no 'Property,{label},Port,…' line; placeholder /dev/ttyUSB{index}");
            }

            if (wavelength is < 200 or > 2000)
            {
                unmapped.Add($"lasers[{index}].wavelengthNm: laser '{label}' names no wavelength; placeholder 640 nm");
                wavelength = 640;
            }

            unmapped.Add($"lasers[{index}].role, powerMw, maxPowerMw: not in a .cfg; set for '{label}'");
            lasers.Add(new LaserProfile
            {
                Name = label,
                WavelengthNm = wavelength,
                Role = wavelength < 450 ? LaserProfile.ActivationRole : LaserProfile.ExcitationRole,
                PowerMw = 1,
                MaxPowerMw = 100,
                Device = new LaserDeviceProfile { Kind = kind, Port = port ?? $"/dev/ttyUSB{index}" },
            });
        }

        var profile = new HardwareProfile
        {
            Name = name,
            Description = $"Imported from the Micro-Manager configuration {Path.GetFileName(cfgPath)}; check every placeholder named on import.",
            Camera = new CameraProfile
            {
                Type = CameraProfile.Scmos,
                WidthPx = 2048,
                HeightPx = 2048,
                FrameRateHz = 100,
                ExposureMs = 10,
                PixelSizeNm = Math.Round((pixelUm ?? 0.1) * 1000, 3),
                BaselineAdu = 100,
                ElectronsPerAdu = 0.46,
                EmGain = 1,
                QuantumEfficiency = 0.72,
                ReadNoiseElectrons = 1.6,
                Device = new CameraDeviceProfile { Kind = CameraDeviceProfile.MicroManagerKind },
            },
            Optics = new OpticsProfile { WavelengthNm = 670, NumericalAperture = 1.49 },
            Lasers = lasers,
        };
        unmapped.Add("optics.wavelengthNm, numericalAperture: not in a .cfg; placeholders 670 nm, NA 1.49");
        profile.Validate(cfgPath);
        return new MicroManagerImport(profile, unmapped);
    }

    [GeneratedRegex(@"(?<!\d)(3[5-9]\d|[4-9]\d\d|1[0-9]\d\d)(?!\d)")]
    private static partial Regex Wavelength();
}
