namespace LiveSmlm.Cli.Tests;

/// <summary>`livesmlm live` refuses a network address unless asked (one line, exit 2), before anything starts.</summary>
public class LiveCommandTests
{
    [Theory]
    [InlineData("http://0.0.0.0:5100")]
    [InlineData("http://*:5100")]
    public void Live_NonLoopbackWithoutAllowRemote_IsBadInput(string urls)
    {
        (int code, string _, string err) = CliRunner.Run("live", "--urls", urls);
        Assert.Equal(2, code);
        Assert.StartsWith("error: --urls", err, StringComparison.Ordinal);
        Assert.Contains("--allow-remote", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void Live_MissingProfile_IsBadInput()
    {
        (int code, string _, string err) = CliRunner.Run("live", "--profile", "/nonexistent/rig.json");
        Assert.Equal(2, code);
        Assert.Contains("rig.json", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_PsfWithoutCalibration_IsBadInputNamingCalibration()
    {
        (int code, string _, string err) = CliRunner.Run("live", "--psf", "spline");
        Assert.Equal(2, code);
        Assert.Contains("--psf spline needs --calibration", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_MissingCalibration_IsBadInputNamingTheFile()
    {
        (int code, string _, string err) = CliRunner.Run("live", "--calibration", "/nonexistent/calib.json");
        Assert.Equal(2, code);
        Assert.Contains("calib.json", err, StringComparison.Ordinal);
    }
}
