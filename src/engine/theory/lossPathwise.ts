/**
 * Predictions for one trial under any loss (BCE, softmax cross-entropy, custom; MSE too), where the
 * dynamics has no closed form (THEORY.md §6):
 *
 *     ∂t Y = −Θ ∇C(Y),      ∂t G = −Λ ∇C(Y)        (∂t G(x) = −Σ_x' Λ(x, x') ∇C(x'))
 *
 * 'discrete' (default) iterates the exact gradient-descent map of the linearized network,
 * Y_{s+1} = Y_s − η Θ ∇C(Y_s), G_{s+1} = G_s − η Λ ∇C(Y_s), which is what a run's step s compares
 * with. 'flow' integrates the ODE to t = η · step by RK4 with step doubling: a step of h is accepted
 * when it and two steps of h/2 differ by at most `tolerance` × max(1, ‖z‖∞) (z = (Y, G)), so the
 * local error of the accepted half-steps is about a fifteenth of that; or, with `step`, by fixed steps
 * of at most that size. Moments at each state come from `lossMoments.ts`.
 */
import { evaluateLoss } from '../loss/loss';
import type { SampleLoss } from '../../catalogue/losses';
import { dot } from '../linalg/operator';
import { matmul } from '../linalg/dense';
import type { InfiniteWidthKernels } from './kernels';
import { lossGramMoments, outputQuadratic } from './lossMoments';
import {
  checkShape,
  checkSteps,
  momentSeries,
  type MomentSeries,
  type PredictionSchedule,
  type StepMoments,
  type TrialStart,
} from './momentSeries';

export type PathKernels = Pick<InfiniteWidthKernels, 'N' | 'theta' | 'lambdaKernel' | 'upsilon'>;

export interface LossPathInput extends PredictionSchedule, TrialStart {
  readonly loss: SampleLoss;
  /** Flow only: RK4 tolerance (default 1e-10), or a fixed RK4 step in t. */
  readonly flow?: { readonly tolerance?: number; readonly step?: number };
}

export interface LossPathPrediction extends MomentSeries {
  readonly Y: Float64Array[];
  readonly G: Float64Array[];
  /** Gradient-descent iterations, or accepted RK4 steps. */
  readonly iterations: number;
  readonly warnings: string[];
}

export function lossPathwisePrediction(kernels: PathKernels, input: LossPathInput): LossPathPrediction {
  const { N } = kernels;
  const { nL, eta, steps, kmax, loss, target } = input;
  const mode = input.mode ?? 'discrete';
  checkSteps(steps, eta, kmax);
  checkShape('Y(0)', input.Y0, N, nL);
  checkShape('G(0)', input.G0, N, nL);
  checkShape('Y*', target, N, nL);
  const n = N * nL;

  /** The velocity of z = (Y, G) times `scale`: (−Θ∇C(Y), −Λ∇C(Y)) · scale. */
  const velocity = (z: Float64Array, scale: number) => {
    const ev = evaluateLoss(loss, z.subarray(0, n), target, N, nL);
    const dz = new Float64Array(2 * n);
    dz.set(matmul(kernels.theta, ev.gradient, N, N, nL), 0);
    dz.set(matmul(kernels.lambdaKernel, ev.gradient, N, N, nL), n);
    for (let p = 0; p < 2 * n; p++) dz[p] *= -scale;
    return dz;
  };

  const order = steps.map((s, idx) => ({ s, idx })).sort((a, b) => a.s - b.s);
  const states = new Array<Float64Array>(steps.length);
  let z: Float64Array = new Float64Array(2 * n);
  z.set(input.Y0, 0);
  z.set(input.G0, n);
  let iterations = 0;
  const warnings: string[] = [];

  if (mode === 'discrete') {
    let s = 0;
    for (const { s: until, idx } of order) {
      for (; s < until; s++) {
        const dz = velocity(z, eta);
        for (let p = 0; p < 2 * n; p++) z[p] += dz[p];
      }
      states[idx] = z.slice();
    }
    iterations = s;
  } else {
    const integrator = new Rk4((y) => velocity(y, 1), input.flow?.tolerance ?? 1e-10, input.flow?.step);
    let t = 0;
    for (const { s, idx } of order) {
      z = integrator.advance(z, t, eta * s);
      t = eta * s;
      states[idx] = z.slice();
    }
    iterations = integrator.accepted;
    if (integrator.floorHits > 0) warnings.push(`RK4 hit its smallest step ${integrator.floorHits} time(s); the tolerance was not met there`);
  }

  const rows: StepMoments[] = states.map((state) => {
    const Y = state.subarray(0, n);
    const G = state.subarray(n);
    const ev = evaluateLoss(loss, Y, target, N, nL);
    return {
      traceI: lossGramMoments(kernels.theta, ev, kmax),
      traceS: dot(G, ev.gradient),
      traceS2: outputQuadratic(kernels.upsilon, ev.gradient, N, nL),
      loss: ev.value,
    };
  });
  return {
    ...momentSeries(steps, eta, kmax, rows),
    Y: states.map((s) => s.slice(0, n)),
    G: states.map((s) => s.slice(n)),
    iterations,
    warnings,
  };
}

/** Classical RK4 for the autonomous ODE z' = v(z), adaptive by step doubling or with a fixed step. */
class Rk4 {
  accepted = 0;
  floorHits = 0;
  private h = 0;

  constructor(
    private readonly v: (z: Float64Array) => Float64Array,
    private readonly tolerance: number,
    private readonly fixedStep?: number,
  ) {
    if (fixedStep !== undefined && !(fixedStep > 0)) throw new RangeError(`RK4 step must be positive, got ${fixedStep}`);
    if (!(tolerance > 0)) throw new RangeError(`RK4 tolerance must be positive, got ${tolerance}`);
  }

  /** z at time `to` from z at time `from`. */
  advance(z: Float64Array, from: number, to: number): Float64Array {
    if (to <= from) return z;
    if (this.fixedStep !== undefined) {
      const count = Math.ceil((to - from) / this.fixedStep - 1e-12);
      const h = (to - from) / count;
      for (let i = 0; i < count; i++) z = this.step(z, h);
      this.accepted += count;
      return z;
    }
    let t = from;
    if (this.h === 0) this.h = (to - from) / 8;
    const floor = 1e-12 * Math.max(1, to);
    while (t < to) {
      const h = Math.min(this.h, to - t);
      const k1 = this.v(z);
      const full = this.step(z, h, k1);
      const half = this.step(this.step(z, h / 2, k1), h / 2);
      // Non-finite components (G under ReLU, whose Λ is NaN) carry no error information; skipping
      // them keeps Y, and Tr(I^k), integrable instead of stalling the step control.
      let diff = 0;
      let size = 1;
      for (let p = 0; p < z.length; p++) {
        const d = Math.abs(full[p] - half[p]);
        if (!Number.isFinite(d)) continue;
        diff = Math.max(diff, d);
        size = Math.max(size, Math.abs(half[p]));
      }
      const error = diff / size;
      const factor = error > 0 ? 0.9 * Math.pow(this.tolerance / error, 0.2) : 4;
      if (error <= this.tolerance || h <= floor) {
        if (error > this.tolerance) this.floorHits++;
        z = half;
        t = h === to - t ? to : t + h;
        this.accepted++;
        // A step shortened to land on `to` says nothing about the natural step size.
        if (h === this.h || factor < 1) this.h = h * Math.min(4, Math.max(0.2, factor));
      } else {
        this.h = Math.max(floor, h * Math.max(0.1, factor));
      }
    }
    return z;
  }

  /** One RK4 step of size h from z, with k1 = v(z) if already known. */
  private step(z: Float64Array, h: number, k1: Float64Array = this.v(z)): Float64Array {
    const m = z.length;
    const tmp = new Float64Array(m);
    for (let p = 0; p < m; p++) tmp[p] = z[p] + 0.5 * h * k1[p];
    const k2 = this.v(tmp);
    for (let p = 0; p < m; p++) tmp[p] = z[p] + 0.5 * h * k2[p];
    const k3 = this.v(tmp);
    for (let p = 0; p < m; p++) tmp[p] = z[p] + h * k3[p];
    const k4 = this.v(tmp);
    const out = new Float64Array(m);
    for (let p = 0; p < m; p++) out[p] = z[p] + (h / 6) * (k1[p] + 2 * k2[p] + 2 * k3[p] + k4[p]);
    return out;
  }
}
