import type { TargetFunction } from '../../catalogue/target';
import type { Rng } from '../rng';

/** A data set before normalization and noise. */
export interface RawData {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly inputs: Float64Array;
  readonly targets: Float64Array;
  /** Class labels where the source has them (MNIST digits). */
  readonly labels?: Int32Array;
  /** One line for logs and reports, e.g. "mnist 14×14 (digits 0123456789), parity". */
  readonly description: string;
}

/** Points uniform on the unit disk (r = √u, so the density is uniform in area); target f(x1, x2). */
export function diskPoints(samples: number, target: TargetFunction, rng: Rng): RawData {
  const inputs = new Float64Array(samples * 2);
  const targets = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const r = Math.sqrt(rng.uniform());
    const angle = 2 * Math.PI * rng.uniform();
    const x1 = r * Math.cos(angle);
    const x2 = r * Math.sin(angle);
    inputs[2 * i] = x1;
    inputs[2 * i + 1] = x2;
    targets[i] = checkedTarget(target, { x1, x2 }, i);
  }
  return { inputDim: 2, outputDim: 1, inputs, targets, description: `disk, target ${target.text}` };
}

/** Points (cos γ, sin γ) at evenly spaced angles γ = 2πi/N; target f(γ). */
export function circlePoints(samples: number, target: TargetFunction): RawData {
  const inputs = new Float64Array(samples * 2);
  const targets = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const gamma = (2 * Math.PI * i) / samples;
    inputs[2 * i] = Math.cos(gamma);
    inputs[2 * i + 1] = Math.sin(gamma);
    targets[i] = checkedTarget(target, { gamma }, i);
  }
  return { inputDim: 2, outputDim: 1, inputs, targets, description: `circle, target ${target.text}` };
}

/** iid standard Gaussian inputs in R^dim; target f(x1, …, x_dim). */
export function gaussianPoints(samples: number, dim: number, target: TargetFunction, rng: Rng): RawData {
  const inputs = rng.fillNormal(new Float64Array(samples * dim));
  const targets = new Float64Array(samples);
  const vars: Record<string, number> = {};
  for (let i = 0; i < samples; i++) {
    for (let j = 0; j < dim; j++) vars[`x${j + 1}`] = inputs[i * dim + j];
    targets[i] = checkedTarget(target, vars, i);
  }
  return { inputDim: dim, outputDim: 1, inputs, targets, description: `gaussian in R^${dim}, target ${target.text}` };
}

/** Inline points: equal-length input rows, and one target per row (a number or a list). */
export function inlinePoints(inputs: readonly (readonly number[])[], targets: readonly (readonly number[])[]): RawData {
  if (inputs.length === 0) throw new Error('points: `inputs` is empty');
  if (inputs.length !== targets.length) throw new Error(`points: ${inputs.length} inputs but ${targets.length} targets`);
  const n0 = inputs[0].length;
  const nL = targets[0].length;
  inputs.forEach((row, i) => {
    if (row.length !== n0) throw new Error(`points: input ${i + 1} has ${row.length} numbers, the first has ${n0}`);
  });
  targets.forEach((row, i) => {
    if (row.length !== nL) throw new Error(`points: target ${i + 1} has ${row.length} numbers, the first has ${nL}`);
  });
  return {
    inputDim: n0,
    outputDim: nL,
    inputs: Float64Array.from(inputs.flat()),
    targets: Float64Array.from(targets.flat()),
    description: `points in R^${n0}`,
  };
}

function checkedTarget(target: TargetFunction, vars: Readonly<Record<string, number>>, i: number): number {
  const y = target.evaluate(vars);
  if (!Number.isFinite(y)) {
    const at = Object.entries(vars)
      .map(([k, v]) => `${k} = ${v.toPrecision(6)}`)
      .join(', ');
    throw new Error(`target ${target.text} is not finite (${y}) at sample ${i + 1} (${at})`);
  }
  return y;
}
