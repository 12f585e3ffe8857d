/**
 * The least-squares fits and the width grouping behind every log–log slope the product reports
 * (sweep-summary.json's widthSlopes, the panel's deviation chart, the validation's NTK drift).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearFit, logLogFit } from '../../src/analysis/fit';
import { groupLabel, widthGroups, widthSlope, widthValue } from '../../src/analysis/widthGroups';

test('linearFit: an exact line comes back exactly; noise symmetric about it leaves it unchanged, with its slope error', () => {
  const xs = [1, 2, 4, 8].map(Math.log);
  const line = linearFit(xs, xs.map((x) => 0.3 - 0.5 * x))!;
  assert.ok(Math.abs(line.slope + 0.5) < 1e-15, `slope ${line.slope}`);
  assert.ok(Math.abs(line.intercept - 0.3) < 1e-15, `intercept ${line.intercept}`);
  assert.ok(line.slopeStderr < 1e-15);
  // y = 1 + 2x with residuals +1, −1, −1, +1 at x = 0, 1, 2, 3: orthogonal to 1 and x, so the fit is y = 1 + 2x;
  // residual sum of squares 4 over n − 2 = 2 and Σ(x − x̄)² = 5: slope error √(2/5).
  const noisy = linearFit([0, 1, 2, 3], [2, 2, 4, 8])!;
  assert.deepEqual([noisy.slope, noisy.intercept], [2, 1]);
  assert.ok(Math.abs(noisy.slopeStderr - Math.sqrt(2 / 5)) < 1e-15);
});

test('linearFit: x that does not vary, or fewer than two points, is no fit; logLogFit skips non-positive points and its slope does not depend on the base', () => {
  assert.equal(linearFit([1, 1], [2, 3]), undefined);
  assert.equal(linearFit([1], [2]), undefined);
  const points = [10, 100, 1000].map((x) => ({ x, y: 3 * x ** -0.5 }));
  const fit = logLogFit([...points, { x: 50, y: 0 }, { x: -1, y: 1 }])!;
  assert.equal(fit.n, 3);
  assert.ok(Math.abs(fit.slope + 0.5) < 1e-14);
  const natural = linearFit(points.map((p) => Math.log(p.x)), points.map((p) => Math.log(p.y)))!;
  assert.ok(Math.abs(natural.slope - fit.slope) < 1e-14);
});

test('width groups: runs split by their other varied settings, labelled as the legend shows them; the slope needs two widths', () => {
  const runs = [
    { varied: { width: 100, activation: 'tanh' }, y: 0.4 },
    { varied: { width: 400, activation: 'tanh' }, y: 0.2 },
    { varied: { width: 100, activation: 'erf' }, y: 0.3 },
    { varied: { width: [400, 200], activation: 'erf' }, y: 0.15 },
    { varied: { width: 50, activation: 'sin' }, y: 0.1 },
  ];
  const groups = widthGroups(runs, (r) => r.varied);
  assert.deepEqual(
    groups.map((g) => [g.label, g.members.length]),
    [
      ['activation = tanh', 2],
      ['activation = erf', 2],
      ['activation = sin', 1],
    ],
  );
  assert.equal(widthValue([400, 200]), 400, 'a list of hidden widths is named by its largest');
  assert.equal(widthValue('wide'), undefined);
  const slope = (label: string) => widthSlope(groups.find((g) => g.label === label)!.members.map((r) => ({ width: widthValue(r.varied.width)!, y: r.y })));
  assert.ok(Math.abs(slope('activation = tanh')!.slope + 0.5) < 1e-14);
  assert.ok(Math.abs(slope('activation = erf')!.slope + 0.5) < 1e-14);
  assert.equal(slope('activation = sin'), undefined);
  assert.equal(groupLabel({}), '');
  assert.equal(groupLabel({ depth: 3, widths: [1, 2] }), 'depth = 3, widths = 1–2');
});
