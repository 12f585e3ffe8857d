/**
 * Issue 15's targets, judged from the records of one bench run (never from figures of another run):
 *   hvp faster than torch_hvp;
 *   gradient on the fastest path ≥ 50% of numpy_matmul's GFLOP/s;
 *   gradient with wasm_threads ≥ 1.5× faster than with wasm1;
 *   measurement_fig1 ≤ 20 s.
 * A target whose records are missing is reported as not measured, with the reason.
 */
import { MEASUREMENT_TARGET_MS } from './measurement';
import type { BenchRecord } from './common';

export interface TargetStatus {
  readonly target: string;
  /** The figure compared, in the target's terms; null when it could not be measured. */
  readonly value: number | null;
  readonly bound: number;
  readonly met: boolean | null;
  readonly detail: string;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const find = (records: readonly BenchRecord[], name: string, path?: string): BenchRecord | undefined =>
  records.find((r) => r.name === name && (path === undefined || r.path === path) && finite(r.ms));

export function judgeTargets(records: readonly BenchRecord[]): TargetStatus[] {
  const out: TargetStatus[] = [];
  // The engine's H·v against PyTorch's fastest configuration, both timed in turns inside torch_hvp
  // (engine block, PyTorch process, …, engine block; medians over blocks): a spell of load falls on
  // both sides. The passes' own H·v, timed minutes away, is shown beside it but not mixed in.
  const hvp = find(records, 'hvp');
  const torch = find(records, 'torch_hvp');
  if (hvp && torch && finite(torch.engine_ms)) {
    const engine = torch.engine_ms;
    const best = finite(torch.torch_best_ms) ? torch.torch_best_ms : torch.ms;
    const blocks = Array.isArray(torch.engine_ms_per_block) ? (torch.engine_ms_per_block as number[]).map((x) => x.toFixed(1)).join(', ') : '—';
    const rounds = Array.isArray(torch.torch_best_ms_per_round) ? (torch.torch_best_ms_per_round as number[]).map((x) => x.toFixed(1)).join(', ') : '—';
    out.push({ target: 'hvp faster than torch_hvp', value: engine / best, bound: 1, met: engine < best, detail: `engine H·v ${engine.toFixed(1)} ms (blocks ${blocks}; ${hvp.ms.toFixed(1)} ms in \`passes\`; ${String(hvp.path)}) against PyTorch ${best.toFixed(1)} ms at its fastest (rounds ${rounds}; ${torch.ms.toFixed(1)} ms on every core, ${finite(torch.ms_1thread) ? torch.ms_1thread.toFixed(1) : '—'} ms on one, in the middle round): ${(engine / best).toFixed(2)}× PyTorch's time` });
  } else {
    out.push({ target: 'hvp faster than torch_hvp', value: null, bound: 1, met: null, detail: `not measured: ${hvp ? String(records.find((r) => r.name === 'torch_hvp')?.missing ?? 'no torch_hvp record') : 'no hvp record'}` });
  }
  const gradients = records.filter((r) => r.name === 'gradient' && finite(r.ms) && finite(r.gflops));
  const fastest = gradients.sort((a, b) => a.ms - b.ms)[0];
  const numpy = records.find((r) => r.name === 'numpy_matmul' && finite(r.gflops));
  out.push(
    fastest && numpy
      ? {
          target: 'gradient ≥ 50% of numpy_matmul',
          value: (fastest.gflops as number) / (numpy.gflops as number),
          bound: 0.5,
          met: (fastest.gflops as number) >= 0.5 * (numpy.gflops as number),
          detail: `gradient ${fastest.ms.toFixed(1)} ms = ${(fastest.gflops as number).toFixed(1)} GFLOP/s (${String(fastest.path)}) against NumPy ${(numpy.gflops as number).toFixed(1)} GFLOP/s: ${((100 * (fastest.gflops as number)) / (numpy.gflops as number)).toFixed(0)}%`,
        }
      : { target: 'gradient ≥ 50% of numpy_matmul', value: null, bound: 0.5, met: null, detail: 'not measured: no gradient or no numpy_matmul record' },
  );
  const one = find(records, 'gradient', 'wasm1');
  const threaded = find(records, 'gradient', 'wasm_threads');
  out.push(
    one && threaded
      ? { target: 'gradient wasm_threads ≥ 1.5× wasm1', value: one.ms / threaded.ms, bound: 1.5, met: one.ms / threaded.ms >= 1.5, detail: `wasm1 ${one.ms.toFixed(1)} ms, wasm_threads ${threaded.ms.toFixed(1)} ms (${String(threaded.threads)} threads): ${(one.ms / threaded.ms).toFixed(2)}×` }
      : { target: 'gradient wasm_threads ≥ 1.5× wasm1', value: null, bound: 1.5, met: null, detail: 'not measured: a gradient record of wasm1 or wasm_threads is missing' },
  );
  const m = find(records, 'measurement_fig1');
  out.push(
    m
      ? { target: 'measurement_fig1 ≤ 20 s', value: m.ms / 1000, bound: MEASUREMENT_TARGET_MS / 1000, met: m.ms <= MEASUREMENT_TARGET_MS, detail: `${(m.ms / 1000).toFixed(1)} s, ${JSON.stringify(m.applications)} operator applications (${String(m.path)})` }
      : { target: 'measurement_fig1 ≤ 20 s', value: null, bound: MEASUREMENT_TARGET_MS / 1000, met: null, detail: 'not measured: no measurement_fig1 record' },
  );
  return out;
}
