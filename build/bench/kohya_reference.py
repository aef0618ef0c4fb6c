#!/usr/bin/env python3
"""Reference timing for kohya's resize route over the 986 SDXL LoRA modules (DOMAIN.md §4).

What kohya-ss/sd-scripts networks/resize_lora.py does per module, reproduced here on random factors:
merge_linear (dense dW = up @ down in float32, times alpha/rank), torch.linalg.svd with its default
full_matrices=True (kohya switches to svd_lowrank only when out and in both exceed 2048, which no SDXL
module does), then truncation to the new rank with S folded into up. Compare with
`npx tsx core/lora/reduce.bench.ts`, which does the same reduction without forming dW.

Needs torch (e.g. `apt-get install python3-torch`). Prints one JSON object.
"""
import argparse
import json
import platform
import sys
import time


def sdxl_module_shapes():
    """(group, out, in) for kohya's default SDXL module list: 722 UNet, 72 te1, 192 te2."""
    shapes = []
    stacks = [(640, 2), (640, 2), (1280, 10), (1280, 10), (1280, 10),
              (1280, 10), (1280, 10), (1280, 10), (640, 2), (640, 2), (640, 2)]
    for c, blocks in stacks:
        group = f"unet {c}"
        shapes += [(group, c, c)] * 2  # proj_in, proj_out
        for _ in range(blocks):
            shapes += [(group, c, c)] * 6  # attn1 q/k/v/out, attn2 q/out
            shapes += [(group, c, 2048)] * 2  # attn2 k/v
            shapes += [(group, 8 * c, c), (group, c, 4 * c)]  # ff.net.0.proj (GEGLU), ff.net.2
    for group, width, layers in (("te1", 768, 12), ("te2", 1280, 32)):
        for _ in range(layers):
            shapes += [(group, width, width)] * 4
            shapes += [(group, 4 * width, width), (group, width, 4 * width)]
    return shapes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rank", type=int, default=32, help="rank of the random input factors")
    parser.add_argument("--new-rank", type=int, default=1, help="rank to reduce to")
    parser.add_argument("--device", default="cpu", help="torch device, e.g. cpu or cuda")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--limit", type=int, default=None, help="time only the first N modules (smoke runs)")
    parser.add_argument("--per-shape", type=int, default=None,
                        help="time only the first N modules of each distinct (out, in) shape and extrapolate "
                             "to all 986 by module counts (a full run takes hours with reference LAPACK)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    try:
        import torch
    except ImportError:
        print(json.dumps({"error": "torch is not installed; try `apt-get install python3-torch`"}))
        return 2

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    gen = torch.Generator().manual_seed(args.seed)
    shapes = sdxl_module_shapes()
    assert len(shapes) == 986, len(shapes)
    if args.limit is not None:
        shapes = shapes[: args.limit]
    counts = {}
    for _, out_f, in_f in shapes:
        counts[(out_f, in_f)] = counts.get((out_f, in_f), 0) + 1
    if args.per_shape is not None:
        taken = {}
        sampled = []
        for entry in shapes:
            key = (entry[1], entry[2])
            if taken.get(key, 0) < args.per_shape:
                taken[key] = taken.get(key, 0) + 1
                sampled.append(entry)
        shapes = sampled
    by_shape = {}

    rank = args.rank
    alpha = rank / 2
    scale = alpha / rank
    by_group = {}
    total = 0.0
    with torch.no_grad():
        for group, out_f, in_f in shapes:
            up = (torch.randn(out_f, rank, generator=gen) * 0.02).to(device)
            down = (torch.randn(rank, in_f, generator=gen) * 0.05).to(device)
            if device.type == "cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            weight = (up @ down) * scale
            U, S, Vh = torch.linalg.svd(weight)
            k = args.new_rank
            new_up = U[:, :k] @ torch.diag(S[:k])
            new_down = Vh[:k, :]
            if device.type == "cuda":
                torch.cuda.synchronize()
            elapsed = time.perf_counter() - t0
            del weight, U, S, Vh, new_up, new_down
            total += elapsed
            g = by_group.setdefault(group, {"modules": 0, "seconds": 0.0})
            g["modules"] += 1
            g["seconds"] += elapsed
            timed = by_shape.setdefault((out_f, in_f), [])
            timed.append(elapsed)

    # Each shape's mean time, weighted by how many modules have that shape.
    extrapolated = sum(counts[key] * sum(times) / len(times) for key, times in by_shape.items())
    print(json.dumps({
        "method": "kohya dense: up@down*scale (float32) + torch.linalg.svd(full_matrices=True)",
        "modules": len(shapes),
        "modules_represented": sum(counts[key] for key in by_shape),
        "extrapolated_seconds": round(extrapolated, 3),
        "by_shape": {f"{o}x{i}": {"count": counts[(o, i)], "timed": len(t), "mean_seconds": round(sum(t) / len(t), 3)}
                     for (o, i), t in by_shape.items()},
        "rank": rank,
        "new_rank": args.new_rank,
        "seconds": round(total, 3),
        "by_group": {k: {"modules": v["modules"], "seconds": round(v["seconds"], 3)} for k, v in by_group.items()},
        "device": str(device),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "machine": platform.processor() or platform.machine(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
