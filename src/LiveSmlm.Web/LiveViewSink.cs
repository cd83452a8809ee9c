using LiveSmlm.Acquisition.Pipeline;
using LiveSmlm.Reconstruction;

namespace LiveSmlm.Web;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The live view's place in the fan-out: keeps every localization of the run (for a page that opens
/// late, for pan and zoom, for the PNG export), the plot points, and posts each batch to every browser.
/// </summary>
/// <remarks>
/// Its pipeline channel is Wait: its work per batch is a copy and an encoding, bounded and never waiting
/// on a browser, because each browser has its own DropOldest channel (<see cref="FeedClient"/>): a slow or
/// vanished browser loses its own oldest messages, counted, and never holds back the data plane.
/// Store and broadcast happen under one lock with client registration, so a browser gets every
/// localization exactly once: the stored ones up to its <see cref="FeedClient.BacklogEnd"/>, then its channel.
/// </remarks>
public sealed class LiveViewSink : ILocalizationSink
{
    private readonly LiveView _view;
    private readonly CameraPreview _preview;
    private readonly List<(float, float)> _detections = [];

    public LiveViewSink(LiveView view, CameraPreview preview)
    {
        _view = view;
        _preview = preview;
    }

    public string Name => "live-view";

    public void Write(LocalizationBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _view.Add(batch.Span, batch.FirstFrame, batch.FrameCount);
        if (_preview.PendingIndex is { } index && index < batch.FirstFrame + batch.FrameCount && _preview.Take() is { } image)
        {
            _detections.Clear();
            foreach (ref readonly Localization loc in batch.Span)
            {
                if (loc.Frame == image.Frame)
                {
                    _detections.Add((loc.XNm, loc.YNm));
                }
            }

            _view.Broadcast(new FeedMessage(FeedMessages.Camera(image, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_detections)), false));
        }
    }

    public void Complete()
    {
    }

    public void Dispose()
    {
    }
}
