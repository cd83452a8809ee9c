"""A DECODE-like network (Speiser et al., Nature Methods 2021), small enough for camera-rate CPU inference.

The network reads 3 consecutive frames (t − 2, t − 1, t: causal, so that a live stream needs no
look-ahead) in photoelectrons (the engines' unit after the camera model)
and predicts for every pixel 8 maps, in this order (OUTPUT_CHANNELS):
  p      detection probability that an emitter's centre lies in this pixel
  dx, dy sub-pixel offset of that emitter from the pixel centre, px
  n      its signal, photoelectrons
  sx, sy predicted standard deviation of dx and dy, px
  sn     predicted standard deviation of n, photoelectrons
  bg     expected background at this pixel, photoelectrons
The ONNX graph contains the input scaling and the output activations, so the C# engine only converts
ADU to photoelectrons before and reads physical units after.

Works on PyTorch 1.13 (Debian python3-torch) and 2.x.
"""

import math

import numpy as np

import torch
from torch import nn
import torch.nn.functional as F

OUTPUT_CHANNELS = ["p", "dx", "dy", "n", "sx", "sy", "sn", "bg"]


def block(c_in, c_out):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1), nn.ELU(inplace=True),
        nn.Conv2d(c_out, c_out, 3, padding=1), nn.ELU(inplace=True))


class DecodeNet(nn.Module):
    """U-Net over 3 stacked frames with `levels` downsamplings; `width` channels at full resolution.

    H and W must be multiples of 2**levels (the engine pads)."""

    def __init__(self, width=16, levels=2, frames=3, input_offset=0.0, input_scale=1.0, max_signal=10000.0, max_background=500.0):
        super().__init__()
        self.width, self.levels, self.frames = width, levels, frames
        self.register_buffer("input_offset", torch.tensor(float(input_offset)))
        self.register_buffer("input_scale", torch.tensor(float(input_scale)))
        self.register_buffer("max_signal", torch.tensor(float(max_signal)))
        self.register_buffer("max_background", torch.tensor(float(max_background)))
        chans = [width * (2 ** k) for k in range(levels + 1)]
        self.down = nn.ModuleList([block(frames, chans[0])] + [block(chans[k - 1], chans[k]) for k in range(1, levels + 1)])
        self.up = nn.ModuleList([nn.ConvTranspose2d(chans[k], chans[k - 1], 2, stride=2) for k in range(levels, 0, -1)])
        self.merge = nn.ModuleList([block(2 * chans[k - 1], chans[k - 1]) for k in range(levels, 0, -1)])
        self.head = nn.Conv2d(chans[0], len(OUTPUT_CHANNELS), 1)
        with torch.no_grad():
            # Start with few detections: p ≈ 0.01 everywhere.
            self.head.bias[0] = -4.6

    def forward(self, x):
        x = (x - self.input_offset) / self.input_scale
        skips = []
        for k, d in enumerate(self.down):
            if k > 0:
                x = F.max_pool2d(x, 2)
            x = d(x)
            skips.append(x)
        for k, (u, m) in enumerate(zip(self.up, self.merge)):
            x = m(torch.cat([u(x), skips[-2 - k]], dim=1))
        o = self.head(x)
        p = torch.sigmoid(o[:, 0:1])
        dxy = torch.tanh(o[:, 1:3])
        n = torch.sigmoid(o[:, 3:4]) * self.max_signal
        sxy = torch.sigmoid(o[:, 4:6]) * 1.5 + 0.005
        sn = (torch.sigmoid(o[:, 6:7]) * 0.5 + 0.002) * self.max_signal
        bg = torch.sigmoid(o[:, 7:8]) * self.max_background
        return torch.cat([p, dxy, n, sxy, sn, bg], dim=1)


def macs_per_pixel(width, levels, frames=3):
    """Multiply-accumulates per input pixel (3×3 convs, transposed convs, head)."""
    chans = [width * (2 ** k) for k in range(levels + 1)]
    total = 9 * frames * chans[0] + 9 * chans[0] * chans[0]
    for k in range(1, levels + 1):
        total += (9 * chans[k - 1] * chans[k] + 9 * chans[k] * chans[k]) / 4 ** k
    for k in range(levels, 0, -1):
        total += 4 * chans[k] * chans[k - 1] / 4 ** k  # transposed conv, per output pixel at level k-1
        total += (9 * 2 * chans[k - 1] * chans[k - 1] + 9 * chans[k - 1] * chans[k - 1]) / 4 ** (k - 1)
    total += chans[0] * len(OUTPUT_CHANNELS)
    return total


def decode_loss(out, emitters, mask, background):
    """DECODE loss per batch: count term + Gaussian-mixture likelihood of the true emitters + background MSE.

    out: [B, 8, H, W]; emitters: [B, M, 3] (x px, y px, photoelectrons); mask: [B, M] (1 = real emitter);
    background: [B, H, W] expected background, photoelectrons. Returns (total, parts dict)."""
    b, _, h, w = out.shape
    p = out[:, 0].reshape(b, -1).clamp(1e-6, 1 - 1e-6)
    ys, xs = torch.meshgrid(torch.arange(h, dtype=out.dtype), torch.arange(w, dtype=out.dtype), indexing="ij")
    mx = (xs.reshape(1, -1) + 0.5 + out[:, 1].reshape(b, -1))
    my = (ys.reshape(1, -1) + 0.5 + out[:, 2].reshape(b, -1))
    mn = out[:, 3].reshape(b, -1)
    sx = out[:, 4].reshape(b, -1)
    sy = out[:, 5].reshape(b, -1)
    sn = out[:, 6].reshape(b, -1)

    # Count: the number of true emitters under a Gaussian approximation of the sum of Bernoullis, weighted by that number.
    n_true = mask.sum(1)
    p_mean = p.sum(1)
    p_var = (p - p * p).sum(1).clamp_min(1e-6)
    count_logp = -0.5 * (n_true - p_mean) ** 2 / p_var - 0.5 * torch.log(2 * math.pi * p_var)
    count_loss = -(count_logp * n_true)

    # Mixture: every pixel is a component weighted by p / Σp; the log-likelihood of each true emitter.
    logw = torch.log(p) - torch.log(p_mean).unsqueeze(1)  # [B, K]
    ex, ey, en = emitters[..., 0:1], emitters[..., 1:2], emitters[..., 2:3]  # [B, M, 1]

    def log_normal(v, mu, s):
        return -0.5 * ((v - mu.unsqueeze(1)) / s.unsqueeze(1)) ** 2 - torch.log(s.unsqueeze(1)) - 0.5 * math.log(2 * math.pi)

    comp = log_normal(ex, mx, sx) + log_normal(ey, my, sy) + log_normal(en, mn, sn) + logw.unsqueeze(1)  # [B, M, K]
    gmm = torch.logsumexp(comp, dim=2)  # [B, M]
    gmm_loss = -(gmm * mask).sum(1)

    bg_loss = ((out[:, 7] - background) ** 2).mean(dim=(1, 2))
    total = (count_loss + gmm_loss + bg_loss).mean()
    return total, {"count": count_loss.mean().item(), "gmm": gmm_loss.mean().item(), "bg": bg_loss.mean().item()}


def detect(out, raw_threshold=0.1, threshold=0.6):
    """The engine's decoding, in torch (for validation): local maxima of p above raw_threshold whose 3×3 sum of p
    is at least threshold. Returns a list per image of [K, 5] tensors (x px, y px, n, sx, sy)."""
    p = out[:, 0:1]
    local_max = (p == F.max_pool2d(p, 3, stride=1, padding=1)) & (p >= raw_threshold)
    p_sum = F.avg_pool2d(p, 3, stride=1, padding=1, count_include_pad=True) * 9
    keep = local_max & (p_sum >= threshold)
    results = []
    for i in range(out.shape[0]):
        yy, xx = torch.nonzero(keep[i, 0], as_tuple=True)
        o = out[i]
        results.append(torch.stack([
            xx.to(out.dtype) + 0.5 + o[1, yy, xx], yy.to(out.dtype) + 0.5 + o[2, yy, xx], o[3, yy, xx], o[4, yy, xx], o[5, yy, xx]], dim=1))
    return results


def jaccard(detections, emitters, mask, radius_px):
    """Greedy nearest matching within radius_px (validation only; `livesmlm evaluate` is the measure)."""
    tp = fp = fn = 0
    for det, em, m in zip(detections, emitters, mask):
        truth = em[m > 0][:, :2]
        if det.shape[0] == 0 or truth.shape[0] == 0:
            fp += det.shape[0]
            fn += truth.shape[0]
            continue
        d = torch.cdist(det[:, :2], truth).numpy()
        rows, cols = np.nonzero(d <= radius_px)
        used_r, used_c = set(), set()
        matched = 0
        for k in np.argsort(d[rows, cols], kind="stable"):
            r, c = int(rows[k]), int(cols[k])
            if r in used_r or c in used_c:
                continue
            used_r.add(r)
            used_c.add(c)
            matched += 1
        tp += matched
        fp += det.shape[0] - matched
        fn += truth.shape[0] - matched
    return tp / max(1, tp + fp + fn)
