using System.Text.Json;

namespace LiveSmlm.Simulation.Tests;

public class SimulationSettingsJsonTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Settings_RoundTripThroughCamelCaseJson_WithNamedEnums()
    {
        var settings = new SimulationSettings
        {
            Optics = new OpticsSettings { Astigmatism = new AstigmatismSettings { Ax = 0.2 } },
            Sample = new SampleSettings { Structure = SampleStructure.NuclearPores, Fiducials = new FiducialSettings { Count = 2 } },
            Photophysics = new PhotophysicsSettings { Kind = PhotophysicsKind.Binding },
            Drift = new DriftSettings { VelocityXNmPerS = 1.5 },
            ActivationPowerMw = 3,
        };

        string json = JsonSerializer.Serialize(settings, Web);
        SimulationSettings? back = JsonSerializer.Deserialize<SimulationSettings>(json, Web);

        Assert.Contains("\"frameRateHz\":100", json, StringComparison.Ordinal);
        Assert.Contains("\"structure\":\"nuclearPores\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"binding\"", json, StringComparison.Ordinal);
        Assert.NotNull(back);
        Assert.Equal(settings.Camera, back.Camera);
        Assert.Equal(settings.Optics, back.Optics);
        Assert.Equal(settings.Sample, back.Sample);
        Assert.Equal(settings.Photophysics, back.Photophysics);
        Assert.Equal(settings.Drift, back.Drift);
        Assert.Equal(3, back.ActivationPowerMw);
    }

    [Fact]
    public void Defaults_AreValidAndDescribeA2DStormOnSCmos()
    {
        var settings = new SimulationSettings();

        settings.Validate();

        // σ = 0.21 · 670 / 1.49 ≈ 94 nm (REFERENCES.md); exposure fits the 10 ms frame.
        Assert.Equal(94.4, settings.Optics.SigmaNm, 0.1);
        Assert.Equal(1, settings.Camera.Model.EmGain);
        Assert.Equal(PhotophysicsKind.Switching, settings.Photophysics.Kind);
        Assert.True(settings.Camera.ExposureMs <= 1000 / settings.Camera.FrameRateHz);
    }
}
