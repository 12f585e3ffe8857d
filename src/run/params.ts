import { layout, meanFieldWidth, type NetworkSpec } from '../engine/network/spec';
import type { Dataset } from '../engine/data/dataset';

/**
 * `--save-params`: a trial's parameters at the start and end, in a form anyone can load into NumPy or
 * PyTorch without this project:
 *
 *   {format: "ntkexp-params/1", activation, beta, parametrization, loss, layers: [{W, b}], inputs, targets,
 *    mean_field_width?, forward}
 *
 * W(ℓ) is n_{ℓ+1} rows of n_ℓ numbers (PyTorch's Linear.weight layout), inputs are the N × n0 inputs as
 * the network saw them (after normalization), targets N × nL. The network is (THEORY.md §1)
 *
 *   a(0) = x;  z(ℓ+1) = W(ℓ) a(ℓ) / sqrt(n_ℓ) + beta · b(ℓ);  a(ℓ+1) = activation(z(ℓ+1));  f(x) = z(L)
 *
 * and under mean_field f is further divided by sqrt(mean_field_width).
 */
export interface ParamsFile {
  readonly format: 'ntkexp-params/1';
  readonly activation: { readonly name: string; readonly formula: string };
  readonly beta: number;
  readonly parametrization: 'ntk' | 'mean_field';
  readonly mean_field_width?: number;
  readonly loss: { readonly name: string; readonly formula: string };
  readonly layers: { readonly W: number[][]; readonly b: number[] }[];
  readonly inputs: number[][];
  readonly targets: number[][];
  readonly forward: string;
}

export const FORWARD_TEXT =
  'a(0) = x; z(l+1) = W(l) a(l) / sqrt(n_l) + beta * b(l); a(l+1) = activation(z(l+1)); f(x) = z(L), divided by sqrt(mean_field_width) under mean_field';

export function paramsFile(spec: NetworkSpec, lossName: string, lossFormula: string, flat: ArrayLike<number>, data: Dataset): ParamsFile {
  const lay = layout(spec);
  if (flat.length !== lay.size) throw new RangeError(`expected ${lay.size} parameters, got ${flat.length}`);
  const layers = lay.layers.map((l) => ({
    W: Array.from({ length: l.nOut }, (_, k) => Array.from({ length: l.nIn }, (_, m) => flat[l.weightOffset + m * l.nOut + k])),
    b: Array.from({ length: l.nOut }, (_, k) => flat[l.biasOffset + k]),
  }));
  const rows = (a: Float64Array, width: number): number[][] => Array.from({ length: a.length / width }, (_, i) => Array.from(a.subarray(i * width, (i + 1) * width)));
  return {
    format: 'ntkexp-params/1',
    activation: { name: spec.activation.name, formula: spec.activation.formula },
    beta: spec.beta,
    parametrization: spec.parametrization,
    ...(spec.parametrization === 'mean_field' ? { mean_field_width: meanFieldWidth(spec) } : {}),
    loss: { name: lossName, formula: lossFormula },
    layers,
    inputs: rows(data.inputs, data.inputDim),
    targets: rows(data.targets, data.outputDim),
    forward: FORWARD_TEXT,
  };
}

/** File name of a trial's parameters: params-initial.json, or params-3-final.json with several trials. */
export function paramsFileName(which: 'initial' | 'final', trial: number, severalTrials: boolean): string {
  return severalTrials ? `params-${trial}-${which}.json` : `params-${which}.json`;
}
