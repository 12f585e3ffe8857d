import { builtinActivation } from '../../src/catalogue/activations';
import type { Activation } from '../../src/catalogue/activation';
import { initialParameters, type NetworkSpec } from '../../src/engine/network/spec';
import { Rng } from '../../src/engine/rng';

/** A small random network and data set for tests that compare passes against references. */
export function smallProblem(opts: {
  widths: number[];
  activation?: string | Activation;
  beta?: number;
  parametrization?: 'ntk' | 'mean_field';
  N: number;
  seed?: number;
}): { spec: NetworkSpec; params: Float64Array; inputs: Float64Array; targets: Float64Array } {
  const activation = typeof opts.activation === 'object' ? opts.activation : builtinActivation(opts.activation ?? 'smooth_relu');
  const spec: NetworkSpec = { widths: opts.widths, activation, beta: opts.beta ?? 0.1, parametrization: opts.parametrization ?? 'ntk' };
  const rng = new Rng(opts.seed ?? 1, 'test');
  const params = initialParameters(spec, rng);
  const n0 = opts.widths[0];
  const nL = opts.widths[opts.widths.length - 1];
  const inputs = rng.fillNormal(new Float64Array(opts.N * n0));
  const targets = rng.fillNormal(new Float64Array(opts.N * nL));
  return { spec, params, inputs, targets };
}

/** max |a − b| / max(|b|_∞, floor). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  let num = 0;
  let den = floor;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}
