/**
 * `node --import tsx bench/nativeGemmCompare.ts [--repeat N] [--rounds R] [--json]`: the stock wasm
 * product against the native one (koffi + the system BLAS), side by side in one process: 1024²
 * products (plain and with each transpose flag), the Figure-1 gradient (forward + backward + update)
 * and H·v, with the BLAS on 1 and 2 threads; then where the time of the native gradient and H·v goes
 * (tf.profile kernel times by name). The paths alternate over R rounds and each figure is the median
 * of all its timings, so a load that changes during the run weighs on every path alike. Records carry
 * `path` (wasm1 | native) and the 1-minute load average.
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/engine/backend';
import { installNativeGemm, uninstallNativeGemm } from '../src/engine/backend/nativeGemm';
import { evaluateLoss } from '../src/engine/loss/loss';
import { mse } from '../src/catalogue/losses';
import { Curvature } from '../src/engine/network/curvature';
import { Rng } from '../src/engine/rng';
import { figure1, gflops, median, round2, timings } from './common';

interface Args {
  repeat: number;
  rounds: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { repeat: 5, rounds: 3, json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--repeat') args.repeat = Number(argv[++i]);
    else if (argv[i] === '--rounds') args.rounds = Number(argv[++i]);
    else if (argv[i] === '--json') args.json = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

type Path = { name: 'wasm1' } | { name: 'native'; threads: number };
const label = (p: Path) => (p.name === 'native' ? `native_t${p.threads}` : p.name);

function use(p: Path): void {
  uninstallNativeGemm();
  if (p.name === 'native') {
    const s = installNativeGemm({ threads: p.threads });
    if (s.path !== 'native') throw new Error(`native path unavailable: ${s.reason}`);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const backend = await initBackend('wasm', { nativeGemm: false });
  const print = (r: Record<string, unknown>) => {
    const rec = { ...r, load1: round2(os.loadavg()[0]) };
    console.log(args.json ? JSON.stringify(rec) : Object.entries(rec).map(([k, v]) => `${k}=${typeof v === 'number' ? round2(v) : JSON.stringify(v)}`).join(' '));
  };
  const probe = installNativeGemm({});
  print({ name: 'native_gemm', ...probe, cores: os.availableParallelism(), loadavg: os.loadavg().map(round2), tfjs: backend.version });
  uninstallNativeGemm();
  const paths: Path[] = [{ name: 'wasm1' }, ...(probe.path === 'native' ? [{ name: 'native', threads: 1 } as Path, { name: 'native', threads: 2 } as Path] : [])];

  const n = 1024;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const f = figure1();
  const { net, N, macs, hiddenMacs } = f;
  const params = net.parameterVector();
  const lossAt = () => evaluateLoss(mse, net.outputs(), f.targets, N, 1);
  const v = new Rng(1).fillNormal(new Float32Array(net.P));
  const gradientFlops = 2 * N * (2 * macs + hiddenMacs);
  const hvpFlops = 2 * N * (2 * macs + 4 * hiddenMacs);

  const cases: { name: string; flops: number; repeat: number; setup?: () => () => void; run?: () => void }[] = [
    { name: 'matmul', flops: 2 * n ** 3, repeat: args.repeat, run: () => tf.matMul(a, b).dispose() },
    { name: 'matmul_tA', flops: 2 * n ** 3, repeat: 1, run: () => tf.matMul(a, b, true, false).dispose() },
    { name: 'matmul_tB', flops: 2 * n ** 3, repeat: 1, run: () => tf.matMul(a, b, false, true).dispose() },
    { name: 'matmul_tAtB', flops: 2 * n ** 3, repeat: 1, run: () => tf.matMul(a, b, true, true).dispose() },
    {
      name: 'gradient',
      flops: gradientFlops,
      repeat: args.repeat,
      run: () => {
        net.step(1e-3, lossAt().gradient);
        net.outputs();
      },
    },
    {
      name: 'hvp',
      flops: hvpFlops,
      repeat: args.repeat,
      // A curvature context per path (its base passes are computed with that path's products).
      setup: () => {
        net.setParameters(params);
        const curv = new Curvature(net, lossAt());
        return () => {
          curv.hvp(v);
        };
      },
    },
  ];
  const times = new Map<string, number[]>();
  for (let round = 0; round < args.rounds; round++) {
    for (const c of cases) {
      for (const p of paths) {
        use(p);
        const fn = c.run ?? (c.setup as () => () => void)();
        const key = `${c.name}|${label(p)}`;
        times.set(key, [...(times.get(key) ?? []), ...timings(c.repeat, fn)]);
      }
    }
    net.setParameters(params);
  }
  for (const c of cases) {
    const stockMs = median(times.get(`${c.name}|wasm1`) as number[]);
    for (const p of paths) {
      const ms = median(times.get(`${c.name}|${label(p)}`) as number[]);
      print({ name: c.name, path: p.name, ...(p.name === 'native' ? { threads: p.threads } : {}), ms, gflops: gflops(c.flops, ms), speedup: stockMs / ms, samples: times.get(`${c.name}|${label(p)}`)?.length });
    }
  }

  // Where the time goes: kernel times by name over one gradient step and one H·v.
  for (const p of paths) {
    use(p);
    net.setParameters(params);
    const gradientStep = () => {
      net.step(1e-3, lossAt().gradient);
      net.outputs();
    };
    print(await profiled('profile_gradient', label(p), gradientStep));
    net.setParameters(params);
    const curv = new Curvature(net, lossAt());
    print(await profiled('profile_hvp', label(p), () => void curv.hvp(v)));
    curv.dispose();
  }
  tf.dispose([a, b]);
  net.dispose();
}

/** One warm call, then one profiled: wall time, kernel time, and kernel time by kernel name. */
async function profiled(name: string, path: string, fn: () => void): Promise<Record<string, unknown>> {
  fn();
  const t0 = performance.now();
  const info = await tf.profile(fn);
  const wall = performance.now() - t0;
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += k.kernelTimeMs as number;
    e.calls++;
    byName.set(k.name, e);
  }
  const total = [...byName.values()].reduce((s, e) => s + e.ms, 0);
  const kernels = [...byName.entries()].sort((x, y) => y[1].ms - x[1].ms).map(([kernel, e]) => ({ kernel, ms: round2(e.ms), calls: e.calls, share: round2(e.ms / total) }));
  return { name, path, ms: wall, kernel_ms: total, kernels };
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
