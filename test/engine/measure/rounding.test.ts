import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TfNetwork } from '../../../src/engine/network/tfNetwork';
import { takeMeasurement } from '../../../src/engine/measure/measure';
import { builtinLoss } from '../../../src/catalogue/losses';
import { evaluateLoss } from '../../../src/engine/loss/loss';
import type { MeasureConfig } from '../../../src/engine/config';
import type { Written } from '../../../src/contracts/checks';
import type { MeasurementRecord as Record_ } from '../../../src/contracts/engineMessages';

/** What the engine hands its hooks in process: plain numbers. */
type MeasurementRecord = Written<Record_>;
import { Rng } from '../../../src/engine/rng';
import { studentTQuantile } from '../../../src/engine/linalg/stats';
import { setupBackend } from '../../helpers/backend';
import { smallProblem } from '../../helpers/nets';

// Coverage of the matrix-free (float32) error bars against the dense float64 exact path, over fixed
// seeds, in the two regimes the estimator meets: a sketch that captures nearly everything (the probes'
// remainder is tiny, the float32 arithmetic is the error: the regime where the old, statistics-only
// error bars were 2500× too small) and a one-vector sketch with few probes (the sampling error
// dominates). Every moment of H, I and S is compared, in standard errors z = (estimate − exact)/s.e.

before(async () => {
  await setupBackend();
});

const base: MeasureConfig = { points: 2, spacing: 'log', moments: 4, probes: 30, top: 10, bottom: 0, density: 0, orthogonality: false, theory: false, layers: false, exact: false };

const regimes = {
  // 30 Ritz vectors at each end of S and 30 of H, of P = 85: nearly everything is deflated and what the
  // probes see is a small bulk (a small network, so that Lanczos stays cheap).
  'tiny stochastic part': { settings: { ...base, top: 30, probes: 30 }, widths: [4, 8, 5, 1] },
  // One Ritz vector and 10 probes on P = 453.
  'dominant stochastic part': { settings: { ...base, top: 1, probes: 10 }, widths: [4, 20, 16, 1] },
};

interface Z {
  readonly name: string;
  readonly z: number;
  /** z had the error bar been the sampling error alone. */
  readonly zStatistical: number;
  readonly roundingShare: number;
  /** Estimated by the probes (k ≥ 2 of H and S), not from Θ̂ or Gᵀ∇C. */
  readonly sampled: boolean;
}

function zScores(free: MeasurementRecord, exact: MeasurementRecord): Z[] {
  const out: Z[] = [];
  for (const A of ['H', 'I', 'S'] as const) {
    for (let k = 0; k < 4; k++) {
      const se = free.moments_stderr[A][k];
      const rounding = free.moments_rounding![A][k];
      const statistical = Math.sqrt(Math.max(se * se - rounding * rounding, 0));
      const error = free.moments[A][k] - exact.moments[A][k];
      out.push({ name: `Tr(${A}^${k + 1})`, z: error / se, zStatistical: error / statistical, roundingShare: rounding / se, sampled: A !== 'I' && k > 0 });
    }
  }
  return out;
}

for (const [regime, { settings, widths }] of Object.entries(regimes)) {
  test(`float32 error bars cover the float64 moments over fixed seeds (${regime})`, () => {
    const all: Z[] = [];
    for (const [netSeed, activation] of [[41, 'smooth_relu'], [42, 'tanh'], [43, 'smooth_relu'], [44, 'tanh']] as const) {
      const N = 12;
      const { spec, params, inputs, targets } = smallProblem({ widths, activation, N, seed: netSeed });
      const net = new TfNetwork(spec, params, inputs);
      const loss = builtinLoss('mse');
      // Train a little, so that Y − Y* is small and S is not at its initial special point.
      for (let s = 0; s < 40; s++) net.step(0.5, evaluateLoss(loss, net.outputs(), targets, N, 1).gradient);
      const args = { net, targets, loss, trial: 0, step: 40, t: 20 };
      const exact = takeMeasurement({ ...args, settings: { ...settings, exact: true }, rng: new Rng(0) }).record;
      for (let seed = 0; seed < 6; seed++) all.push(...zScores(takeMeasurement({ ...args, settings, rng: new Rng(seed, 'coverage') }).record, exact));
      net.dispose();
    }
    const rms = Math.sqrt(all.reduce((s, e) => s + e.z * e.z, 0) / all.length);
    const within2 = all.filter((e) => Math.abs(e.z) <= 2).length / all.length;
    const worst = all.reduce((a, b) => (Math.abs(b.z) > Math.abs(a.z) ? b : a));
    const worstStatistical = all.filter((e) => e.sampled).reduce((a, b) => (Math.abs(b.zStatistical) > Math.abs(a.zStatistical) ? b : a));
    const roundingLimited = all.filter((e) => e.roundingShare > 0.5).length / all.length;
    console.log(
      `# ${regime}: ${all.length} moments, RMS z ${rms.toFixed(2)}, |z| ≤ 2 for ${(100 * within2).toFixed(1)}%, worst ${worst.name} z = ${worst.z.toFixed(2)}; ` +
        `rounding-limited ${(100 * roundingLimited).toFixed(0)}%; with the sampling error alone the worst would be ${worstStatistical.name} z = ${worstStatistical.zStatistical.toFixed(1)}`,
    );
    // The intervals cover. A sampled moment's z is Student-t with probes − 1 degrees of freedom (its
    // s.e. is itself estimated); the rounding part is a bound, so coverage at or above nominal:
    //  - at least 90% within the two-sided 95% t quantile (2.26 for 10 probes, 2.05 for 30),
    //  - none beyond the 1e-3 family-wise quantile over all moments (Bonferroni),
    //  - RMS at most 1.5 (a t with 9 degrees of freedom has RMS 1.13).
    const dof = settings.probes - 1;
    const t95 = studentTQuantile(0.975, dof);
    const tFamily = studentTQuantile(1 - 0.001 / (2 * all.length), dof);
    const covered = all.filter((e) => Math.abs(e.z) <= t95).length / all.length;
    console.log(`# ${regime}: within t(0.975, ${dof}) = ${t95.toFixed(2)}: ${(100 * covered).toFixed(1)}%; family-wise bound ${tFamily.toFixed(2)}`);
    assert.ok(Math.abs(worst.z) <= tFamily, `${worst.name}: ${worst.z.toFixed(2)} s.e. from the float64 value (bound ${tFamily.toFixed(2)})`);
    assert.ok(covered >= 0.9, `only ${(100 * covered).toFixed(1)}% within ${t95.toFixed(2)} s.e.`);
    assert.ok(rms <= 1.5, `RMS z ${rms.toFixed(2)}`);
  });
}

test('where the probes leave little, the rounding bound is what makes the error bars honest', () => {
  // The tiny-remainder regime again on one network: without the rounding part, some moment falls many
  // "standard errors" from the float64 value (the failure of issue 16); with it, none does.
  const N = 12;
  const { settings, widths } = regimes['tiny stochastic part'];
  const { spec, params, inputs, targets } = smallProblem({ widths, activation: 'smooth_relu', N, seed: 41 });
  const net = new TfNetwork(spec, params, inputs);
  const loss = builtinLoss('mse');
  for (let s = 0; s < 40; s++) net.step(0.5, evaluateLoss(loss, net.outputs(), targets, N, 1).gradient);
  const args = { net, targets, loss, trial: 0, step: 40, t: 20 };
  const exact = takeMeasurement({ ...args, settings: { ...settings, exact: true }, rng: new Rng(0) }).record;
  const z = zScores(takeMeasurement({ ...args, settings, rng: new Rng(0, 'coverage') }).record, exact);
  const statisticalWorst = Math.max(...z.filter((e) => e.sampled).map((e) => Math.abs(e.zStatistical)));
  assert.ok(statisticalWorst > 4, `the sampling error alone covered every moment (worst ${statisticalWorst.toFixed(1)}): this network no longer tests the floor`);
  assert.ok(z.every((e) => Math.abs(e.z) <= 4));
  net.dispose();
});
