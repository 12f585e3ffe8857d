/**
 * `matmul` and `gradient` on every product path this machine has, each in a child process with the
 * environment that selects it (src/engine/backend):
 *   wasm1         NTKEXP_BLAS=none NTKEXP_THREADS=1   the single-threaded wasm build, stock product
 *   wasm_threads  NTKEXP_BLAS=none                    the threaded wasm build on every core
 *   native        (default)                           the system BLAS under the wasm backend
 * The active path's own records come from the bench process itself (next to numpy_matmul and hvp);
 * the others alternate over ROUNDS rounds, so a change of load during the run falls on each, and each
 * figure is the median of its rounds. A path that does not start as asked (no BLAS, no threads) is a
 * record that says what it got instead.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { activeBackend, computePath, type PathName } from '../src/engine/backend';
import { figure1, gflops, gradientFlops, matmulFlops, type Benchmark, type BenchRecord, median } from './common';

const ROUNDS = 3;

const PATH_ENV: Readonly<Record<'wasm1' | 'wasm_threads' | 'native', NodeJS.ProcessEnv>> = {
  wasm1: { NTKEXP_BLAS: 'none', NTKEXP_THREADS: '1' },
  wasm_threads: { NTKEXP_BLAS: 'none', NTKEXP_THREADS: String(os.availableParallelism()) },
  native: { NTKEXP_BLAS: '', NTKEXP_THREADS: String(os.availableParallelism()) },
};

interface ChildResult {
  readonly path: PathName;
  readonly summary: string;
  readonly threads: number;
  readonly matmul_ms: number;
  readonly gradient_ms: number;
}

function runChild(name: keyof typeof PATH_ENV, repeat: number): ChildResult {
  const env = { ...process.env, ...PATH_ENV[name] };
  delete env.NTKEXP_BACKEND;
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'pathChild.ts'), String(repeat)], { env, encoding: 'utf8', timeout: 10 * 60_000 });
  if (r.status !== 0) throw new Error(`bench path ${name} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as ChildResult;
}


export const paths: Benchmark = {
  name: 'paths',
  async run({ repeat, log }) {
    const info = activeBackend();
    const active = info ? computePath(info).path : undefined;
    if (info?.name !== 'wasm') return [{ name: 'paths', ms: NaN, missing: `the wasm paths are compared under the wasm backend; this run has ${info?.name ?? 'none'}` }];
    const others = (Object.keys(PATH_ENV) as (keyof typeof PATH_ENV)[]).filter((p) => p !== active);
    const got = new Map(others.map((p) => [p, [] as ChildResult[]]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const p of others) {
        log(`paths: round ${round + 1}/${ROUNDS}, ${p}`);
        got.get(p)!.push(runChild(p, repeat));
      }
    }
    const f = figure1();
    const flops = gradientFlops(f);
    f.net.dispose();
    const out: BenchRecord[] = [];
    for (const p of others) {
      const results = got.get(p)!;
      const actual = results[0];
      if (actual.path !== p) {
        out.push({ name: 'matmul', ms: NaN, path: p, missing: `asked for ${p}, the engine started ${actual.summary}` });
        continue;
      }
      const matmulMs = median(results.map((r) => r.matmul_ms));
      const gradientMs = median(results.map((r) => r.gradient_ms));
      const common = { path: p, threads: actual.threads, summary: actual.summary, rounds: results.length, process: 'child' };
      out.push({ name: 'matmul', ms: matmulMs, gflops: gflops(matmulFlops, matmulMs), n: 1024, ...common });
      out.push({ name: 'gradient', ms: gradientMs, gflops: gflops(flops, gradientMs), what: 'forward + backward + update', ...common });
    }
    return out;
  },
};
