using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;

namespace LiveSmlm.DeviceSimulators;

/// <summary>
/// A stand-in for Micro-Manager's ZMQ server with a camera loaded: a REP socket on 127.0.0.1 that
/// answers the bridge's commands (connect, get-constructors, constructor, run-method, destructor) for
/// mmcorej.CMMCore in the same framing (a JSON frame, then an identifier frame and a bytes frame per
/// array, named in the JSON by "@&lt;hex&gt;"). A continuous sequence puts one image into its buffer every
/// interval (by a stopwatch); each image is <see cref="FrameFactory"/>'s 16-bit pixels with tags.
/// Every call is kept in <see cref="Calls"/> ("setExposure(12.5)").
/// </summary>
public sealed class FakeMicroManagerServer : IDisposable
{
    private const string CoreHash = "1f2e3d4c";

    private static readonly string[] CoreMethods =
    [
        "getCameraDevice", "clearROI", "setROI", "getImageWidth", "getImageHeight", "getBytesPerPixel", "setExposure", "getExposure",
        "startContinuousSequenceAcquisition", "getRemainingImageCount", "popNextTaggedImage", "isBufferOverflowed", "stopSequenceAcquisition",
        "isSequenceRunning",
    ];

    private readonly Lock _lock = new();
    private readonly ResponseSocket _socket;
    private readonly Thread _thread;
    private readonly List<string> _calls = [];
    private readonly Stopwatch _clock = new();
    private volatile bool _stop;
    private int _roiX, _roiY, _roiW, _roiH;
    private double _exposureMs = 10;
    private double _intervalMs;
    private bool _running;
    private long _produced;
    private long _popped;
    private uint _nextArrayId = 0x5eed0001;

    public FakeMicroManagerServer(int sensorWidth = 64, int sensorHeight = 64, string cameraLabel = "Camera")
    {
        SensorWidth = sensorWidth;
        SensorHeight = sensorHeight;
        CameraLabel = cameraLabel;
        _roiW = sensorWidth;
        _roiH = sensorHeight;
        _socket = new ResponseSocket();
        _socket.Options.Linger = TimeSpan.Zero;
        Port = _socket.BindRandomPort("tcp://127.0.0.1");
        _thread = new Thread(Serve) { IsBackground = true, Name = "fake Micro-Manager" };
        _thread.Start();
    }

    public int Port { get; }

    public string Address => $"tcp://127.0.0.1:{Port}";

    public int SensorWidth { get; }

    public int SensorHeight { get; }

    public string CameraLabel { get; }

    /// <summary>The pixels of image i of a sequence (row-major, ROI-sized); a flat 100 ADU by default.</summary>
    public Func<long, int, int, ushort[]> FrameFactory { get; set; } = (_, w, h) => Enumerable.Repeat((ushort)100, w * h).ToArray();

    /// <summary>Images the buffer holds at most before it overflows (Micro-Manager's circular buffer).</summary>
    public int BufferCapacity { get; set; } = 1000;

    /// <summary>Stops putting new images into the buffer (a camera that stalls).</summary>
    public bool Stalled { get; set; }

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        _socket.Dispose();
    }

    private void Serve()
    {
        while (!_stop)
        {
            NetMQMessage? request = null;
            if (!_socket.TryReceiveMultipartMessage(TimeSpan.FromMilliseconds(20), ref request) || request is null)
            {
                continue;
            }

            NetMQMessage reply;
            try
            {
                var json = (JsonObject)JsonNode.Parse(request[0].ToByteArray())!;
                reply = Handle(json);
            }
#pragma warning disable CA1031 // The server answers every request; a bad one gets the bridge's exception reply.
            catch (Exception e)
#pragma warning restore CA1031
            {
                reply = Json(new JsonObject { ["type"] = "exception", ["value"] = e.Message });
            }

            _socket.SendMultipartMessage(reply);
        }
    }

    private NetMQMessage Handle(JsonObject request)
    {
        string command = request["command"]!.GetValue<string>();
        switch (command)
        {
            case "connect":
                return Json(new JsonObject { ["type"] = "none", ["version"] = "5.1.0" });
            case "get-constructors":
                string classpath = request["classpath"]!.GetValue<string>();
                var api = new JsonArray();
                if (classpath == "mmcorej.CMMCore")
                {
                    api.Add(new JsonObject { ["name"] = classpath, ["arguments"] = new JsonArray(), ["return-type"] = classpath });
                }

                return Json(new JsonObject { ["type"] = "none", ["api"] = api });
            case "constructor":
                return Json(new JsonObject
                {
                    ["type"] = "unserialized-object",
                    ["class"] = "mmcorej.CMMCore",
                    ["hash-code"] = CoreHash,
                    ["interfaces"] = new JsonArray(),
                    ["fields"] = new JsonArray(),
                    ["api"] = new JsonArray([.. CoreMethods.Select(m => (JsonNode)new JsonObject { ["name"] = m, ["arguments"] = new JsonArray(), ["return-type"] = "void" })]),
                });
            case "destructor":
                return Json(new JsonObject { ["type"] = "none" });
            case "run-method":
                if (request["hash-code"]?.ToString() != CoreHash)
                {
                    throw new InvalidOperationException("no such object " + request["hash-code"]);
                }

                return RunMethod(request["name"]!.GetValue<string>(), request["arguments"] as JsonArray ?? []);
            default:
                throw new InvalidOperationException("unknown command " + command);
        }
    }

    private NetMQMessage RunMethod(string name, JsonArray args)
    {
        lock (_lock)
        {
            _calls.Add($"{name}({string.Join(", ", args.Select(a => a?.ToJsonString()))})");
            switch (name)
            {
                case "getCameraDevice":
                    return Value(JsonValue.Create(CameraLabel), "string");
                case "clearROI":
                    (_roiX, _roiY, _roiW, _roiH) = (0, 0, SensorWidth, SensorHeight);
                    return Void();
                case "setROI":
                    (_roiX, _roiY, _roiW, _roiH) = (args[0]!.GetValue<int>(), args[1]!.GetValue<int>(), args[2]!.GetValue<int>(), args[3]!.GetValue<int>());
                    return Void();
                case "getImageWidth":
                    return Value(JsonValue.Create(_roiW));
                case "getImageHeight":
                    return Value(JsonValue.Create(_roiH));
                case "getBytesPerPixel":
                    return Value(JsonValue.Create(2));
                case "setExposure":
                    _exposureMs = args[0]!.GetValue<double>();
                    return Void();
                case "getExposure":
                    return Value(JsonValue.Create(_exposureMs));
                case "startContinuousSequenceAcquisition":
                    _intervalMs = Math.Max(args[0]!.GetValue<double>(), _exposureMs);
                    _running = true;
                    _produced = _popped = 0;
                    _clock.Restart();
                    return Void();
                case "stopSequenceAcquisition":
                    _running = false;
                    return Void();
                case "isSequenceRunning":
                    return Value(JsonValue.Create(_running));
                case "getRemainingImageCount":
                    Produce();
                    return Value(JsonValue.Create(Math.Min(_produced - _popped, BufferCapacity)));
                case "isBufferOverflowed":
                    Produce();
                    return Value(JsonValue.Create(_produced - _popped > BufferCapacity));
                case "popNextTaggedImage":
                    return PopImage();
                default:
                    throw new InvalidOperationException($"mmcorej.CMMCore has no method {name}");
            }
        }
    }

    private void Produce()
    {
        if (_running && !Stalled)
        {
            _produced = Math.Max(_produced, (long)(_clock.Elapsed.TotalMilliseconds / _intervalMs) + 1);
        }
    }

    private NetMQMessage PopImage()
    {
        Produce();
        if (_produced - _popped <= 0)
        {
            throw new InvalidOperationException("java.lang.Exception: Circular buffer is empty.");
        }

        long index = _popped++;
        ushort[] pixels = FrameFactory(index, _roiW, _roiH);
        var bytes = new byte[pixels.Length * 2];
        Buffer.BlockCopy(pixels, 0, bytes, 0, bytes.Length);
        uint id = _nextArrayId++;
        var tags = new JsonObject
        {
            ["Camera"] = CameraLabel,
            ["Width"] = _roiW,
            ["Height"] = _roiH,
            ["PixelType"] = "GRAY16",
            ["ImageNumber"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ElapsedTime-ms"] = (index * _intervalMs).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture),
            ["Exposure-ms"] = _exposureMs,
        };
        var json = new JsonObject
        {
            ["type"] = "object",
            ["class"] = "TaggedImage",
            ["value"] = new JsonObject { ["tags"] = tags, ["pix"] = $"@{id:x}_2" },
        };
        NetMQMessage message = Json(json);
        message.Append(BitConverter.GetBytes(id));
        message.Append(bytes);
        return message;
    }

    private static NetMQMessage Void() => Json(new JsonObject { ["type"] = "null" });

    private static NetMQMessage Value(JsonNode? value, string type = "primitive") => Json(new JsonObject { ["type"] = type, ["value"] = value });

    private static NetMQMessage Json(JsonObject json)
    {
        var message = new NetMQMessage();
        message.Append(Encoding.UTF8.GetBytes(json.ToJsonString()));
        return message;
    }
}
