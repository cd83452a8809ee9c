using ILGPU;
using ILGPU.Runtime;
using LiveSmlm.Core;

namespace LiveSmlm.Localization.Gpu;

using Localization = LiveSmlm.Core.Localization;

/// <summary>
/// The three stages of one launch: Detect (enqueue upload, conversion, background, wavelet, noise,
/// maxima), CollectCandidates (wait, suppress on the host), FitAndAssemble (cut, fit, download, policy).
/// </summary>
public sealed partial class GpuLocalizer
{
    // Enqueues launch `launch` on its slot's stream and returns at once (nothing waits here).
    private void Detect(DeviceFrames device, IReadOnlyList<Frame> frames, int launch)
    {
        BatchSlot slot = device.Slots[launch % 2];
        AcceleratorStream stream = slot.Stream;
        int width = device.Width, height = device.Height, pixels = width * height;
        int first = launch * FramesPerLaunch;
        int count = Math.Min(FramesPerLaunch, frames.Count - first);
        long total = (long)count * pixels;

        // Host side: the frames go into the page-locked area; the device copy is then asynchronous.
        ushort[] staging = slot.HostAdu.GetArray();
        for (int k = 0; k < count; k++)
        {
            frames[first + k].Span.CopyTo(staging.AsSpan(k * pixels, pixels));
        }

        Part(slot.Adu, 0, total).CopyFromCPUUnsafeAsync(stream, ref staging[0], total);
        Sweep all = _kernels.SweepOver(total);
        if (device.BaselineMap is not null && device.ScaleMap is not null)
        {
            _kernels.ConvertMapped(stream, all.Stride, slot.Adu.View, slot.Electrons.View, device.BaselineMap.View, device.ScaleMap.View, pixels, all);
        }
        else
        {
            CameraModel camera = _settings.Camera;
            _kernels.ConvertUniform(stream, all.Stride, slot.Adu.View, slot.Electrons.View, (float)camera.BaselineAdu, (float)camera.PhotoelectronsPerAdu, all);
        }

        ArrayView<float> detectOn = slot.Electrons.View;
        if (device.History is not null && slot.Residual is not null && slot.Background is not null)
        {
            // Frames enter the ring in order; each residual uses the window ending at its own frame.
            for (int k = 0; k < count; k++)
            {
                slot.Electrons.View.SubView((long)k * pixels, pixels).CopyTo(stream, device.History.View.SubView((long)device.HistoryNext * pixels, pixels));
                device.HistoryNext = (device.HistoryNext + 1) % device.WindowFrames;
                device.HistoryCount = Math.Min(device.HistoryCount + 1, device.WindowFrames);
                var frame = new TemporalFrame
                {
                    Offset = k * pixels, Pixels = pixels, Count = device.HistoryCount,
                    UseMap = device.VarianceMap is null ? 0 : 1, UniformVariance = device.UniformVariance,
                };
                Sweep frameSweep = _kernels.SweepOver(pixels);
                _kernels.TemporalResidual(
                    stream, frameSweep.Stride, device.History.View, slot.Electrons.View, slot.Background.View, slot.Residual.View, device.MapOrPlaceholder.View, frame, frameSweep);
            }

            detectOn = slot.Residual.View;
        }

        int tile = WaveletTileKernels.Tile;
        var geometry = new TileGeometry { Width = width, Height = height, Step = 1, TilesX = (width + tile - 1) / tile, TilesY = (height + tile - 1) / tile };
        var tiles = new KernelConfig(count * geometry.TilesX * geometry.TilesY, _kernels.TileGroupSize);
        _kernels.SmoothTiles(stream, tiles, detectOn, slot.Smooth1.View, geometry);
        geometry.Step = 2;
        _kernels.SmoothTiles(stream, tiles, slot.Smooth1.View, slot.Smooth2.View, geometry);
        bool normalised = device.History is not null;
        if (normalised)
        {
            // The temporal residual's noise also holds the median's error: measured, as the CPU does.
            _kernels.RowSquares(stream, count * height, detectOn, slot.Smooth1.View, slot.RowSums.View, width);
            _kernels.ClipLimit(stream, count, slot.RowSums.View, slot.Limits.View, width, height);
            _kernels.RowClippedSquares(stream, count * height, detectOn, slot.Smooth1.View, slot.Limits.View, slot.RowSums.View, slot.RowCounts.View, width, height);
            _kernels.Threshold(stream, count, slot.RowSums.View, slot.RowCounts.View, slot.Noise.View, slot.FrameThresholds.View, height, (float)_settings.DetectionThresholdFactor);
        }

        DetectionNoise noise = DetectionNoise.For(_settings, device.UniformVariance);
        int useMap = device.VarianceMap is not null ? 1 : 0;
        _kernels.LocalThresholds(stream, all.Stride, slot.Smooth2.View, device.MapOrPlaceholder.View, slot.FrameThresholds.View, slot.Thresholds.View, noise, pixels, useMap, normalised ? 1 : 0, all);
        _kernels.SecondLevel(stream, all.Stride, slot.Smooth1.View, slot.Smooth2.View, all);
        slot.CandidateCount.View.MemSetToZero(stream);
        _kernels.LocalMaxima(stream, all.Stride, slot.Smooth2.View, slot.Thresholds.View, slot.Candidates.View, slot.CandidateCount.View, width, height, all);
        Part(slot.CandidateCount, 0, 1).CopyToCPUUnsafeAsync(stream, ref slot.HostCount.GetArray()[0], 1);
    }

    // Waits for the launch's detection, downloads its maxima and suppresses them per frame with
    // PeakFinder.Suppress, which sorts them first: the device's atomic append order does not matter.
    private void CollectCandidates(DeviceFrames device, BatchSlot slot, int slotIndex, int frameCount)
    {
        slot.Stream.Synchronize();
        int found = slot.HostCount.GetArray()[0];
        if (found > slot.CandidateCapacity)
        {
            throw new InvalidOperationException($"The device found {found} maxima, more than the proven bound {slot.CandidateCapacity}; the maxima kernel is wrong.");
        }

        DeviceCandidate[] maxima = slot.HostCandidates.GetArray();
        if (found > 0)
        {
            Part(slot.Candidates, 0, found).CopyToCPUUnsafeAsync(slot.Stream, ref maxima[0], found);
            slot.Stream.Synchronize();
        }

        for (int k = 0; k < frameCount; k++)
        {
            _frameCandidates[k].Clear();
        }

        for (int i = 0; i < found; i++)
        {
            DeviceCandidate m = maxima[i];
            _frameCandidates[m.Slot].Add(new Candidate(m.X, m.Y, m.Value));
        }

        int rois = 0;
        for (int k = 0; k < frameCount; k++)
        {
            PeakFinder.Suppress(_frameCandidates[k], _suppressionRadius);
            rois += _frameCandidates[k].Count;
        }

        Interlocked.Add(ref _detections, rois);
        slot.EnsureRois(rois);
        if (_atBorder.Length < slot.RoiCapacity)
        {
            _atBorder = new bool[slot.RoiCapacity];
        }

        RoiPlacement[] placements = slot.HostPlacements.GetArray();
        int r = 0;
        for (int k = 0; k < frameCount; k++)
        {
            foreach (Candidate c in _frameCandidates[k])
            {
                placements[r] = _assembler.Place(k, c, device.Width, device.Height, out _atBorder[r]);
                r++;
            }
        }

        _launchRois[slotIndex] = rois;
    }

    // Cuts and fits the launch's ROIs on the device, then applies the CPU engine's policy per frame.
    private void FitAndAssemble(DeviceFrames device, BatchSlot slot, int slotIndex, IReadOnlyList<Frame> frames, int first, int frameCount, List<Localization> output)
    {
        int rois = _launchRois[slotIndex];
        AcceleratorStream stream = slot.Stream;
        int area = _roi * _roi;
        if (rois > 0)
        {
            Part(slot.Placements, 0, rois).CopyFromCPUUnsafeAsync(stream, ref slot.HostPlacements.GetArray()[0], rois);
            ArrayView<float>? variance = null;
            if (slot.Background is not null && slot.VarianceRois is not null)
            {
                var geometry = new FlattenGeometry
                {
                    Width = device.Width, Height = device.Height, RoiSize = _roi,
                    UseMap = device.VarianceMap is null ? 0 : 1, UniformVariance = device.UniformVariance,
                };
                _kernels.CutFlattened(stream, rois, slot.Electrons.View, slot.Background.View, device.MapOrPlaceholder.View, slot.Placements.View, slot.Rois.View, slot.VarianceRois.View, geometry);
                variance = slot.VarianceRois.View;
            }
            else
            {
                _kernels.CutRois(stream, rois * area, slot.Electrons.View, slot.Placements.View, slot.Rois.View, device.Width, device.Height, _roi);
                if (device.VarianceMap is not null && slot.VarianceRois is not null)
                {
                    _kernels.CutVariance(stream, rois * area, device.VarianceMap.View, slot.Placements.View, slot.VarianceRois.View, device.Width, _roi);
                    variance = slot.VarianceRois.View;
                }
            }

            if (_model3D is not null && slot.Results3D is not null && slot.HostResults3D is not null)
            {
                // 3D: one fit per ROI and no multi-emitter search (the multi-emitter model is 2D), as on the CPU.
                _model3D.Fit(_kernels, stream, rois, slot.Rois.View, variance, device.UniformVariance, slot.Results3D.View, _roi);
                Part(slot.Results3D, 0, rois).CopyToCPUUnsafeAsync(stream, ref slot.HostResults3D.GetArray()[0], rois);
            }
            else
            {
                Fit2D(stream, slot, rois, variance, device.UniformVariance);
            }

            stream.Synchronize();
        }

        Interlocked.Add(ref _fits, rois);
        int r = 0;
        for (int k = 0; k < frameCount; k++)
        {
            int n = _frameCandidates[k].Count;
            int frame = checked((int)frames[first + k].Index);
            if (slot.HostResults3D is not null)
            {
                _assembler.AssembleFrame3D(slot.HostResults3D.GetArray(), slot.HostPlacements.GetArray(), _atBorder, r, n, frame, output);
            }
            else
            {
                _assembler.AssembleFrame(
                    slot.HostResults.GetArray(), slot.HostPlacements.GetArray(), _atBorder, slot.HostRois.GetArray(), slot.HostVarianceRois?.GetArray(),
                    device.UniformVariance, r, n, frame, output);
            }

            r += n;
        }
    }

    // The single-emitter fit of a launch's cut ROIs, then the download of what the host's policy reads.
    private void Fit2D(AcceleratorStream stream, BatchSlot slot, int rois, ArrayView<float>? variance, float uniformVariance)
    {
        if (variance is { } v)
        {
            _kernels.FitMappedReadNoise(stream, rois, slot.Rois.View, v, slot.Results.View, _roi, _options);
        }
        else if (uniformVariance > 0)
        {
            _kernels.FitUniformReadNoise(stream, rois, slot.Rois.View, slot.Results.View, _roi, _options, uniformVariance);
        }
        else
        {
            _kernels.FitNoReadNoise(stream, rois, slot.Rois.View, slot.Results.View, _roi, _options);
        }

        Part(slot.Results, 0, rois).CopyToCPUUnsafeAsync(stream, ref slot.HostResults.GetArray()[0], rois);

        // The pixels travel back only because a poor fit may be refitted as a pair on the host.
        if (_settings.MultiEmitter)
        {
            long values = (long)rois * _roi * _roi;
            Part(slot.Rois, 0, values).CopyToCPUUnsafeAsync(stream, ref slot.HostRois.GetArray()[0], values);
            if (slot.VarianceRois is not null && slot.HostVarianceRois is not null)
            {
                Part(slot.VarianceRois, 0, values).CopyToCPUUnsafeAsync(stream, ref slot.HostVarianceRois.GetArray()[0], values);
            }
        }
    }

    // A contiguous part of a buffer, the view type ILGPU's raw (page-locked) copies take.
    private static ArrayView<T> Part<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer, long start, long length)
        where T : unmanaged
    {
        ArrayView<T> all = buffer.View;
        return all.SubView(start, length);
    }
}
