"""H·v of the Figure-1 network in float32 PyTorch by double backward: the reference for `npm run bench`
(torch_hvp).

Usage: python3 scripts/bench-torch.py DIR REPEAT. DIR holds what bench/torch.ts wrote: meta.json
(widths, per-layer scales c and d, N) and float32 little-endian files params.bin (the engine's layout:
per layer Wᵀ as n_in × n_out, then b), inputs.bin (N × n0), targets.bin (N × nL), v.bin and hv.bin (the
engine's H v, to compare). The network is z(ℓ+1) = c_ℓ a(ℓ) Wᵀ + d_ℓ b, a = softplus(z), f = z(L); the
loss C = (1/N) Σ ½‖f(x_i) − y_i‖².

Timed as PyHessian does it: the gradient graph is built once (create_graph=True) and each product is
torch.autograd.grad(g, params, grad_outputs=v, retain_graph=True). Also reported: the full cost of one
product (forward, gradient with graph, double backward), and the same with one thread.
"""
import json
import os
import sys
import time

import numpy as np
import torch

d = sys.argv[1]
repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
meta = json.load(open(os.path.join(d, "meta.json")))
load = lambda name: torch.from_numpy(np.fromfile(os.path.join(d, name), dtype="<f4"))
widths, N = meta["widths"], meta["N"]
flat, X, Y, vflat, hv_engine = load("params.bin"), load("inputs.bin"), load("targets.bin"), load("v.bin"), load("hv.bin")
X = X.reshape(N, widths[0])
Y = Y.reshape(N, widths[-1])


def split(vec):
    out, o = [], 0
    for l in range(len(widths) - 1):
        n_in, n_out = widths[l], widths[l + 1]
        out.append(vec[o:o + n_in * n_out].reshape(n_in, n_out).clone())
        o += n_in * n_out
        out.append(vec[o:o + n_out].clone())
        o += n_out
    return out


params = [p.requires_grad_(True) for p in split(flat)]
vs = split(vflat)


def loss_fn():
    a = X
    L = len(widths) - 1
    for l in range(L):
        z = meta["c"][l] * (a @ params[2 * l]) + meta["d"][l] * params[2 * l + 1]
        a = torch.nn.functional.softplus(z) if l < L - 1 else z
    return 0.5 * ((a - Y) ** 2).sum() / N


def median_ms(fn):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2]


def timings():
    g = torch.autograd.grad(loss_fn(), params, create_graph=True)
    retained = median_ms(lambda: torch.autograd.grad(g, params, grad_outputs=vs, retain_graph=True))

    def full():
        gg = torch.autograd.grad(loss_fn(), params, create_graph=True)
        return torch.autograd.grad(gg, params, grad_outputs=vs)

    return retained, median_ms(full), g


def blas_library():
    """The BLAS shared library this process mapped (Debian's torch links libblas.so.3, an alternative)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line}
        return sorted(os.path.realpath(p) for p in libs)[0] if libs else "none mapped"
    except OSError:
        return "unknown"


threads = os.cpu_count() or 1
torch.set_num_threads(threads)
ms, ms_full, g = timings()
hv = torch.cat([h.reshape(-1) for h in torch.autograd.grad(g, params, grad_outputs=vs, retain_graph=True)])
rel = float((hv - hv_engine).norm() / hv_engine.norm())
torch.set_num_threads(1)
ms_1, ms_full_1, _ = timings()
print(json.dumps({
    "ms": ms,
    "ms_full": ms_full,
    "threads": threads,
    "ms_1thread": ms_1,
    "ms_full_1thread": ms_full_1,
    "rel_diff_vs_engine": rel,
    "torch": torch.__version__,
    "blas": blas_library(),
    "python": sys.executable,
}))
