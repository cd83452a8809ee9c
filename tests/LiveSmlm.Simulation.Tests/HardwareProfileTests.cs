using System.Text.Json;
using LiveSmlm.Core;
using LiveSmlm.Devices.Profiles;

namespace LiveSmlm.Simulation.Tests;

public sealed class HardwareProfileTests : IDisposable
{
    private static readonly string ProfileDir = Path.Combine(AppContext.BaseDirectory, "hardware-profiles");
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private readonly string _tempDir = Directory.CreateTempSubdirectory("livesmlm-profiles-").FullName;

    public static TheoryData<string> ShippedProfiles() =>
        new(Directory.GetFiles(ProfileDir, "simulated-*.json").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal));

    public void Dispose() => Directory.Delete(_tempDir, recursive: true);

    [Fact]
    public void ShippedProfiles_AreTheSixSimulatedRigs()
    {
        Assert.Equal(["simulated-drift-beads.json", "simulated-drift.json", "simulated-emccd.json", "simulated-feedback.json", "simulated-paint.json", "simulated-storm.json"], Directory.GetFiles(ProfileDir, "simulated-*.json").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ShippedProfiles))]
    public void ShippedProfile_LoadsAndSatisfiesTheSchema(string file)
    {
        string path = Path.Combine(ProfileDir, file);
        HardwareProfile profile = HardwareProfile.Load(path);

        using JsonDocument text = JsonDocument.Parse(File.ReadAllText(path), Lenient);
        Assert.Empty(Schema().Check(text.RootElement));

        // What the code writes back also satisfies the schema (no field the schema does not know).
        using JsonDocument written = JsonDocument.Parse(profile.ToJson());
        Assert.Empty(Schema().Check(written.RootElement));
        Assert.NotNull(profile.Simulation);
        Assert.NotNull(profile.ExcitationLaser);
    }

    [Fact]
    public void SchemaFile_IsDraft202012AndClosed()
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(ProfileDir, "schema.json")));
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.RootElement.GetProperty("$schema").GetString());
        Assert.False(schema.RootElement.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["name", "camera", "optics", "lasers"], schema.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void EmccdProfile_HasIxon897LikeCameraAndMapsOntoCameraModel()
    {
        HardwareProfile profile = HardwareProfile.Load(Path.Combine(ProfileDir, "simulated-emccd.json"));
        CameraModel model = profile.ToCameraModel();
        SimulationSettings settings = profile.ToSimulationSettings();

        Assert.Equal(512, settings.Camera.WidthPx);
        Assert.Equal(100, model.EmGain);
        Assert.True(model.IsEmccd);
        Assert.Equal(2.0, model.ExcessNoiseFactor);
        Assert.InRange(settings.Camera.FrameRateHz, 50, 60);
        Assert.Equal(profile.Lasers.Single(l => l.Role == "activation").PowerMw, settings.ActivationPowerMw);
        Assert.Equal(profile.Lasers.Single(l => l.Role == "excitation").PowerMw, settings.ExcitationPowerMw);
    }

    [Fact]
    public void StormProfile_AtDefault405Power_HasAboutHalfAnActiveEmitterPerSquareMicron()
    {
        SimulationSettings settings = HardwareProfile.Load(Path.Combine(ProfileDir, "simulated-storm.json")).ToSimulationSettings();
        using var camera = new SimulatedCamera(settings, 1);
        double areaUm2 = camera.Width * camera.Height * Math.Pow(settings.Camera.Model.PixelSizeNm / 1000, 2);
        long emitters = 0;
        TestRigs.Run(camera, 50, _ => emitters += camera.LastFrameTruth.Count(t => !camera.IsFiducial(t.Id)));

        Assert.InRange(emitters / 50.0 / areaUm2, 0.25, 1.0);
    }

    [Fact]
    public void SaveThenLoad_GivesTheSameSettings()
    {
        HardwareProfile profile = HardwareProfile.Load(Path.Combine(ProfileDir, "simulated-paint.json"));
        string copy = Path.Combine(_tempDir, "copy.json");

        profile.Save(copy);
        HardwareProfile again = HardwareProfile.Load(copy);

        Assert.Equal(profile.Camera, again.Camera);
        Assert.Equal(profile.Lasers, again.Lasers);
        Assert.Equal(profile.ToSimulationSettings().Photophysics, again.ToSimulationSettings().Photophysics);
        Assert.Equal(profile.ToJson(), again.ToJson());
    }

    [Theory]
    [InlineData("\"emGain\": 100", "\"emGain\": 0.5", "camera.emGain = 0.5", "[1, 10000]")]
    [InlineData("\"exposureMs\": 17,", "\"exposureMs\": 30,", "camera.exposureMs = 30", "1000 / frameRateHz")]
    [InlineData("\"powerMw\": 150, \"maxPowerMw\": 500", "\"powerMw\": 600, \"maxPowerMw\": 500", "lasers[1].powerMw = 600", "maxPowerMw = 500")]
    [InlineData("\"role\": \"activation\"", "\"role\": \"pump\"", "lasers[0].role = \"pump\"", "\"activation\" | \"excitation\"")]
    [InlineData("\"type\": \"EMCCD\"", "\"type\": \"sCMOS\"", "camera.emGain = 100", "exactly 1 for sCMOS")]
    [InlineData("\"bleachingPerS\": 3", "\"bleachingPerS\": -3", "simulation.photophysics.bleachingPerS = -3", "[0, 1e6]")]
    [InlineData("\"numericalAperture\": 1.49", "\"numericalAperture\": 2.5", "optics.numericalAperture = 2.5", "(0, 1.7]")]
    [InlineData("{ \"name\": \"647\"", "{ \"name\": \" \"", "lasers[1].name is empty", "give the laser a name")]
    [InlineData("\"type\": \"EMCCD\"", "\"type\": \"EMCCD2\"", "camera.type = \"EMCCD2\"", "\"sCMOS\" | \"EMCCD\" | \"CCD\"")]
    [InlineData("\"name\": \"simulated-emccd\"", "\"name\": \"\"", "name is empty", "give the rig a name")]
    public void BadField_IsRejectedWithFileFieldAndAllowedRange(string original, string replacement, string field, string range)
    {
        string path = WriteVariant("simulated-emccd.json", original, replacement);

        var e = Assert.Throws<ProfileValidationException>(() => HardwareProfile.Load(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
        Assert.Contains(range, e.Message, StringComparison.Ordinal);
        Assert.Equal(field[..field.IndexOf(' ', StringComparison.Ordinal)], e.FieldPath);
    }

    [Theory]
    [InlineData("\"setpointLocalizationsPerFrame\": 18", "\"setpointLocalizationsPerFrame\": 0", "feedback.setpointLocalizationsPerFrame = 0", "(0, 1e6]")]
    [InlineData("\"integralGain\": 0.3", "\"integralGain\": -1", "feedback.integralGain = -1", "[0, 100]")]
    [InlineData("\"windowFrames\": 20", "\"windowFrames\": 0", "feedback.windowFrames = 0", "[1, 100000]")]
    [InlineData("\"settlingFrames\": 5", "\"settlingFrames\": -2", "feedback.settlingFrames = -2", "[0, 100000]")]
    [InlineData("\"exhaustedWindows\": 25", "\"exhaustedWindows\": 0", "feedback.exhaustedWindows = 0", "[1, 1000000]")]
    [InlineData("\"setpointLocalizationsPerFrame\": 18", "\"laser\": \"488\", \"setpointLocalizationsPerFrame\": 18", "feedback.laser = \"488\"", "\"405\" | \"640\"")]
    [InlineData("\"feedback\": {", "\"monitoring\": { \"frcPixelNm\": 0 }, \"feedback\": {", "monitoring.frcPixelNm = 0", "[1, 1000]")]
    [InlineData("\"feedback\": {", "\"slm\": { \"grayFor2Pi\": 300 }, \"feedback\": {", "slm.grayFor2Pi = 300", "[1, 255]")]
    [InlineData("\"feedback\": {", "\"slm\": { \"widthPx\": 0 }, \"feedback\": {", "slm.widthPx = 0", "[1, 8192] px")]
    public void BadFeedbackOrMonitoringField_IsRejectedWithFieldPathAndAllowedRange(string original, string replacement, string field, string range)
    {
        string path = WriteVariant("simulated-feedback.json", original, replacement);

        var e = Assert.Throws<ProfileValidationException>(() => HardwareProfile.Load(path));

        Assert.Contains(field, e.Message, StringComparison.Ordinal);
        Assert.Contains(range, e.Message, StringComparison.Ordinal);
        Assert.Equal(field[..field.IndexOf(' ', StringComparison.Ordinal)], e.FieldPath);
    }

    [Fact]
    public void FeedbackProfile_NamesTheActivationLaserAndIsHeldInTheSchema()
    {
        HardwareProfile profile = HardwareProfile.Load(Path.Combine(ProfileDir, "simulated-feedback.json"));

        Assert.Equal("405", profile.FeedbackLaser!.Name);
        Assert.Equal(18, profile.Feedback!.SetpointLocalizationsPerFrame);
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(ProfileDir, "schema.json")));
        JsonElement defs = schema.RootElement.GetProperty("$defs");
        Assert.False(defs.GetProperty("feedback").GetProperty("additionalProperties").GetBoolean());
        Assert.False(defs.GetProperty("monitoring").GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public void SlmSection_IsReadAndHeldInTheSchema()
    {
        string path = WriteVariant("simulated-storm.json", "\"optics\": {", "\"slm\": { \"widthPx\": 1920, \"heightPx\": 1152, \"grayFor2Pi\": 214 },\n  \"optics\": {");

        HardwareProfile profile = HardwareProfile.Load(path);

        Assert.Equal(new SlmProfile { WidthPx = 1920, HeightPx = 1152, GrayFor2Pi = 214 }, profile.Slm);
        using JsonDocument text = JsonDocument.Parse(File.ReadAllText(path), Lenient);
        Assert.Empty(Schema().Check(text.RootElement));
    }

    [Fact]
    public void UnknownField_IsRejectedNamingIt()
    {
        string path = WriteVariant("simulated-storm.json", "\"emGain\": 1,", "\"emGain\": 1, \"emGainn\": 3,");

        var e = Assert.Throws<ProfileValidationException>(() => HardwareProfile.Load(path));

        Assert.Contains("emGainn", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Equal("camera.emGainn", e.FieldPath);
    }

    [Fact]
    public void MissingRequiredField_IsRejectedNamingIt()
    {
        string path = WriteVariant("simulated-storm.json", "\"readNoiseElectrons\": 1.6", "\"readNoiseElectronz_removed\": null");
        File.WriteAllText(path, File.ReadAllText(path).Replace(",\n    \"readNoiseElectronz_removed\": null", string.Empty, StringComparison.Ordinal));

        var e = Assert.Throws<ProfileValidationException>(() => HardwareProfile.Load(path));

        Assert.Contains("readNoiseElectrons", e.Message, StringComparison.Ordinal);
        Assert.Equal("camera.readNoiseElectrons", e.FieldPath);
    }

    [Fact]
    public void MissingFile_ThrowsFileNotFoundNamingIt()
    {
        string path = Path.Combine(_tempDir, "nope.json");
        var e = Assert.Throws<FileNotFoundException>(() => HardwareProfile.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    private static SchemaChecker Schema()
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(ProfileDir, "schema.json")));
        return new SchemaChecker(schema.RootElement.Clone());
    }

    private string WriteVariant(string file, string original, string replacement)
    {
        string text = File.ReadAllText(Path.Combine(ProfileDir, file));
        Assert.Contains(original, text, StringComparison.Ordinal);
        string path = Path.Combine(_tempDir, "variant-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        File.WriteAllText(path, text.Replace(original, replacement, StringComparison.Ordinal));
        return path;
    }
}
