import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_ACTIVATIONS, builtinActivation } from '../../../src/catalogue/activations';
import { infiniteWidthKernels, type InfiniteWidthKernels } from '../../../src/engine/theory/kernels';
import { KERNEL_NAMES, hardInputs, matrixError, normalizedInputs } from './fixtures';

/** Largest relative (to each matrix's scale) difference over the eight kernels. */
function kernelsError(a: InfiniteWidthKernels, b: InfiniteWidthKernels): number {
  return Math.max(...KERNEL_NAMES.map((name) => matrixError(a[name], b[name])));
}

// Normalized inputs (‖x‖² = n0) with ρ ≈ 1 and ρ = −1 pairs, β = 0.1: the setting the built-in degrees are tuned for.
const X = hardInputs(8, 3, 5);

test('every smooth built-in: depth-4 kernels at the built-in degree are within 1e-6 of a degree-400 reference, without raising the degree', () => {
  for (const name of BUILTIN_ACTIVATIONS.filter((n) => n !== 'relu')) {
    const act = builtinActivation(name);
    const k = infiniteWidthKernels(X, 3, { depth: 4, beta: 0.1, activation: act });
    const reference = infiniteWidthKernels(X, 3, { depth: 4, beta: 0.1, activation: act, degree: 400, tabulate: 'never' });
    assert.deepEqual(k.quadrature.degrees, [act.quadratureDegree, act.quadratureDegree, act.quadratureDegree], name);
    const error = kernelsError(k, reference);
    assert.ok(error < 1e-6, `${name} at degree ${act.quadratureDegree}: relative error ${error}`);
  }
});

test('quadrature converges with the degree: softplus, tanh, arctan errors shrink from 10 to 20 to 40 to 80 points', () => {
  // Measured: softplus 1e-4 → 1e-7 → 4e-12; tanh 6e-2 → 6e-3 → 1e-4 → 2e-7; arctan 1e-1 → 2e-2 → 1e-3 → 2e-5.
  const bounds: Record<string, number> = { smooth_relu: 1e-10, tanh: 1e-6, arctan: 1e-4 };
  for (const name of ['smooth_relu', 'tanh', 'arctan']) {
    const act = builtinActivation(name);
    const reference = infiniteWidthKernels(X, 3, { depth: 4, beta: 0.1, activation: act, degree: 400, tabulate: 'never' });
    const errors = [10, 20, 40, 80].map((degree) =>
      kernelsError(infiniteWidthKernels(X, 3, { depth: 4, beta: 0.1, activation: act, degree, tabulate: 'never' }), reference),
    );
    for (let i = 1; i < errors.length; i++) assert.ok(errors[i] < errors[i - 1] / 3, `${name}: ${errors.join(', ')}`);
    assert.ok(errors[errors.length - 1] < bounds[name], `${name} at degree 80: ${errors[errors.length - 1]}`);
  }
});

test('larger variances (‖x‖² = 4 n0) raise the degree adaptively, and the kernels stay within 1e-6 of a degree-900 reference', () => {
  const wide = normalizedInputs(5, 3, 6, 4);
  const act = builtinActivation('tanh');
  const k = infiniteWidthKernels(wide, 3, { depth: 3, beta: 0.1, activation: act });
  assert.ok(k.quadrature.degrees[0] > act.quadratureDegree, `degrees ${k.quadrature.degrees}`);
  assert.equal(k.warnings.length, 0);
  const reference = infiniteWidthKernels(wide, 3, { depth: 3, beta: 0.1, activation: act, degree: 900, tabulate: 'never' });
  const fixed = infiniteWidthKernels(wide, 3, { depth: 3, beta: 0.1, activation: act, degree: act.quadratureDegree });
  assert.ok(kernelsError(k, reference) < 1e-6, `adaptive: ${kernelsError(k, reference)}`);
  // Why the adaptation matters: at the built-in degree the error is far above the target.
  assert.ok(kernelsError(fixed, reference) > 1e-4, `fixed: ${kernelsError(fixed, reference)}`);
});
