#!/usr/bin/env python3
"""Trains the DECODE-like network on `livesmlm simulate --training` data and exports ONNX.

    python3 training/train.py --data DIR --out model.onnx [--minutes M] [--steps N] [--width 16] [--levels 2]

Runs until --minutes or --steps run out (whichever first), printing one progress line per validation:
step, loss (count / mixture / background parts), validation Jaccard. Every validation writes
OUT.ckpt (resume with the same command) and, when the Jaccard is the best so far, OUT.best.pt; the
best checkpoint is exported to OUT (opset 17, dynamic batch/height/width) with the camera, pixel size
and training record in the model's metadata. Works on PyTorch 1.13 and 2.x; 2 CPU threads by default.
"""

import argparse
import glob
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from decode_net import DecodeNet, OUTPUT_CHANNELS, decode_loss, detect, jaccard, macs_per_pixel  # noqa: E402
import onnx_metadata  # noqa: E402

FORMAT = "livesmlm-decode-1"


def load(data_dir):
    import h5py
    chunks = sorted(glob.glob(os.path.join(data_dir, "chunk-*.h5")))
    if not chunks:
        sys.exit(f"error: no chunk-*.h5 in '{data_dir}' (make them with: livesmlm simulate --training {data_dir} --profile FILE --frames N)")
    with open(os.path.join(data_dir, "training.json")) as f:
        description = json.load(f)
    seqs = []
    for path in chunks:
        with h5py.File(path, "r") as f:
            frames = f["frames"][:].astype(np.float16)
            background = f["background"][:]
            emitters = f["emitters"][:]
        for s in range(frames.shape[0]):
            e = emitters[emitters[:, 0] == s]
            by_frame = [e[e[:, 1] == t][:, 2:5] for t in range(frames.shape[1])]
            seqs.append((frames[s], background[s], by_frame))
    return description, seqs


class Sampler:
    """Random windows of 3 consecutive frames, random crops, flips and transposes (the PSF is symmetric)."""

    def __init__(self, seqs, crop, seed):
        self.seqs, self.crop = seqs, crop
        self.rng = np.random.default_rng(seed)

    def batch(self, size):
        xs, bgs, ems = [], [], []
        for _ in range(size):
            frames, background, by_frame = self.seqs[self.rng.integers(len(self.seqs))]
            # Causal window: the frame itself and the two before it (the engine has no future frames).
            t = int(self.rng.integers(2, frames.shape[0]))
            h, w = frames.shape[1:]
            y0 = int(self.rng.integers(0, h - self.crop + 1))
            x0 = int(self.rng.integers(0, w - self.crop + 1))
            x = frames[t - 2:t + 1, y0:y0 + self.crop, x0:x0 + self.crop].astype(np.float32)
            if self.rng.random() < 0.03:
                # The first frames of a stream: the engine repeats the earliest frame it has.
                x[:2 if self.rng.random() < 0.5 else 1] = x[2]
            bg = background[y0:y0 + self.crop, x0:x0 + self.crop]
            e = by_frame[t].copy()
            e[:, 0] -= x0
            e[:, 1] -= y0
            inside = (e[:, 0] >= 0) & (e[:, 0] < self.crop) & (e[:, 1] >= 0) & (e[:, 1] < self.crop)
            e = e[inside]
            c = self.crop
            if self.rng.random() < 0.5:
                x, bg, e[:, 0] = x[:, :, ::-1], bg[:, ::-1], c - e[:, 0]
            if self.rng.random() < 0.5:
                x, bg, e[:, 1] = x[:, ::-1, :], bg[::-1, :], c - e[:, 1]
            if self.rng.random() < 0.5:
                x, bg, e = x.transpose(0, 2, 1), bg.T, e[:, [1, 0, 2]]
            xs.append(np.ascontiguousarray(x))
            bgs.append(np.ascontiguousarray(bg))
            ems.append(e)
        m = max(1, max(len(e) for e in ems))
        emitters = np.zeros((size, m, 3), np.float32)
        mask = np.zeros((size, m), np.float32)
        for i, e in enumerate(ems):
            emitters[i, :len(e)] = e
            mask[i, :len(e)] = 1
        return torch.from_numpy(np.stack(xs)), torch.from_numpy(emitters), torch.from_numpy(mask), torch.from_numpy(np.stack(bgs))


def validate(model, val_batches):
    model.eval()
    tp_j, losses = [], []
    with torch.no_grad():
        for x, e, m, bg in val_batches:
            out = model(x)
            losses.append(decode_loss(out, e, m, bg)[0].item())
            tp_j.append(jaccard(detect(out), e, m, radius_px=2.5))
    model.train()
    return float(np.mean(tp_j)), float(np.mean(losses))


def choose_threshold(model, val_batches, candidates=(0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7)):
    """The decoding threshold (3×3 sum of p) with the best validation Jaccard; written into the model."""
    model.eval()
    with torch.no_grad():
        outs = [(model(x), e, m) for x, e, m, _ in val_batches]
    scores = {t: float(np.mean([jaccard(detect(o, threshold=t), e, m, radius_px=2.5) for o, e, m in outs])) for t in candidates}
    best = max(scores, key=scores.get)
    return best, scores


def export(model, path, description, record):
    model.eval()
    dummy = torch.zeros(1, model.frames, 64, 64)
    tmp = path + ".partial"
    torch.onnx.export(
        model, dummy, tmp, opset_version=17, input_names=["frames"], output_names=["maps"],
        dynamic_axes={"frames": {0: "batch", 2: "height", 3: "width"}, "maps": {0: "batch", 2: "height", 3: "width"}})
    meta = {
        "livesmlm.format": FORMAT,
        "livesmlm.profile": description["profile"],
        "livesmlm.cameraType": description["cameraType"],
        "livesmlm.pixelSizeNm": repr(float(description["pixelSizeNm"])),
        "livesmlm.quantumEfficiency": repr(float(description["quantumEfficiency"])),
        "livesmlm.emGain": repr(float(description["emGain"])),
        "livesmlm.psfSigmaNm": repr(float(description["psfSigmaNm"])),
        "livesmlm.frames": str(model.frames),
        "livesmlm.window": "causal",
        "livesmlm.multipleOf": str(2 ** model.levels),
        "livesmlm.outputs": ",".join(OUTPUT_CHANNELS),
        "livesmlm.width": str(model.width),
        "livesmlm.levels": str(model.levels),
        "livesmlm.threshold": repr(float(record["threshold"])),
        "livesmlm.training": json.dumps(record, sort_keys=True),
    }
    onnx_metadata.append(tmp, meta)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="folder written by livesmlm simulate --training")
    ap.add_argument("--out", required=True, help="model.onnx to write")
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--steps", type=int, default=10 ** 9)
    ap.add_argument("--width", type=int, default=16)
    ap.add_argument("--levels", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--crop", type=int, default=40)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--validate-every", type=int, default=200)
    ap.add_argument("--validation-batches", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fresh", action="store_true", help="ignore an existing OUT.ckpt instead of resuming")
    ap.add_argument("--export-only", action="store_true", help="export OUT.best.pt (of a run still going or stopped) to OUT and exit")
    args = ap.parse_args(argv)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    description, seqs = load(args.data)
    n_val = max(1, len(seqs) // 16)
    train, val = seqs[:-n_val], seqs[-n_val:]
    frames_all = np.concatenate([s[0][:4].astype(np.float32).ravel() for s in train[:64]])
    offset = float(np.median(frames_all))
    scale = float(max(1.0, np.percentile(frames_all, 99.9) - offset))
    max_signal = float(max(e[:, 2].max() if len(e) else 0 for s in train for e in s[2]) * 1.5)
    max_background = float(max(s[1].max() for s in train) * 2)
    model = DecodeNet(args.width, args.levels, 3, offset, scale, max_signal, max_background)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    val_sampler = Sampler(val, min(64, val[0][0].shape[1]), seed=12345)
    val_batches = [val_sampler.batch(args.batch) for _ in range(args.validation_batches)]
    sampler = Sampler(train, args.crop, seed=args.seed)

    ckpt_path, best_path = args.out + ".ckpt", args.out + ".best.pt"
    step, best_j, trained_s = 0, -1.0, 0.0
    if args.export_only:
        ck = torch.load(ckpt_path)
        step, trained_s = ck["step"], ck["trained_s"]
        args.steps = step  # skip the loop
    if os.path.exists(ckpt_path) and not args.fresh and not args.export_only:
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, best_j, trained_s = ck["step"], ck["best_jaccard"], ck["trained_s"]
        sampler.rng = np.random.default_rng(args.seed + step)
        print(f"resumed from {ckpt_path} at step {step} (best validation Jaccard {best_j:.3f}, {trained_s / 60:.1f} min trained)", flush=True)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=4000, gamma=0.7)
    for _ in range(step // 4000):
        sched.step()

    print(f"model: width {args.width}, levels {args.levels}, {sum(p.numel() for p in model.parameters())} parameters, "
          f"{macs_per_pixel(args.width, args.levels) / 1e3:.1f} kMAC/pixel; {len(train)} training / {len(val)} validation sequences; "
          f"input offset {offset:.1f} e-, scale {scale:.1f} e-", flush=True)
    start = time.time()
    deadline = start + args.minutes * 60
    run_losses = []
    last_j = best_j
    while step < args.steps and time.time() < deadline:
        x, e, m, bg = sampler.batch(args.batch)
        out = model(x)
        loss, parts = decode_loss(out, e, m, bg)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.03 * 1e3)
        opt.step()
        sched.step()
        step += 1
        run_losses.append((loss.item(), parts["count"], parts["gmm"], parts["bg"]))
        last = step >= args.steps or time.time() >= deadline
        if step % args.validate_every == 0 or last:
            j, vloss = validate(model, val_batches)
            elapsed = trained_s + time.time() - start
            l = np.mean(run_losses, axis=0)
            run_losses = []
            better = j > best_j
            if better:
                best_j = j
                torch.save({"model": model.state_dict(), "step": step, "jaccard": j}, best_path)
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "best_jaccard": best_j, "trained_s": elapsed}, ckpt_path)
            print(f"step {step}  {elapsed / 60:.1f} min  loss {l[0]:.1f} (count {l[1]:.1f}, gmm {l[2]:.1f}, bg {l[3]:.1f})  "
                  f"val loss {vloss:.1f}  val Jaccard {j:.3f}{'  best' if better else ''}", flush=True)
            last_j = j
    trained_s += time.time() - start
    best = torch.load(best_path)
    model.load_state_dict(best["model"])
    threshold, scores = choose_threshold(model, val_batches)
    print("validation Jaccard by threshold: " + ", ".join(f"{t}: {j:.3f}" for t, j in scores.items()) + f" -> {threshold}", flush=True)
    record = {"threshold": threshold, "steps": step, "best_step": best["step"], "validation_jaccard": round(best["jaccard"], 4), "trained_minutes": round(trained_s / 60, 2),
              "batch": args.batch, "crop": args.crop, "torch": torch.__version__, "threads": args.threads, "data": os.path.basename(os.path.abspath(args.data)),
              "sequences": len(seqs)}
    export(model, args.out, description, record)
    print(f"wrote {args.out}: best validation Jaccard {best['jaccard']:.3f} at step {best['step']} of {step}, "
          f"{trained_s / 60:.1f} min trained (last {last_j:.3f})", flush=True)


if __name__ == "__main__":
    main()
