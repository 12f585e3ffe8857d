import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leastSquaresLine, leastSquaresSlope } from '../../src/run/summary';

// The fit behind the width slopes (sweep summaries, validate's log-log slopes and extrapolations).

test('leastSquaresLine: an exact line comes back exactly; noise symmetric about it leaves it unchanged', () => {
  const exact = [1, 2, 4, 8].map((x) => [Math.log(x), 0.3 - 0.5 * Math.log(x)] as const);
  const line = leastSquaresLine(exact);
  assert.ok(Math.abs(line.slope + 0.5) < 1e-15, `slope ${line.slope}`);
  assert.ok(Math.abs(line.intercept - 0.3) < 1e-15, `intercept ${line.intercept}`);
  assert.equal(leastSquaresSlope(exact), line.slope);
  // y = 1 + 2x with residuals +1, −1, −1, +1 at x = 0, 1, 2, 3: orthogonal to 1 and x, so the fit is y = 1 + 2x.
  const noisy = [[0, 2], [1, 2], [2, 4], [3, 8]] as const;
  assert.deepEqual(leastSquaresLine(noisy), { slope: 2, intercept: 1 });
});

test('leastSquaresLine: x that does not vary gives a NaN slope, not a number', () => {
  const line = leastSquaresLine([[1, 2], [1, 3]]);
  assert.ok(Number.isNaN(line.slope));
  assert.ok(Number.isNaN(line.intercept));
});
