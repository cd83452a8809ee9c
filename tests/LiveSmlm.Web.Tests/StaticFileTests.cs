using System.Net.Sockets;
using System.Text;
using LiveSmlm.Web;

namespace LiveSmlm.Web.Tests;

/// <summary>
/// Static files cannot leave their folder: raw HTTP request lines (an HttpClient would normalize the dots
/// away) for a secret file beside the web root, every spelling of "..", answered without the secret.
/// </summary>
public class StaticFileTests
{
    private const string Secret = "SECRET-7f3a";

    public static TheoryData<string> Escapes => new()
    {
        "/../secret.js",
        "/www/../secret.js",
        "/%2e%2e/secret.js",
        "/%2E%2E%2Fsecret.js",
        "/..%2fsecret.js",
        "/.%2e/secret.js",
        "/%252e%252e%252fsecret.js",
        "/..%5csecret.js",
        "/..\\secret.js",
        "/shaders/..%2f..%2fsecret.js",
        "/shaders/%2e%2e/%2e%2e/secret.js",
        "/%2fsecret.js",
        "//secret.js",
        "/link-out/secret.js",
        "/C:%5csecret.js",
        "/app.js%00.js",
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public async Task Request_OutsideTheWebRoot_DoesNotReturnTheFile(string target)
    {
        (string root, string www, string shaders) = Layout();
        await using LiveRig rig = await LiveRig.StartAsync(server: new LiveServerOptions { WebRoot = www, ShaderRoot = shaders });
        string response = await RawGetAsync(rig.BaseUri, target);

        Assert.DoesNotContain(Secret, response, StringComparison.Ordinal);
        Assert.False(response.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), $"GET {target} answered: {response.Split('\n')[0]}");
        Directory.Delete(root, true);
    }

    [Fact]
    public async Task Request_InsideTheRoots_ReturnsTheFile()
    {
        (string root, string www, string shaders) = Layout();
        await using LiveRig rig = await LiveRig.StartAsync(server: new LiveServerOptions { WebRoot = www, ShaderRoot = shaders });

        string page = await RawGetAsync(rig.BaseUri, "/");
        string script = await RawGetAsync(rig.BaseUri, "/app.js");
        string shader = await RawGetAsync(rig.BaseUri, "/shaders/splat.vert.glsl");

        Assert.StartsWith("HTTP/1.1 200", page, StringComparison.Ordinal);
        Assert.Contains("<p>page</p>", page, StringComparison.Ordinal);
        Assert.Contains("text/javascript", script, StringComparison.Ordinal);
        Assert.Contains("console.log(1)", script, StringComparison.Ordinal);
        Assert.Contains("#version 300 es", shader, StringComparison.Ordinal);
        Directory.Delete(root, true);
    }

    /// <summary>root/secret.js (the secret), root/www (the page, with a link out of it), root/shaders.</summary>
    private static (string Root, string Www, string Shaders) Layout()
    {
        string root = Directory.CreateTempSubdirectory("livesmlm-web-static-").FullName;
        string www = Directory.CreateDirectory(Path.Combine(root, "www")).FullName;
        string shaders = Directory.CreateDirectory(Path.Combine(root, "shaders")).FullName;
        File.WriteAllText(Path.Combine(root, "secret.js"), Secret);
        File.WriteAllText(Path.Combine(www, "index.html"), "<p>page</p>");
        File.WriteAllText(Path.Combine(www, "app.js"), "console.log(1)");
        File.WriteAllText(Path.Combine(shaders, "splat.vert.glsl"), "#version 300 es\n");
        Directory.CreateSymbolicLink(Path.Combine(www, "link-out"), root);
        return (root, www, shaders);
    }

    /// <summary>One GET with the target exactly as given, over a plain socket; the whole response as text.</summary>
    private static async Task<string> RawGetAsync(Uri server, string target)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        NetworkStream stream = tcp.GetStream();
        byte[] request = Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(request);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }
}
