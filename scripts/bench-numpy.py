"""float32 n×n matrix product in NumPy: the machine's reference rate for `npm run bench` (numpy_matmul).

Usage: python3 scripts/bench-numpy.py N REPEAT. Prints one JSON object: median ms, GFLOP/s at 2n³
FLOPs, the NumPy version and its BLAS, and the threads the BLAS may use (all cores unless limited by
OPENBLAS_NUM_THREADS / OMP_NUM_THREADS).
"""
import json
import os
import sys
import time

import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
rng = np.random.default_rng(0)
a = rng.standard_normal((n, n), dtype=np.float32)
b = rng.standard_normal((n, n), dtype=np.float32)
a @ b  # warm-up (thread pool start)
times = []
for _ in range(max(repeat, 5)):
    t0 = time.perf_counter()
    a @ b
    times.append((time.perf_counter() - t0) * 1e3)
times.sort()
ms = times[len(times) // 2]

blas = None
threads = None
try:  # threadpoolctl is optional; it names the BLAS and its thread count
    from threadpoolctl import threadpool_info

    info = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    if info:
        blas = f"{info[0].get('internal_api')} {info[0].get('version')}"
        threads = info[0].get("num_threads")
except Exception:
    pass
if blas is None:
    try:
        cfg = np.show_config(mode="dicts")  # NumPy ≥ 1.26
        dep = cfg.get("Build Dependencies", {}).get("blas", {})
        blas = f"{dep.get('name')} {dep.get('version')}"
    except Exception:
        blas = "unknown"
print(json.dumps({
    "ms": ms,
    "gflops": 2 * n ** 3 / ms / 1e6,
    "n": n,
    "numpy": np.__version__,
    "blas": blas,
    "threads": threads if threads is not None else os.cpu_count(),
    "python": sys.executable,
}))
