#!/usr/bin/env python3
"""Reference timing for the W2W weight-space PCA (core/w2w/pca.ts) in Python/torch.

The same math on the same matrix: the bench (build/bench/w2w.bench.ts) dumps the sign-aligned member
matrix X (N rows × D columns, row-major float32, possibly only a prefix of the columns) and this
script does what a torch user would write for weights2weights' PCA by the Gram method:
  Z = (X - mean) / std   per column, sample std (ddof 1), std 0 -> 1 (as pca.ts `standardization`)
  G = Z @ Z.T            N x N
  lam, U = torch.linalg.eigh(G), descending
  V = diag(1/s) @ U.T @ Z   for the top m components (s = sqrt(lam))
Gram, standardization and V are linear in the number of columns; the load (np.fromfile, conversion)
and eigh are timed separately. Prints one JSON object on the last line.

Needs torch and numpy (Debian: python3-torch). Run with /usr/bin/python3.
"""
import argparse
import json
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("matrix", help="row-major float32 file, rows x cols")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--cols", type=int, required=True)
    parser.add_argument("--components", type=int, default=None, help="m (default rows - 1)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float64",
                        help="compute dtype (default float64, as pca.ts accumulates)")
    parser.add_argument("--save-components", default=None,
                        help="write the top --save-count components (float64, row-major) here")
    parser.add_argument("--save-count", type=int, default=5)
    args = parser.parse_args()

    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    dtype = torch.float64 if args.dtype == "float64" else torch.float32
    n, d = args.rows, args.cols
    m = min(args.components if args.components is not None else n - 1, n)

    t0 = time.perf_counter()
    x = torch.from_numpy(np.fromfile(args.matrix, dtype=np.float32, count=n * d).reshape(n, d)).to(dtype)
    load = time.perf_counter() - t0

    t0 = time.perf_counter()
    mean = x.mean(dim=0)
    std = x.std(dim=0, unbiased=True)
    std[std == 0] = 1
    z = (x - mean) / std
    del x
    standardize = time.perf_counter() - t0

    t0 = time.perf_counter()
    g = z @ z.T
    gram = time.perf_counter() - t0

    t0 = time.perf_counter()
    lam, u = torch.linalg.eigh(g)
    lam = lam.flip(0)[:m]
    u = u.flip(1)[:, :m]
    s = lam.clamp(min=0).sqrt()
    eigh = time.perf_counter() - t0

    t0 = time.perf_counter()
    v = (u / s).T @ z  # diag(1/s) @ U^T @ Z
    components = time.perf_counter() - t0

    if args.save_components:
        v[: args.save_count].to(torch.float64).numpy().tofile(args.save_components)

    linear = standardize + gram + components
    print(json.dumps({
        "rows": n,
        "cols": d,
        "m": m,
        "dtype": args.dtype,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "load_seconds": load,
        "standardize_seconds": standardize,
        "gram_seconds": gram,
        "eigh_seconds": eigh,
        "components_seconds": components,
        "linear_seconds": linear,
        "singular_values": s[: min(m, 50)].tolist(),
    }))


if __name__ == "__main__":
    main()
