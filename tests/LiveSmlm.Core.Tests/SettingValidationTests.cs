using LiveSmlm.Core;

namespace LiveSmlm.Core.Tests;

public sealed class SettingValidationTests
{
    [Fact]
    public void OutOfRange_CarriesPathValueAndRange_WithTheMessageUsersSee()
    {
        var e = Assert.Throws<SettingException>(() => new CameraModel { EmGain = 0.5 }.Validate());

        Assert.Equal("camera.emGain = 0.5 is out of range; allowed [1, 10000] (1 for sCMOS/CCD).", e.Message);
        Assert.Equal("camera.emGain", e.Path);
        Assert.Equal("camera.emGain", e.ParamName);
        Assert.Equal("0.5", e.Value);
        Assert.Equal("[1, 10000] (1 for sCMOS/CCD)", e.Allowed);
    }

    [Fact]
    public void SettingException_IsCaughtByExistingArgumentExceptionHandlers()
    {
        ArgumentException? caught = null;
        try
        {
            new CameraModel { QuantumEfficiency = 1.5 }.Validate("localizer.camera");
        }
        catch (ArgumentException e)
        {
            caught = e;
        }

        Assert.NotNull(caught);
        Assert.Equal("localizer.camera.quantumEfficiency", caught.ParamName);
        Assert.Equal("localizer.camera.quantumEfficiency = 1.5 is out of range; allowed (0, 1].", caught.Message);
    }

    [Theory]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(1e-5, "1E-05")]
    [InlineData(-12345.5, "-12345.5")]
    [InlineData(10000.0, "10000")]
    [InlineData(double.NaN, "NaN")]
    public void Values_AreWrittenInvariant_AndRoundTrip(double value, string expected)
    {
        var e = Assert.Throws<SettingException>(() => SettingValidation.Require(false, "x.y", value, "[0, 1]"));

        Assert.Equal($"x.y = {expected} is out of range; allowed [0, 1].", e.Message);
        Assert.Equal(expected, e.Value);
    }

    [Fact]
    public void Require_PassesWhenOk()
    {
        SettingValidation.Require(true, "x", 5, "[0, 10]");
        SettingValidation.Require(true, "x", "is wrong");
        Assert.Equal(3, SettingValidation.NotNull("abc", "s").Length);
    }

    [Fact]
    public void Require_WithDetail_PutsThePathFirst()
    {
        var e = Assert.Throws<SettingException>(() => SettingValidation.Require(false, "lasers[1].role", "= \"pump\" is not a laser role."));

        Assert.Equal("lasers[1].role = \"pump\" is not a laser role.", e.Message);
        Assert.Equal("lasers[1].role", e.Path);
        Assert.Null(e.Value);
    }

    [Fact]
    public void NotNull_NamesTheMissingSection()
    {
        var e = Assert.Throws<SettingException>(() => SettingValidation.NotNull<CameraModel>(null, "simulation.camera"));

        Assert.Equal("simulation.camera is missing; it must be an object.", e.Message);
        Assert.Equal("simulation.camera", e.ParamName);
    }

    [Theory]
    [InlineData("camera", "emGain", "camera.emGain")]
    [InlineData("", "emGain", "emGain")]
    [InlineData(null, "emGain", "emGain")]
    [InlineData("lasers[0]", "powerMw", "lasers[0].powerMw")]
    public void Join_BuildsJsonPaths(string? prefix, string field, string expected) =>
        Assert.Equal(expected, SettingValidation.Join(prefix, field));

    [Fact]
    public void Index_BuildsArrayPaths() => Assert.Equal("lasers[12]", SettingValidation.Index("lasers", 12));

    [Fact]
    public void Within_ReRootsAnErrorFromANestedSection()
    {
        var e = Assert.Throws<SettingException>(() =>
            SettingValidation.Within("lasers[0]", () => new CameraModel { EmGain = 0.5 }.Validate()));

        Assert.Equal("lasers[0].camera.emGain", e.Path);
        Assert.Equal("lasers[0].camera.emGain", e.ParamName);
        Assert.Equal("lasers[0].camera.emGain = 0.5 is out of range; allowed [1, 10000] (1 for sCMOS/CCD).", e.Message);
        Assert.Equal("0.5", e.Value);
        Assert.Equal("[1, 10000] (1 for sCMOS/CCD)", e.Allowed);
        var inner = Assert.IsType<SettingException>(e.InnerException);
        Assert.Equal("camera.emGain", inner.Path);
    }

    [Fact]
    public void Within_ReRootsTwice_AndLeavesOtherExceptionsAlone()
    {
        var twice = Assert.Throws<SettingException>(() =>
            SettingValidation.Within("a", () => SettingValidation.Within("b[2]", () => SettingValidation.Require(false, "c", 7, "[0, 1]"))));
        Assert.Equal("a.b[2].c = 7 is out of range; allowed [0, 1].", twice.Message);

        var other = Assert.Throws<InvalidOperationException>(() =>
            SettingValidation.Within("a", () => throw new InvalidOperationException("boom")));
        Assert.Equal("boom", other.Message);

        SettingValidation.Within("a", () => { });
    }

    [Fact]
    public void Under_AnEmptyPrefix_IsTheSameError()
    {
        var e = SettingException.OutOfRange("camera.emGain", 0.5, "[1, 10000]");

        Assert.Same(e, e.Under(string.Empty));
        Assert.Equal("rig.camera.emGain = 0.5 is out of range; allowed [1, 10000].", e.Under("rig").Message);
    }

    [Fact]
    public void CameraModel_WithAnEmptyPrefix_NamesTheBareField()
    {
        var e = Assert.Throws<SettingException>(() => new CameraModel { PixelSizeNm = 0 }.Validate(string.Empty));

        Assert.Equal("pixelSizeNm = 0 is out of range; allowed (1, 100000] nm.", e.Message);
    }
}
