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
import { figure1, median, timeMedian, type Benchmark } from './common';

/** PyTorch processes, each between two engine blocks. */
const TORCH_ROUNDS = 3;

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
    // Side by side in turns: an engine block, a PyTorch process, … , an engine block. Each PyTorch
    // process times its own configurations after a warm-up; a spell of load on this shared machine
    // (figures swing by ±30% within a minute) then falls on both, and each side's figure is the median
    // over its blocks.
    const engineBlocks = [timeMedian(repeat, () => curv.hvp(v))];
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
      const rounds: Record<string, unknown>[] = [];
      for (let round = 0; round < TORCH_ROUNDS; round++) {
        rounds.push(runPythonJson(found.python, 'bench-torch.py', args));
        engineBlocks.push(timeMedian(repeat, () => curv.hvp(v)));
      }
      curv.dispose();
      f.net.dispose();
      const engineMs = median(engineBlocks);
      // PyTorch's fastest configuration in each round: its own thread pool on every core, or one
      // thread (its OpenMP threads and OpenBLAS's oversubscribe two cores, and one thread measured faster).
      const torchBestPerRound = rounds.map((r) => Math.min(r.ms as number, r.ms_1thread as number));
      const torchBest = median(torchBestPerRound);
      const middle = rounds[torchBestPerRound.indexOf(torchBest)];
      const reference = fs.existsSync(REFERENCE_BLAS_DIR)
        ? runPythonJson(found.python, 'bench-torch.py', args, { LD_LIBRARY_PATH: REFERENCE_BLAS_DIR })
        : undefined;
      return [
        {
          name: 'torch_hvp',
          ...middle,
          ms: middle.ms as number,
          path: 'torch',
          rounds: TORCH_ROUNDS,
          torch_best_ms_per_round: torchBestPerRound,
          engine_ms: engineMs,
          engine_ms_per_block: engineBlocks,
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
