/**
 * Micro-benchmark of the linear-algebra algorithms' own overhead (not a test: run it by hand).
 *
 *   node --import tsx bench/linalgBench.ts [--P 1200000] [--only lanczos|moments] [--repeat 3]
 *                                                       [--root DIR] [--plain]
 *
 * The operators are cheap synthetic float32 matrices A = R D R with D diagonal (a known spectrum
 * shaped like a network Hessian: outliers and a cluster over a bulk, see hLike/sLike) and R = Id − 2uuᵀ a Householder
 * reflection, so eigenvectors are delocalized as in a real Hessian. Each application is timed, and
 * the report gives the wall time minus the operator's time per application: the algorithm overhead
 * that the real operator (≈ 125 ms per H v at P = 1.2 M) is not responsible for.
 *
 *   lanczos: top-20 of the H-like operator at tol 1e-4 with verify (bench 'lanczos_top20').
 *   moments: 20 + 20 extreme pairs of an S-like operator (both ends, with images), then traceMoments
 *            with those 40 vectors as its sketch, kmax 4, 30 probes (what measureMatrixFree does for S).
 *
 * --figure1 runs the same two cases on the real Figure-1 network (bench/suite.ts `figure1()`, P = 1.2 M,
 * wasm backend) instead of synthetic operators: lanczos = bench 'lanczos_top20'; moments = what
 * measureMatrixFree does for H and S with top 20, bottom 0, 30 probes, kmax 4 (Lanczos on H, moments
 * of H, Lanczos at both ends of S, moments of S), each operator application timed.
 *
 * --root DIR loads the algorithms from another copy of the source tree (e.g. the last commit's,
 * extracted with `git archive HEAD src/engine | tar -x -C DIR`) for a before/after comparison under
 * the same conditions; --plain sets NTKEXP_SIMD=0 semantics (the JavaScript reference path).
 */
import { resolve } from 'node:path';

type Vector = Float32Array | Float64Array;
interface Op {
  size: number;
  precision: 'float32';
  matmat(X: readonly Vector[]): Vector[];
}

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const P = Number(flag('P', '1200000'));
const only = flag('only', '');
const repeat = Number(flag('repeat', '1'));
const root = resolve(flag('root', resolve(__dirname, '..')));
if (args.includes('--plain')) process.env.NTKEXP_SIMD = '0';

/** A = R D R, R = Id − 2uuᵀ (‖u‖ = 1), float32 storage; applications timed into `clock.ms`. */
function syntheticOperator(d: Float64Array, seed: number, clock: { ms: number }): Op {
  const n = d.length;
  const u = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    u[i] = s / 2 ** 32 - 0.5;
  }
  let un = 0;
  for (let i = 0; i < n; i++) un += u[i] * u[i];
  un = Math.sqrt(un);
  for (let i = 0; i < n; i++) u[i] /= un;
  const reflect = (x: ArrayLike<number>, out: Float64Array): void => {
    let t = 0;
    for (let i = 0; i < n; i++) t += u[i] * x[i];
    for (let i = 0; i < n; i++) out[i] = x[i] - 2 * t * u[i];
  };
  const tmp = new Float64Array(n);
  return {
    size: n,
    precision: 'float32',
    matmat(X) {
      const t0 = performance.now();
      const out = X.map((x) => {
        reflect(x, tmp);
        for (let i = 0; i < n; i++) tmp[i] *= d[i];
        const y = new Float64Array(n);
        reflect(tmp, y);
        return Float32Array.from(y);
      });
      clock.ms += performance.now() - t0;
      return out;
    },
  };
}

/**
 * H-like: one outlier (100), 300 eigenvalues clustered from 10 down to 1.4 (small relative gaps at
 * the 20th: top-20 takes about as many steps and restarts as on the Figure-1 network), a bulk in
 * [−1, 1]. S-like: the same shape at both ends (30 and −20 outliers, two clusters), bulk [−0.3, 0.3].
 */
function hLike(n: number): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = i === 0 ? 100 : i < 300 ? 10 * Math.exp((-2 * i) / 300) : -1 + (2 * (i - 300)) / (n - 300);
  return d;
}
function sLike(n: number): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (i === 0) d[i] = 30;
    else if (i < 150) d[i] = 3 * Math.exp((-2 * i) / 150);
    else if (i === 150) d[i] = -20;
    else if (i < 300) d[i] = -2 * Math.exp((-2 * (i - 150)) / 150);
    else d[i] = -0.3 + (0.6 * (i - 300)) / (n - 300);
  }
  return d;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const { lanczosEigs } = await import(`${root}/src/engine/linalg/lanczos`);
  const { traceMoments } = await import(`${root}/src/engine/linalg/moments`);
  const { Rng } = await import(`${root}/src/engine/rng`);
  let stats: { calls: number; secondPasses: number } | undefined;
  try {
    stats = (await import(`${root}/src/engine/linalg/basis`)).orthogonalizeStats;
  } catch {
    stats = undefined;
  }
  const breakdown: Record<string, number> = {};
  if (args.includes('--breakdown')) {
    // Diagnostics: wall time per arena method (nested calls are counted in each).
    const proto = (await import(`${root}/src/engine/linalg/simd/arena`)).VectorArena.prototype;
    for (const name of ['alloc', 'copyIn', 'dotsMany', 'subtractMany', 'subtractThenDots', 'combine', 'scale']) {
      const f = proto[name];
      proto[name] = function (this: unknown, ...a: unknown[]) {
        const t0 = performance.now();
        try {
          return f.apply(this, a);
        } finally {
          breakdown[name] = (breakdown[name] ?? 0) + performance.now() - t0;
        }
      };
    }
  }
  const showBreakdown = (label: string): void => {
    if (!args.includes('--breakdown')) return;
    console.log(`  ${label} arena time (ms): ${Object.entries(breakdown).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
    for (const k of Object.keys(breakdown)) delete breakdown[k];
  };
  console.log(`P = ${P}, root ${root}${process.env.NTKEXP_SIMD === '0' ? ', NTKEXP_SIMD=0' : ''}`);

  if (args.includes('--figure1')) {
    await figure1Case({ lanczosEigs, traceMoments, Rng, stats });
    return;
  }

  if (!only || only === 'lanczos') {
    const d = hLike(P);
    const rows: number[] = [];
    for (let r = 0; r < repeat; r++) {
      const clock = { ms: 0 };
      const op = syntheticOperator(d, 7, clock);
      if (stats) Object.assign(stats, { calls: 0, secondPasses: 0, knownAccepted: 0 });
      const t0 = performance.now();
      const eig = lanczosEigs(op, { k: 20, tol: 1e-4, verify: true, rng: new Rng(3) });
      const ms = performance.now() - t0;
      const overhead = (ms - clock.ms) / eig.applications;
      rows.push(overhead);
      showBreakdown('lanczos_top20');
      const rel = Array.from(eig.trueResiduals as Float64Array).map((x, j) => x / Math.abs(eig.eigenvalues[j]));
      const sorted = Float64Array.from(d).sort().reverse();
      const err = Array.from(eig.eigenvalues as Float64Array).map((x, j) => Math.abs(x - sorted[j]) / sorted[j]);
      console.log(
        `lanczos_top20: ${ms.toFixed(0)} ms, operator ${clock.ms.toFixed(0)} ms, ${eig.applications} applications, ${eig.restarts} restarts, ` +
          `overhead ${overhead.toFixed(1)} ms/application; max rel. true residual ${Math.max(...rel).toExponential(2)}, max rel. eigenvalue error ${Math.max(...err).toExponential(2)}` +
          (stats ? `; reorthogonalization: ${(stats as any).knownAccepted ?? 0} one-pass, ${stats.calls} measured, ${stats.secondPasses} second passes` : ''),
      );
    }
    if (repeat > 1) console.log(`lanczos_top20 median overhead ${median(rows).toFixed(1)} ms/application`);
  }

  if (!only || only === 'moments') {
    const d = sLike(P);
    const exact = [1, 2, 3, 4].map((k) => d.reduce((s, x) => s + x ** k, 0));
    const rows: number[] = [];
    for (let r = 0; r < repeat; r++) {
      const clock = { ms: 0 };
      const op = syntheticOperator(d, 11, clock);
      if (stats) Object.assign(stats, { calls: 0, secondPasses: 0, knownAccepted: 0 });
      const t0 = performance.now();
      const eig = lanczosEigs(op, { k: 20, which: 'both', kSmallest: 20, tol: 1e-4, wantImages: true, rng: new Rng(4) });
      const t1 = performance.now();
      showBreakdown('lanczos_both20');
      const opLanczos = clock.ms;
      const m = traceMoments(op, { kmax: 4, probes: 30, sketch: { vectors: eig.eigenvectors, images: eig.images }, rng: new Rng(5) });
      const t2 = performance.now();
      showBreakdown('moments');
      const opMoments = clock.ms - opLanczos;
      const lzOverhead = (t1 - t0 - opLanczos) / eig.applications;
      const mOverhead = (t2 - t1 - opMoments) / m.applications;
      rows.push(mOverhead);
      const z = m.moments.map((e: { estimate: number; stderr: number }, k: number) => ((e.estimate - exact[k]) / e.stderr).toFixed(1));
      console.log(
        `lanczos_both20: ${(t1 - t0).toFixed(0)} ms, ${eig.applications} applications, overhead ${lzOverhead.toFixed(1)} ms/application` +
          (stats ? `; reorthogonalization: ${(stats as any).knownAccepted ?? 0} one-pass, ${stats.calls} measured, ${stats.secondPasses} second passes` : ''),
      );
      console.log(
        `moments (sketch 40, 30 probes, kmax 4): ${(t2 - t1).toFixed(0)} ms, operator ${opMoments.toFixed(0)} ms, ${m.applications} applications, ` +
          `overhead ${mOverhead.toFixed(1)} ms/application; (estimate − exact)/stderr k=1…4: ${z.join(', ')}`,
      );
    }
    if (repeat > 1) console.log(`moments median overhead ${median(rows).toFixed(1)} ms/application`);
  }
}

/** A LinearOperator whose applications are timed into `clock.ms`. */
function timed(op: Op, clock: { ms: number }): Op {
  return {
    size: op.size,
    precision: op.precision,
    matmat(X) {
      const t0 = performance.now();
      const out = op.matmat(X);
      clock.ms += performance.now() - t0;
      return out;
    },
  };
}

async function figure1Case(lib: { lanczosEigs: any; traceMoments: any; Rng: any; stats: any }): Promise<void> {
  const { lanczosEigs, traceMoments, Rng, stats } = lib;
  const { initBackend } = await import(`${root}/src/engine/backend`);
  const { figure1 } = await import(`${root}/bench/suite`);
  const { Curvature } = await import(`${root}/src/engine/network/curvature`);
  const { evaluateLoss } = await import(`${root}/src/engine/loss/loss`);
  const { mse } = await import(`${root}/src/catalogue/losses`);
  const backend = await initBackend();
  const f = figure1();
  const curv = new Curvature(f.net, evaluateLoss(mse, f.net.outputs(), f.targets, f.N, 1));
  const ops = curv.operators();
  console.log(`Figure-1 network, P = ${f.net.P}, backend ${backend.name}, root ${root}${process.env.NTKEXP_SIMD === '0' ? ', NTKEXP_SIMD=0' : ''}`);
  const report = (label: string, ms: number, opMs: number, applications: number, extra = ''): void =>
    console.log(`${label}: ${(ms / 1000).toFixed(1)} s, operator ${(opMs / 1000).toFixed(1)} s (${(opMs / applications).toFixed(0)} ms each), ${applications} applications, overhead ${((ms - opMs) / applications).toFixed(1)} ms/application${extra}`);
  const reorth = (): string => (stats ? `; reorthogonalization: ${stats.knownAccepted ?? 0} one-pass, ${stats.calls} measured, ${stats.secondPasses} second passes` : '');
  const reset = (): void => {
    if (stats) Object.assign(stats, { calls: 0, secondPasses: 0, knownAccepted: 0 });
  };
  if (!only || only === 'lanczos') {
    const clock = { ms: 0 };
    reset();
    const t0 = performance.now();
    const eig = lanczosEigs(timed(ops.H, clock), { k: 20, tol: 1e-4, verify: true, rng: new Rng(3) });
    const ms = performance.now() - t0;
    const rel = Array.from(eig.trueResiduals as Float64Array).map((x, j) => x / Math.abs(eig.eigenvalues[j]));
    report('lanczos_top20', ms, clock.ms, eig.applications, `, ${eig.restarts} restarts; max rel. true residual ${Math.max(...rel).toExponential(2)}; top ${eig.eigenvalues[0].toPrecision(6)}, 20th ${eig.eigenvalues[19].toPrecision(6)}${reorth()}`);
  }
  if (!only || only === 'moments') {
    const rng = new Rng(2);
    const steps: Array<[string, () => { applications: number; extra?: string }, { ms: number }]> = [];
    const hClock = { ms: 0 };
    const sClock = { ms: 0 };
    const H = timed(ops.H, hClock);
    const S = timed(ops.S, sClock);
    let hEig: any;
    let sEig: any;
    steps.push(['  H lanczos top 20', () => {
      hEig = lanczosEigs(H, { k: 20, which: 'largest', tol: 1e-4, wantImages: true, rng: new Rng(rng.nextUint32(), 'lanczos-H') });
      return { applications: hEig.applications, extra: `, ${hEig.restarts} restarts` };
    }, hClock]);
    steps.push(['  H moments', () => {
      const m = traceMoments(H, { kmax: 4, probes: 30, sketch: { vectors: hEig.eigenvectors, images: hEig.images }, rng: new Rng(rng.nextUint32(), 'moments-H') });
      return { applications: m.applications, extra: `; rel. stderr ${m.moments.map((e: { relativeStderr: number }) => e.relativeStderr.toExponential(1)).join(', ')}` };
    }, hClock]);
    steps.push(['  S lanczos both 20 + 20', () => {
      sEig = lanczosEigs(S, { k: 20, which: 'both', kSmallest: 20, tol: 1e-4, wantImages: true, rng: new Rng(rng.nextUint32(), 'lanczos-S') });
      return { applications: sEig.applications, extra: `, ${sEig.restarts} restarts` };
    }, sClock]);
    steps.push(['  S moments', () => {
      const m = traceMoments(S, { kmax: 4, probes: 30, sketch: { vectors: sEig.eigenvectors, images: sEig.images }, rng: new Rng(rng.nextUint32(), 'moments-S') });
      return { applications: m.applications, extra: `; rel. stderr ${m.moments.map((e: { relativeStderr: number }) => e.relativeStderr.toExponential(1)).join(', ')}` };
    }, sClock]);
    let total = 0;
    let totalOp = 0;
    let totalApps = 0;
    for (const [label, run, clock] of steps) {
      reset();
      const before = clock.ms;
      const t0 = performance.now();
      const { applications, extra } = run();
      const ms = performance.now() - t0;
      report(label, ms, clock.ms - before, applications, (extra ?? '') + reorth());
      total += ms;
      totalOp += clock.ms - before;
      totalApps += applications;
    }
    report('moments (H and S, as measureMatrixFree)', total, totalOp, totalApps);
  }
  curv.dispose();
  f.net.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
