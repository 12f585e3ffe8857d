/**
 * torch_hvp: the Figure-1 network's H·v in float32 PyTorch (double backward, scripts/bench-torch.py) on
 * the same parameters, inputs, targets and v as the engine, timed in the same run. Where no python3
 * imports torch (Debian: `apt-get install python3-torch`), the record says so instead.
 *
 * Debian's torch calls the system BLAS (libblas.so.3, an alternative): it runs once with the machine's
 * default and once with Debian's reference BLAS forced (LD_LIBRARY_PATH), so the figure never depends
 * silently on which BLAS package happens to be installed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluateLoss } from '../src/engine/loss/loss';
import { mse } from '../src/catalogue/losses';
import { Curvature } from '../src/engine/network/curvature';
import { Rng } from '../src/engine/rng';
import { findPython, runPythonJson } from './python';
import { figure1, timeMedian, type Benchmark } from './common';

const REFERENCE_BLAS_DIR = '/usr/lib/x86_64-linux-gnu/blas';

export const torchHvp: Benchmark = {
  name: 'torch_hvp',
  async run({ repeat }) {
    const found = findPython('torch');
    if ('missing' in found) {
      return [{ name: 'torch_hvp', ms: NaN, path: 'torch', missing: `${found.missing}; on Debian: apt-get install python3-torch` }];
    }
    const f = figure1();
    const curv = new Curvature(f.net, evaluateLoss(mse, f.net.outputs(), f.targets, f.N, 1));
    const v = new Rng(1).fillNormal(new Float32Array(f.net.P));
    // The engine is timed before and after PyTorch (the median of both blocks), so a change of the
    // machine's load while PyTorch runs weighs on both sides.
    const engineBefore = timeMedian(repeat, () => curv.hvp(v));
    const hv = curv.hvp(v);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ntkexp-bench-torch-'));
    try {
      const f32 = (x: ArrayLike<number>): Buffer => Buffer.from(Float32Array.from(x).buffer);
      fs.writeFileSync(path.join(dir, 'params.bin'), f32(f.net.parameterVector()));
      fs.writeFileSync(path.join(dir, 'inputs.bin'), f32(f.net.inputs));
      fs.writeFileSync(path.join(dir, 'targets.bin'), f32(f.targets));
      fs.writeFileSync(path.join(dir, 'v.bin'), f32(v));
      fs.writeFileSync(path.join(dir, 'hv.bin'), f32(hv));
      const layers = f.net.layout.layers;
      fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ widths: f.spec.widths, N: f.N, c: layers.map((l) => l.c), d: layers.map((l) => l.d) }));
      const args = [dir, String(repeat)];
      const best = runPythonJson(found.python, 'bench-torch.py', args);
      const engineAfter = timeMedian(repeat, () => curv.hvp(v));
      const engineMs = (engineBefore + engineAfter) / 2;
      curv.dispose();
      f.net.dispose();
      // PyTorch's fastest configuration here: its own thread pool on every core, or one thread (its
      // OpenMP threads and OpenBLAS's oversubscribe two cores, and one thread measured faster).
      const torchBest = Math.min(best.ms as number, best.ms_1thread as number);
      const reference = fs.existsSync(REFERENCE_BLAS_DIR)
        ? runPythonJson(found.python, 'bench-torch.py', args, { LD_LIBRARY_PATH: REFERENCE_BLAS_DIR })
        : undefined;
      return [
        {
          name: 'torch_hvp',
          ms: best.ms as number,
          ...best,
          path: 'torch',
          engine_ms: engineMs,
          engine_ms_before_after: [engineBefore, engineAfter],
          torch_best_ms: torchBest,
          engine_over_torch: engineMs / torchBest,
          ...(reference ? { reference_blas: { ms: reference.ms, ms_1thread: reference.ms_1thread, blas: reference.blas } } : {}),
        },
      ];
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
