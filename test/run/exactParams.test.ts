import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRun } from '../../src/run/readStore';
import type { ParamsFile } from '../../src/run/params';
import { orNaN, type MeasurementRecord } from '../../src/contracts/engineMessages';
import { denseEigen } from '../../src/engine/linalg/denseEigen';
import { runText, tempDir, tinyExperiment } from './helpers';

// A run on the exact path, checked against code that shares nothing with the engine: a plain float64
// forward pass written here from params-*.json, and finite-difference Hessians of that forward pass.

/** softplus network from the exported file: a(0) = x; z = W a/√n + β b; a = softplus(z); f = z(L). */
function forward(p: ParamsFile, x: number[]): number[] {
  let a = x;
  p.layers.forEach((layer, l) => {
    const z = layer.W.map((row, k) => row.reduce((s, w, m) => s + (w * a[m]) / Math.sqrt(a.length), 0) + p.beta * layer.b[k]);
    a = l === p.layers.length - 1 ? z : z.map((v) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v))));
  });
  return a;
}

function mseLoss(p: ParamsFile): number {
  const N = p.inputs.length;
  let s = 0;
  p.inputs.forEach((x, i) => forward(p, x).forEach((y, k) => (s += (y - p.targets[i][k]) ** 2)));
  return s / (2 * N);
}

/** The parameters as one list (W row by row, then b, per layer), and back. */
function flatten(p: ParamsFile): number[] {
  return p.layers.flatMap((l) => [...l.W.flat(), ...l.b]);
}
function withFlat(p: ParamsFile, theta: number[]): ParamsFile {
  let o = 0;
  const layers = p.layers.map((l) => {
    const W = l.W.map((row) => row.map(() => theta[o++]));
    const b = l.b.map(() => theta[o++]);
    return { W, b };
  });
  return { ...p, layers };
}

test('exact = true with --save-params: the recorded loss and moments are reproduced by an independent float64 network', async () => {
  const out = join(tempDir(), 'run');
  const outcome = await runText(tinyExperiment({ trials: 1, exact: 'true', steps: 10, points: 2, network: 'depth = 2; width = 6' }), { out, workers: 1, saveParams: true });
  assert.equal(outcome.status, 'finished');
  const final = JSON.parse(readFileSync(join(out, 'params-final.json'), 'utf8')) as ParamsFile;
  const initial = JSON.parse(readFileSync(join(out, 'params-initial.json'), 'utf8')) as ParamsFile;
  assert.equal(final.format, 'ntkexp-params/1');
  assert.equal(final.activation.name, 'smooth_relu');
  assert.equal(final.layers[0].W.length, 6, 'W is n_out rows');
  assert.equal(final.layers[0].W[0].length, 2, 'of n_in numbers');
  const records = readRun(out).records.filter((r): r is MeasurementRecord & { trial: number } => r.type === 'measurement');
  const [first, last] = records;
  assert.equal(first.exact, true);
  // The loss of the exported network, computed from scratch, is the recorded loss.
  const [firstLoss, lastLoss] = [orNaN(first.loss), orNaN(last.loss)];
  assert.ok(Math.abs(mseLoss(initial) - firstLoss) < 1e-6 * firstLoss, `initial loss ${mseLoss(initial)} vs ${firstLoss}`);
  assert.ok(Math.abs(mseLoss(final) - lastLoss) < 1e-6 * lastLoss, `final loss ${mseLoss(final)} vs ${lastLoss}`);
  // H by central differences of the loss (P = 6·2 + 6 + 6 + 1 = 25): its eigenvalue power sums are Tr(H^k).
  const theta = flatten(final);
  const P = theta.length;
  const h = 1e-4;
  const L = (t: number[]): number => mseLoss(withFlat(final, t));
  const H = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let j = i; j < P; j++) {
      const at = (di: number, dj: number): number => {
        const t = theta.slice();
        t[i] += di;
        t[j] += dj;
        return L(t);
      };
      const v = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h);
      H[i * P + j] = v;
      H[j * P + i] = v;
    }
  }
  const values = denseEigen(H, P).values;
  for (let k = 1; k <= 4; k++) {
    const expected = values.reduce((s, x) => s + x ** k, 0);
    const scale = values.reduce((s, x) => s + Math.abs(x) ** k, 0);
    assert.ok(Math.abs(orNaN(last.moments.H[k - 1]) - expected) < 1e-4 * scale, `Tr(H^${k}) ${last.moments.H[k - 1]} vs ${expected}`);
    // The exact path's error bar is its float64 rounding bound only (k·P·u·‖H‖·Σ|λ|^{k−1}): tiny, not 0.
    const se = orNaN(last.moments_stderr.H[k - 1]);
    assert.ok(se > 0 && se < 1e-12 * scale * P, `Tr(H^${k}) stderr ${se}`);
    assert.equal(last.moments_rounding?.H[k - 1], se, 'all of it is rounding');
  }
});
