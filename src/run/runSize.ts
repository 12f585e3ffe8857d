import { theoryAbsence } from '../contracts/optimizers';
import type { Activation } from '../catalogue/activation';
import { builtinLoss, isBuiltinLoss } from '../catalogue/losses';
import type { MeasureConfig } from '../engine/config';
import { usesArcCosine } from '../engine/theory/arcCosine';
import { measurementCount } from '../engine/train/schedule';
import { type Json, type ResolvedExperiment } from '../format/index';
import { resolvedActivation } from './compile';

/**
 * The sizes a run's cost depends on, read from a resolved experiment (one concrete sweep point) without
 * building its data: N and the dimensions come from `samples`, `size`, `target`, `dim` or the inline
 * points, so a check costs nothing even for MNIST or a large csv file. This is what the estimate
 * (estimate.ts) and the limits (limits.ts) take.
 */
export interface DataShape {
  readonly N: number;
  readonly inputDim: number;
  readonly outputDim: number;
  /** false when N and the dimensions are lower bounds (a csv file not read yet: at least one row). */
  readonly known: boolean;
}

/** `count` consecutive layers of one width: a network of depth 10^12 is three runs, not an array of 10^12. */
export interface LayerRun {
  readonly width: number;
  readonly count: number;
}

/** What a measurement computes, as the engine's measure settings say it. */
/** `perLayer`: measure.layers (the name `layers` is the network's here). */
type MeasureSizes = Pick<MeasureConfig, 'moments' | 'probes' | 'top' | 'bottom' | 'density' | 'orthogonality' | 'theory' | 'exact'> & { readonly perLayer: boolean };

export interface RunSize extends DataShape, MeasureSizes {
  readonly depth: number;
  /** The widths from the input to the output (n0, n1 … n_{L−1}, nL), as runs of equal widths. */
  readonly layers: readonly LayerRun[];
  readonly steps: number;
  /** Measurements per trial (the schedule's length, not the schedule). */
  readonly measurements: number;
  readonly trials: number;
  /** The loss is quadratic (catalogue/losses.ts `quadratic`): the theory's dynamics are in closed form. */
  readonly quadraticLoss: boolean;
  /** Gauss–Hermite degree of the theory's kernels per dimension; 0 for closed forms (ReLU). */
  readonly quadratureDegree: number;
  /** Inputs scaled to equal norms (`normalize`), which lets the theory read its moments from ρ-tables. */
  readonly normalized: boolean;
  readonly surface?: { readonly grid: number; readonly directions: readonly string[] };
}

/** N and the input and output dimensions of an experiment's data, from its settings alone. */
export function dataShape(exp: ResolvedExperiment): DataShape {
  const d = exp.data;
  const samples = count(d.samples, 1);
  switch (d.source) {
    case 'mnist': {
      const side = count(d.size, 14);
      return { N: samples, inputDim: side * side, outputDim: d.target === 'onehot' ? 10 : 1, known: true };
    }
    case 'disk':
    case 'circle':
      return { N: samples, inputDim: 2, outputDim: 1, known: true };
    case 'gaussian':
      return { N: samples, inputDim: count(d.dim, 1), outputDim: 1, known: true };
    case 'points': {
      const inputs = Array.isArray(d.inputs) ? d.inputs : [];
      const targets = Array.isArray(d.targets) ? d.targets : [];
      const first = inputs[0];
      const target = targets[0];
      return { N: inputs.length, inputDim: Array.isArray(first) ? first.length : 1, outputDim: Array.isArray(target) ? target.length : 1, known: true };
    }
    case 'csv': {
      // Before the file is read: at least one row, the listed features (else one) and the target columns.
      const features = Array.isArray(d.features) ? d.features.length : 1;
      const outputs = Array.isArray(d.target) ? d.target.length : 1;
      return { N: 1, inputDim: features, outputDim: outputs, known: false };
    }
  }
}

/**
 * What a run's cost depends on, from its settings. `activation`: the experiment's compiled activation
 * when the caller has it (a run's plan); otherwise a custom one is compiled here for its quadrature degree.
 */
export function runSize(exp: ResolvedExperiment, shape: DataShape = dataShape(exp), activation?: Activation): RunSize {
  const depth = count(exp.network.depth, 1);
  const width = exp.network.width;
  const hidden: LayerRun[] = Array.isArray(width) ? width.map((w) => ({ width: count(w, 1), count: 1 })) : depth > 1 ? [{ width: count(width, 1), count: depth - 1 }] : [];
  const m = exp.measure;
  const steps = count(exp.train.steps, 0);
  const every = typeof m.every === 'number' ? m.every : undefined;
  const surface = exp.surface;
  return {
    ...shape,
    depth,
    layers: [{ width: shape.inputDim, count: 1 }, ...hidden, { width: shape.outputDim, count: 1 }],
    steps,
    measurements: measurementCount(steps, { points: count(m.points, 2), every }),
    moments: count(m.moments, 1),
    probes: count(m.probes, 1),
    top: count(m.top, 0),
    bottom: count(m.bottom, 0),
    density: count(m.density, 0),
    orthogonality: m.orthogonality === true,
    perLayer: m.layers === true,
    // No kernels and no lines where the theory does not apply (contracts/optimizers.ts).
    theory: m.theory === true && theoryAbsence(typeof exp.train.optimizer === 'string' ? exp.train.optimizer : undefined) === undefined,
    exact: m.exact === true || m.exact === false ? m.exact : 'auto',
    trials: count(exp.settings.trials, 1),
    quadraticLoss: isBuiltinLoss(String(exp.settings.loss)) && builtinLoss(String(exp.settings.loss)).quadratic === true,
    quadratureDegree: activation ? degreeOf(activation) : quadratureDegree(exp, String(exp.network.activation)),
    normalized: exp.data.normalize === true,
    ...(surface ? { surface: { grid: count(surface.grid, 2), directions: Array.isArray(surface.directions) ? surface.directions.map(String) : [] } } : {}),
  };
}

/** What the cost of a network's passes depends on, summed over its layers without listing them. */
export interface NetworkFigures {
  /** Parameters (weights and biases). */
  readonly P: number;
  /** Multiply-adds of one forward pass for one sample: Σ n_ℓ n_{ℓ+1}. */
  readonly macs: number;
  /** Σ of the hidden widths, and the widest. */
  readonly hiddenSum: number;
  readonly widest: number;
  /** Σ of the widths feeding a layer (n0 … n_{L−1}), and of the widths a layer makes (n1 … nL). */
  readonly sumIn: number;
  readonly sumOut: number;
}

export function networkFigures(layers: readonly LayerRun[]): NetworkFigures {
  let macs = 0;
  let total = 0;
  let widest = 1;
  for (let i = 0; i < layers.length; i++) {
    const { width, count } = layers[i];
    macs += (count - 1) * width * width + (i + 1 < layers.length ? width * layers[i + 1].width : 0);
    total += width * count;
    if (i > 0 && i + 1 < layers.length) widest = Math.max(widest, width);
  }
  const first = layers[0]?.width ?? 0;
  const last = layers[layers.length - 1]?.width ?? 0;
  const sumOut = total - first;
  return { P: macs + sumOut, macs, hiddenSum: total - first - last, widest, sumIn: total - last, sumOut };
}

const degreeOf = (activation: Activation): number => (usesArcCosine(activation) ? 0 : activation.quadratureDegree);

/** Degrees by activation and formula: a sweep of 10⁴ points names a handful of activations, each compiled once. */
const degrees = new Map<string, number>();

/** The Gauss–Hermite degree of the theory's kernels for the named activation; 0 for closed forms (ReLU). */
function quadratureDegree(exp: ResolvedExperiment, name: string): number {
  const key = `${name}\u0000${exp.definitions.find((d) => d.kind === 'activation' && d.name === name)?.formula ?? ''}`;
  let degree = degrees.get(key);
  if (degree === undefined) {
    degree = degreeOf(resolvedActivation(exp, name));
    if (degrees.size > 1000) degrees.clear();
    degrees.set(key, degree);
  }
  return degree;
}

/** A validated integer setting (validation has run), or `fallback` where the block does not have it. */
function count(value: Json | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
