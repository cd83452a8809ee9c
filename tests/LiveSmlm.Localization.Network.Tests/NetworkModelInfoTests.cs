using LiveSmlm.Core;
using LiveSmlm.Localization.Network;

namespace LiveSmlm.Localization.Network.Tests;

/// <summary>Model metadata written here by hand (as training/train.py writes it) and the refusal of a model that does not fit the camera.</summary>
public class NetworkModelInfoTests
{
    private static Dictionary<string, string> Metadata() => new()
    {
        ["livesmlm.format"] = "livesmlm-decode-1",
        ["livesmlm.profile"] = "simulated-storm",
        ["livesmlm.cameraType"] = "sCMOS",
        ["livesmlm.pixelSizeNm"] = "100.0",
        ["livesmlm.psfSigmaNm"] = "94.4",
        ["livesmlm.frames"] = "3",
        ["livesmlm.multipleOf"] = "4",
        ["livesmlm.outputs"] = "p,dx,dy,n,sx,sy,sn,bg",
    };

    [Fact]
    public void Metadata_is_read()
    {
        NetworkModelInfo info = NetworkModelInfo.Parse("m.onnx", Metadata());
        Assert.Equal("sCMOS", info.CameraType);
        Assert.Equal(100, info.PixelSizeNm);
        Assert.Equal(3, info.Frames);
        Assert.Equal(4, info.MultipleOf);
        Assert.Null(info.Mismatch(new CameraModel { PixelSizeNm = 100.4, EmGain = 1 }));
        Assert.Equal(0.1f, info.RawThreshold); // absent: the decoder's default
        Assert.Null(info.Calibration);

        Dictionary<string, string> m = Metadata();
        m["livesmlm.rawThreshold"] = "0.02";
        m["livesmlm.threshold"] = "0.05";
        NetworkModelInfo tuned = NetworkModelInfo.Parse("m.onnx", m);
        Assert.Equal(0.02f, tuned.RawThreshold);
        Assert.Equal(0.05f, tuned.Threshold);
    }

    [Fact]
    public void A_model_for_another_camera_type_or_pixel_size_is_refused_with_both_reasons()
    {
        NetworkModelInfo info = NetworkModelInfo.Parse("m.onnx", Metadata());
        string? why = info.Mismatch(new CameraModel { PixelSizeNm = 160, EmGain = 300 });
        Assert.NotNull(why);
        Assert.Contains("sCMOS", why, StringComparison.Ordinal);
        Assert.Contains("EMCCD", why, StringComparison.Ordinal);
        Assert.Contains("100 nm", why, StringComparison.Ordinal);
        Assert.Contains("160 nm", why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("livesmlm.format", "something-else", "format")]
    [InlineData("livesmlm.outputs", "p,dx,dy", "outputs")]
    [InlineData("livesmlm.pixelSizeNm", "-3", "pixelSizeNm")]
    [InlineData("livesmlm.cameraType", "CCD", "cameraType")]
    [InlineData("livesmlm.calibration", "not json", "livesmlm.calibration")]
    [InlineData("livesmlm.calibration", "{\"halfWindowNm\":1000,\"densityEdges\":[0,1],\"sigmaEdgesNm\":[0],\"factors\":[[1.2]]}", "factors")]
    public void Bad_metadata_names_the_key(string key, string value, string named)
    {
        Dictionary<string, string> m = Metadata();
        m[key] = value;
        var e = Assert.Throws<NetworkModelException>(() => NetworkModelInfo.Parse("m.onnx", m));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_without_our_metadata_is_refused()
    {
        var e = Assert.Throws<NetworkModelException>(() => NetworkModelInfo.Parse("m.onnx", new Dictionary<string, string>()));
        Assert.Contains("livesmlm.format", e.Message, StringComparison.Ordinal);
    }
}
