import { extensionLoad } from './extensionLoad';
import { buildDataset } from '../src/engine/data/dataset';
import { builtinActivation } from '../src/catalogue/activations';
import { evaluateLoss } from '../src/engine/loss/loss';
import { mse } from '../src/catalogue/losses';
import { Curvature } from '../src/engine/network/curvature';
import { ntkGram } from '../src/engine/network/ntkGram';
import { lanczosEigs } from '../src/engine/linalg/lanczos';
import { countingOperator } from '../src/engine/linalg/operator';
import { takeMeasurement } from '../src/engine/measure/measure';
import { loadMnistDigits } from '../src/run/mnistLoader';
import { Rng } from '../src/engine/rng';
import type { MeasureConfig } from '../src/engine/config';
import { findPython, runPythonJson } from './python';
import { infiniteWidthKernels, mseExpectedPrediction, msePathwisePrediction, mseSetup } from '../src/engine/theory';

import { type BenchContext, type BenchRecord, type Benchmark, figure1, gflops, gradientFlops, MATMUL_N, matmulFlops, once, timeMatmul, timeMedian, trainingStep } from './common';
import { momentsBaseline, powerTop20 } from './baselines';
import { torchHvp } from './torch';
import { multiTrial, eventLoop, memory } from './runs';
import { panelFrame } from './panel';
import { elementwise } from './elementwise';
import { wasmThreads } from './threads';
import { paths } from './paths';
import { measurementFig1 } from './measurement';

/** The backend's 1024² product, once per run. */
function backendMatmul(ctx: BenchContext): Promise<BenchRecord & { gflops: number }> {
  return once(ctx, 'matmul', () => {
    const ms = timeMatmul(ctx.repeat);
    return { name: 'matmul', ms, gflops: gflops(matmulFlops, ms), n: MATMUL_N };
  });
}

const matmul: Benchmark = {
  name: 'matmul',
  async run(ctx) {
    return [await backendMatmul(ctx)];
  },
};

/** NumPy's float32 1024² product in a child python3 (the machine's BLAS on every core), once per run. */
function numpyMatmul(ctx: BenchContext): Promise<BenchRecord> {
  return once(ctx, 'numpy_matmul', () => {
    const found = findPython('numpy');
    if ('missing' in found) return { name: 'numpy_matmul', ms: NaN, gflops: null, path: 'numpy', missing: found.missing };
    const r = runPythonJson(found.python, 'bench-numpy.py', ['1024', String(Math.max(ctx.repeat, 5))]);
    return { name: 'numpy_matmul', ms: r.ms as number, ...r, path: 'numpy' };
  });
}

const numpyMatmulBench: Benchmark = {
  name: 'numpy_matmul',
  async run(ctx) {
    return [await numpyMatmul(ctx)];
  },
};

/** A kernel's rate as a fraction of the backend's matmul rate and of NumPy's (null where NumPy is missing). */
async function fractions(ctx: BenchContext, rate: number): Promise<{ of_backend: number; of_numpy: number | null }> {
  const backend = await backendMatmul(ctx);
  const numpy = await numpyMatmul(ctx);
  return { of_backend: rate / backend.gflops, of_numpy: typeof numpy.gflops === 'number' ? rate / numpy.gflops : null };
}

/**
 * Gradient (forward + backward + update: one training step), H v, I v and the NTK Gram on the
 * Figure-1 network. FLOPs are those of the algorithm (2 per multiply-add of each matrix product):
 *   forward 2N·Σ n_ℓ n_{ℓ+1}; backward the same for weight gradients plus 2N·Σ_{ℓ≥1} for signals;
 *   H v: forward-mode 2N(Σ + Σ_{ℓ≥1}), its reverse pass 2N(Σ + 3Σ_{ℓ≥1}) (the base passes are cached);
 *   I v: forward-mode, then an ordinary backward pass;
 *   Θ̂: one signal pass per output, then per layer two N×N Gram products.
 */
const passes: Benchmark = {
  name: 'passes',
  produces: ['gradient', 'hvp', 'ivp', 'ntk_gram'],
  async run(ctx) {
    const { repeat } = ctx;
    // The reference rates first, so that they are measured before (not between) the kernels.
    await backendMatmul(ctx);
    await numpyMatmul(ctx);
    const f = figure1();
    const { net, N, macs, hiddenMacs } = f;
    const lossAt = () => evaluateLoss(mse, net.outputs(), f.targets, N, 1);
    const params = net.parameterVector();
    const out: BenchRecord[] = [];
    const stepMs = timeMedian(repeat, () => trainingStep(f));
    out.push({ name: 'gradient', ms: stepMs, gflops: gflops(gradientFlops(f), stepMs), what: 'forward + backward + update' });
    net.setParameters(params);
    const curv = new Curvature(net, lossAt());
    const v = new Rng(1).fillNormal(new Float32Array(net.P));
    const hvpMs = timeMedian(repeat, () => curv.hvp(v));
    out.push({ name: 'hvp', ms: hvpMs, gflops: gflops(2 * N * (2 * macs + 4 * hiddenMacs), hvpMs), gradients: hvpMs / stepMs });
    const ivpMs = timeMedian(repeat, () => curv.ivp(v));
    out.push({ name: 'ivp', ms: ivpMs, gflops: gflops(2 * N * (2 * macs + 2 * hiddenMacs), ivpMs), gradients: ivpMs / stepMs });
    curv.dispose();
    const ntkMs = timeMedian(Math.max(1, Math.min(repeat, 3)), () => ntkGram(net));
    const widths = f.spec.widths;
    const gramFlops = widths.slice(0, -1).reduce((s, n, l) => s + 2 * N * N * (n + widths[l + 1]), 0) + 2 * N * hiddenMacs;
    out.push({ name: 'ntk_gram', ms: ntkMs, gflops: gflops(gramFlops, ntkMs), N });
    net.dispose();
    for (const r of out) Object.assign(r, await fractions(ctx, r.gflops as number));
    return out;
  },
};

/** A full measurement's moment estimates at initialization: applications and relative standard errors. */
const moments: Benchmark = {
  name: 'moments',
  async run() {
    const f = figure1();
    const settings: MeasureConfig = { points: 2, spacing: 'log', moments: 4, probes: 30, top: 20, bottom: 0, density: 0, orthogonality: false, theory: false, layers: false, exact: false };
    const t0 = performance.now();
    const m = takeMeasurement({ net: f.net, targets: f.targets, loss: mse, settings, trial: 0, step: 0, t: 0, rng: new Rng(2) });
    const ms = performance.now() - t0;
    const r = m.record;
    const rel = (A: 'H' | 'I' | 'S') => r.moments[A].map((x, k) => (r.moments_stderr[A][k] === 0 ? 0 : r.moments_stderr[A][k] / Math.abs(x)));
    f.net.dispose();
    return [{ name: 'moments', ms, applications: r.applications, rel_stderr: { H: rel('H'), I: rel('I'), S: rel('S') }, probes: 30, top: 20 }];
  },
};

/** Top-20 eigenvalues of H to 1e-4 relative residual; the residuals are verified by applying H. */
const lanczosTop20: Benchmark = {
  name: 'lanczos_top20',
  async run() {
    const f = figure1();
    const curv = new Curvature(f.net, evaluateLoss(mse, f.net.outputs(), f.targets, f.N, 1));
    const H = countingOperator(curv.operators().H);
    const t0 = performance.now();
    const eig = lanczosEigs(H, { k: 20, tol: 1e-4, verify: true, rng: new Rng(3) });
    const ms = performance.now() - t0;
    const rel = Array.from(eig.trueResiduals ?? eig.residuals).map((res, j) => res / Math.abs(eig.eigenvalues[j]));
    curv.dispose();
    f.net.dispose();
    return [{ name: 'lanczos_top20', ms, applications: eig.applications, max_rel_residual: Math.max(...rel), converged: eig.allConverged, top: eig.eigenvalues[0] }];
  },
};

/** All infinite-width kernels for the Figure-1 data (N = 256) at depth 4 (target ≤ 2 s), per activation. */
const kernels: Benchmark = {
  name: 'kernels',
  async run({ repeat }) {
    const data = buildDataset({ source: 'mnist', samples: 256, size: 14, digits: [], target: 'parity', normalize: true, noise: 0 }, 0, loadMnistDigits());
    return ['smooth_relu', 'normalized_smooth_relu', 'tanh', 'arctan'].map((name) => {
      const activation = builtinActivation(name);
      const ms = timeMedian(Math.min(repeat, 3), () => infiniteWidthKernels(data.inputs, data.inputDim, { depth: 4, beta: 0.1, activation }));
      return { name: 'kernels', ms, activation: name, N: data.N, depth: 4 };
    });
  },
};

/** The MSE predictions (path-wise and expected, k ≤ 4) at 100 measurement times, N = 256. */
const predictions: Benchmark = {
  name: 'predictions',
  async run({ repeat }) {
    const data = buildDataset({ source: 'mnist', samples: 256, size: 14, digits: [], target: 'parity', normalize: true, noise: 0 }, 0, loadMnistDigits());
    const k = infiniteWidthKernels(data.inputs, data.inputDim, { depth: 3, beta: 0.1, activation: builtinActivation('smooth_relu') });
    const steps = Array.from({ length: 100 }, (_, i) => Math.round(Math.pow(1000, i / 99)) + i);
    const rng = new Rng(5);
    const Y0 = rng.fillNormal(new Float64Array(data.N));
    const G0 = rng.fillNormal(new Float64Array(data.N));
    const common = { target: data.targets, nL: 1, eta: 1, steps, kmax: 4 };
    const ms = timeMedian(Math.min(repeat, 3), () => {
      const setup = mseSetup(k);
      msePathwisePrediction(setup, { ...common, Y0, G0 });
      mseExpectedPrediction(setup, k, common);
    });
    return [{ name: 'predictions', ms, times: steps.length, N: data.N, loss: 'mse' }];
  },
};

/**
 * In order: reference rates, kernels, the threaded build's 1 against n threads, theory, the
 * measurement, the baselines, the PyTorch reference, whole runs, the panel. (Imported here, not at the top: those modules import helpers from this one.)
 */
export function allBenchmarks(): readonly Benchmark[] {
  return [matmul, numpyMatmulBench, passes, paths, elementwise, wasmThreads, kernels, predictions, moments, measurementFig1, lanczosTop20, momentsBaseline, powerTop20, torchHvp, multiTrial, eventLoop, memory, panelFrame, extensionLoad];
}
