using System.CommandLine;
using LiveSmlm.Core;

namespace LiveSmlm.Cli;

/// <summary>The camera options every command that reads a stack takes, and how they override a starting camera model.</summary>
internal sealed class CameraOptions
{
    public Option<double?> Pixel { get; } = new("--pixel-size-nm") { Description = "Camera pixel size in the sample plane, nm (overrides profile and file metadata)." };

    public Option<double?> Baseline { get; } = new("--baseline-adu") { Description = "Camera offset, ADU." };

    public Option<double?> ElectronsPerAdu { get; } = new("--electrons-per-adu") { Description = "Conversion gain, e⁻/ADU." };

    public Option<double?> Gain { get; } = new("--em-gain") { Description = "EM gain (1 for sCMOS/CCD)." };

    public Option<double?> Qe { get; } = new("--qe") { Description = "Quantum efficiency, 0–1." };

    public Option<double?> ReadNoise { get; } = new("--read-noise-e") { Description = "Read noise, e⁻ RMS." };

    public void AddTo(Command command)
    {
        command.Options.Add(Pixel);
        command.Options.Add(Baseline);
        command.Options.Add(ElectronsPerAdu);
        command.Options.Add(Gain);
        command.Options.Add(Qe);
        command.Options.Add(ReadNoise);
    }

    /// <summary><paramref name="camera"/> with every option given on the command line applied.</summary>
    public CameraModel Apply(ParseResult parse, CameraModel camera) => camera with
    {
        PixelSizeNm = parse.GetValue(Pixel) ?? camera.PixelSizeNm,
        BaselineAdu = parse.GetValue(Baseline) ?? camera.BaselineAdu,
        ElectronsPerAdu = parse.GetValue(ElectronsPerAdu) ?? camera.ElectronsPerAdu,
        EmGain = parse.GetValue(Gain) ?? camera.EmGain,
        QuantumEfficiency = parse.GetValue(Qe) ?? camera.QuantumEfficiency,
        ReadNoiseElectrons = parse.GetValue(ReadNoise) ?? camera.ReadNoiseElectrons,
    };
}
