import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preferredFit, widthLimit, type WidthPoint } from '../../src/analysis/widthLimit';
import { Rng } from '../../src/engine/rng';

// The sweep's own limit (analysis/widthLimit.ts) on synthetic sweeps whose limit is known:
// m(n) = m∞ + c·n^(−p) exactly, then with Gaussian noise of stated standard errors (fixed seeds).

const WIDTHS = [125, 250, 500, 1000, 2000];
const exactly = (limit: number, c: number, p: number, widths = WIDTHS, stderr = (n: number) => 0.01 * n ** -0.25): WidthPoint[] =>
  widths.map((n) => ({ width: n, mean: limit + c * n ** -p, stderr: stderr(n) }));

test('noise-free sweeps of either exponent give back their limit and slope, and the right exponent fits better', () => {
  for (const [p, other] of [[0.5, 1], [1, 0.5]] as const) {
    for (const [limit, c] of [[3, 2], [-0.7, 40], [0, -5], [1e4, 3e3]]) {
      const fit = widthLimit(exactly(limit, c, p))!;
      const right = fit.fits.find((f) => f.exponent === p)!;
      const wrong = fit.fits.find((f) => f.exponent === other)!;
      assert.ok(Math.abs(right.limit - limit) <= 1e-9 * Math.max(1, Math.abs(limit), Math.abs(c)), `p = ${p}: limit ${right.limit}, want ${limit}`);
      assert.ok(Math.abs(right.slope - c) <= 1e-7 * Math.abs(c), `p = ${p}: slope ${right.slope}, want ${c}`);
      assert.ok(right.chi2 < 1e-12 * wrong.chi2 + 1e-18, `p = ${p}: χ² ${right.chi2} against ${wrong.chi2}`);
      assert.equal(fit.better, p);
      assert.equal(preferredFit(fit), right);
      assert.equal(right.dof, WIDTHS.length - 2);
      assert.ok(right.weighted);
    }
  }
});

test('the standard error is honest: over 2000 noisy sweeps, m∞ lies within 1.96 s.e. of the true limit about 95% of the time', () => {
  const rng = new Rng(20261203, 'width-limit-coverage');
  for (const p of [0.5, 1]) {
    let inside = 0;
    let pullSum = 0;
    const R = 2000;
    for (let r = 0; r < R; r++) {
      const points = exactly(3, 2, p).map((q) => ({ ...q, mean: q.mean + q.stderr * rng.normal() }));
      const f = widthLimit(points)!.fits.find((x) => x.exponent === p)!;
      const pull = (f.limit - 3) / f.stderr;
      pullSum += pull;
      if (Math.abs(pull) <= 1.96) inside++;
    }
    // With the Birge ratio (never below 1) the interval can only widen: coverage ≥ 95% minus sampling
    // error (binomial s.e. at R = 2000: 0.5%), and not much more (the scaling is 1 for half the sweeps).
    const coverage = inside / R;
    assert.ok(coverage > 0.94 && coverage < 0.99, `p = ${p}: coverage ${coverage}`);
    assert.ok(Math.abs(pullSum / R) < 0.08, `p = ${p}: mean pull ${pullSum / R}`);
  }
});

test('a wrong exponent is not hidden: the scatter it leaves widens its error bar (χ²/dof scaling)', () => {
  const points = exactly(3, 2, 1, WIDTHS, () => 1e-4);
  const fit = widthLimit(points)!;
  const wrong = fit.fits.find((f) => f.exponent === 0.5)!;
  const raw = Math.sqrt(wrong.stderr ** 2 / (wrong.chi2 / wrong.dof));
  assert.ok(wrong.chi2 / wrong.dof > 10, `χ²/dof ${wrong.chi2 / wrong.dof}`);
  assert.ok(wrong.stderr > 3 * raw);
  assert.equal(fit.better, 1);
});

test('two widths: both fits pass through the points, neither is preferred; one width or a non-finite mean: no fit', () => {
  const two = widthLimit([
    { width: 100, mean: 2, stderr: 0.1 },
    { width: 400, mean: 1.5, stderr: 0.1 },
  ])!;
  assert.equal(two.better, null);
  // p = 1/2: m = m∞ + c/√n through (100, 2) and (400, 1.5): c(1/10 − 1/20) = 0.5, so c = 10, m∞ = 1.
  const half = two.fits.find((f) => f.exponent === 0.5)!;
  assert.ok(Math.abs(half.limit - 1) < 1e-12 && Math.abs(half.slope - 10) < 1e-10);
  assert.equal(half.dof, 0);
  // Its error is propagated from the two means: m∞ = 2·m(400) − m(100), so s.e. = √(4 + 1)·0.1.
  assert.ok(Math.abs(half.stderr - Math.sqrt(5) * 0.1) < 1e-12);
  assert.equal(widthLimit([{ width: 100, mean: 2, stderr: 0.1 }, { width: 100, mean: 2.1, stderr: 0.1 }]), undefined);
  assert.equal(widthLimit([{ width: 100, mean: 2, stderr: 0.1 }, { width: 200, mean: NaN, stderr: 0.1 }]), undefined);
});

test('means without a usable standard error are fitted unweighted, with the error from the residuals (three widths or more)', () => {
  const rng = new Rng(5, 'width-limit-unweighted');
  const points = exactly(3, 2, 0.5).map((q) => ({ ...q, mean: q.mean + 0.01 * rng.normal(), stderr: 0 }));
  const f = widthLimit(points)!.fits[0];
  assert.equal(f.weighted, false);
  assert.ok(Number.isFinite(f.stderr) && f.stderr > 0);
  assert.ok(Math.abs(f.limit - 3) < 5 * f.stderr);
  const two = widthLimit(points.slice(0, 2))!.fits[0];
  assert.ok(Number.isNaN(two.stderr));
});
