using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;

namespace LiveSmlm.Devices.Drivers.MicroManager;

/// <summary>
/// A client of Micro-Manager's ZMQ server (the protocol pycro-manager's bridge speaks, default port 4827):
/// a REQ socket; each request is one JSON frame ({"command": "connect" | "get-constructors" |
/// "constructor" | "run-method" | "destructor", …}); a reply is a JSON frame followed by pairs of frames
/// for binary arrays (a 4-byte identifier, native byte order, then the bytes), the JSON naming each
/// array by a "@&lt;hex identifier&gt;" placeholder. A reply {"type": "exception", "value": …} is a Java
/// exception on the server.
/// </summary>
/// <remarks>
/// Not thread-safe (a ZMQ REQ socket is strictly send, receive, send …): the owner locks around
/// <see cref="Request"/>. A request without a reply in time leaves the REQ socket unusable, so the
/// bridge then counts as broken and every later request throws.
/// </remarks>
public sealed class MicroManagerBridge : IDisposable
{
    /// <summary>The ZMQ server's default port (pycro-manager's Bridge.DEFAULT_PORT).</summary>
    public const int DefaultPort = 4827;

    private readonly RequestSocket _socket;
    private bool _broken;

    public MicroManagerBridge(string address, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        Address = address;
        Timeout = timeout;
        _socket = new RequestSocket();
        _socket.Options.Linger = TimeSpan.Zero;
        _socket.Connect(address);
    }

    public string Address { get; }

    public TimeSpan Timeout { get; }

    /// <summary>The server's version from the connect reply.</summary>
    public string? ServerVersion { get; private set; }

    /// <summary>Says hello ({"command": "connect"}); throws <see cref="MicroManagerException"/> when nobody answers.</summary>
    public void Connect()
    {
        BridgeReply reply = Request(new JsonObject { ["command"] = "connect", ["debug"] = false }, "connect");
        ServerVersion = reply.Json["version"]?.GetValue<string>();
    }

    /// <summary>
    /// Makes (or, for mmcorej.CMMCore, gets the running) Java object of <paramref name="classpath"/> with
    /// its no-argument constructor, as pycro-manager's Core() does; returns its hash code and method list.
    /// </summary>
    public JavaObject Construct(string classpath)
    {
        BridgeReply constructors = Request(new JsonObject { ["command"] = "get-constructors", ["classpath"] = classpath }, "get-constructors " + classpath);
        bool hasDefault = constructors.Json["api"] is JsonArray api
            && api.OfType<JsonObject>().Any(c => c["name"]?.GetValue<string>() == classpath && c["arguments"] is JsonArray { Count: 0 });
        if (!hasDefault)
        {
            throw new MicroManagerException($"the server at {Address} offers no constructor of {classpath}; is this Micro-Manager's ZMQ server (Tools > Options > Run server on port {DefaultPort})?");
        }

        BridgeReply made = Request(
            new JsonObject
            {
                ["command"] = "constructor",
                ["classpath"] = classpath,
                ["argument-types"] = new JsonArray(),
                ["argument-deserialization-types"] = new JsonArray(),
                ["arguments"] = new JsonArray(),
            },
            "constructor " + classpath);
        string hash = made.Json["hash-code"]?.ToString() ?? throw new MicroManagerException($"the server at {Address} made a {classpath} without a hash-code");
        var methods = new HashSet<string>(
            (made.Json["api"] as JsonArray ?? []).OfType<JsonObject>().Select(m => m["name"]?.GetValue<string>() ?? string.Empty),
            StringComparer.Ordinal);
        return new JavaObject(classpath, hash, methods);
    }

    /// <summary>Calls a method of a Java object ("run-method") with Java argument types; returns the reply.</summary>
    public BridgeReply RunMethod(JavaObject target, string method, params (string JavaType, JsonNode? Value)[] arguments)
    {
        ArgumentNullException.ThrowIfNull(target);
        var types = new JsonArray([.. arguments.Select(a => (JsonNode?)JsonValue.Create(a.JavaType))]);
        var message = new JsonObject
        {
            ["command"] = "run-method",
            ["static"] = false,
            ["hash-code"] = target.HashCode,
            ["java_class_name"] = target.ClassPath,
            ["name"] = method,
            ["argument-types"] = types,
            ["argument-deserialization-types"] = types.DeepClone(),
            ["arguments"] = new JsonArray([.. arguments.Select(a => a.Value?.DeepClone())]),
        };
        return Request(message, method);
    }

    /// <summary>One request and its reply; <see cref="MicroManagerException"/> for a timeout, a Java exception or garbage.</summary>
    public BridgeReply Request(JsonObject message, string what)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_broken)
        {
            throw new MicroManagerException($"the connection to Micro-Manager at {Address} broke earlier (a reply timed out); reconnect the camera before '{what}'.");
        }

        var request = new NetMQMessage();
        request.Append(Encoding.UTF8.GetBytes(message.ToJsonString()));
        if (!_socket.TrySendMultipartMessage(Timeout, request))
        {
            _broken = true;
            throw new MicroManagerException($"Micro-Manager at {Address} did not take the request '{what}' within {Timeout.TotalMilliseconds:0} ms; is it running with its ZMQ server on?");
        }

        NetMQMessage? reply = null;
        if (!_socket.TryReceiveMultipartMessage(Timeout, ref reply) || reply is null)
        {
            _broken = true;
            throw new MicroManagerException($"no reply from Micro-Manager at {Address} to '{what}' within {Timeout.TotalMilliseconds:0} ms; is it running with its ZMQ server on (port {DefaultPort})?");
        }

        return BridgeReply.Parse(reply, what, Address);
    }

    public void Dispose() => _socket.Dispose();
}

/// <summary>A Java object on the server: its class, hash code (its handle) and method names.</summary>
public sealed record JavaObject(string ClassPath, string HashCode, IReadOnlySet<string> Methods);

/// <summary>A reply: its JSON and its binary arrays by identifier.</summary>
public sealed class BridgeReply
{
    private BridgeReply(JsonObject json, IReadOnlyDictionary<uint, byte[]> arrays)
    {
        Json = json;
        Arrays = arrays;
    }

    public JsonObject Json { get; }

    public IReadOnlyDictionary<uint, byte[]> Arrays { get; }

    /// <summary>The "value" of a primitive or string reply.</summary>
    public JsonNode? Value => Json["value"];

    /// <summary>The bytes a "@&lt;hex&gt;[_…]" placeholder names.</summary>
    public byte[] ArrayFor(JsonNode? placeholder, string what)
    {
        string text = placeholder?.GetValue<string>() ?? string.Empty;
        int at = text.IndexOf('@', StringComparison.Ordinal);
        string hex = at < 0 ? string.Empty : text[(at + 1)..].Split('_')[0];
        if (!uint.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint id) || !Arrays.TryGetValue(id, out byte[]? bytes))
        {
            throw new MicroManagerException($"the reply to '{what}' names array '{text}' but carries no such binary frame (it has {Arrays.Count})");
        }

        return bytes;
    }

    internal static BridgeReply Parse(NetMQMessage reply, string what, string address)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(reply[0].ToByteArray()) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException e)
        {
            throw new MicroManagerException($"the reply from {address} to '{what}' is not JSON ({e.Message})", e);
        }

        if (json["type"]?.GetValue<string>() == "exception")
        {
            throw new MicroManagerException($"Micro-Manager refused '{what}': {json["value"] ?? json["message"]}");
        }

        var arrays = new Dictionary<uint, byte[]>();
        for (int i = 1; i + 1 < reply.FrameCount; i += 2)
        {
            byte[] id = reply[i].ToByteArray();
            if (id.Length != 4)
            {
                throw new MicroManagerException($"the reply to '{what}' has a {id.Length}-byte array identifier; the bridge uses 4 bytes");
            }

            uint key = BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(id) : BinaryPrimitives.ReadUInt32BigEndian(id);
            arrays[key] = reply[i + 1].ToByteArray();
        }

        return new BridgeReply(json, arrays);
    }
}

/// <summary>Micro-Manager or its bridge failed: no reply, a Java exception, a reply that does not fit.</summary>
public sealed class MicroManagerException : Exception
{
    public MicroManagerException()
    {
    }

    public MicroManagerException(string message)
        : base(message)
    {
    }

    public MicroManagerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
