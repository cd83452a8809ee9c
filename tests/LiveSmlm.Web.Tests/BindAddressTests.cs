using LiveSmlm.Web;

namespace LiveSmlm.Web.Tests;

/// <summary>Loopback by default; other addresses only when asked, and then with a warning.</summary>
public class BindAddressTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5100")]
    [InlineData("http://127.0.0.2:5100")]
    [InlineData("http://localhost:5100")]
    [InlineData("http://[::1]:5100")]
    [InlineData("http://127.0.0.1:5100;http://[::1]:5101")]
    public void Loopback_IsAcceptedWithoutWarning(string urls)
    {
        (IReadOnlyList<string> list, string? warning) = BindAddresses.Check(urls, allowRemote: false);
        Assert.Equal(urls.Split(';'), list);
        Assert.Null(warning);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5100")]
    [InlineData("http://*:5100")]
    [InlineData("http://+:5100")]
    [InlineData("http://[::]:5100")]
    [InlineData("http://192.168.1.20:5100")]
    [InlineData("http://rig-pc.lab:5100")]
    [InlineData("http://127.0.0.1:5100;http://0.0.0.0:5101")]
    public void Remote_IsRefusedUnlessAllowed_ThenWarned(string urls)
    {
        var e = Assert.Throws<ArgumentException>(() => BindAddresses.Check(urls, allowRemote: false));
        Assert.Contains("--allow-remote", e.Message, StringComparison.Ordinal);
        Assert.Contains("SSH tunnel", e.Message, StringComparison.Ordinal);

        (_, string? warning) = BindAddresses.Check(urls, allowRemote: true);
        Assert.NotNull(warning);
        Assert.StartsWith("warning:", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:5100")]
    [InlineData("ftp://127.0.0.1:21")]
    public void NotAUrl_IsRefused(string urls)
    {
        Assert.Throws<ArgumentException>(() => BindAddresses.Check(urls, allowRemote: true));
    }
}
