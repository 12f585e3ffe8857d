import type { DataConfig } from '../config';
import { Rng } from '../rng';
import { selectMnist, type MnistDigits } from './mnist';
import { circlePoints, diskPoints, gaussianPoints, inlinePoints, type RawData } from './synthetic';

/**
 * A training set: inputs X (N × n0) and targets Y* (N × nL), row-major float64, exactly as the network
 * sees them (after normalization and label noise).
 */
export interface Dataset extends RawData {
  readonly N: number;
}

/**
 * Build the data set of an experiment. Deterministic in `seed`: the data do not depend on the trial
 * (trials are independent initializations on the same data, NTKEXP.md). MNIST digits come from the
 * caller (`mnist`), because the engine does no I/O.
 */
export function buildDataset(config: DataConfig, seed: number, mnist?: MnistDigits): Dataset {
  const rng = new Rng(seed, 'data');
  let raw: RawData;
  switch (config.source) {
    case 'mnist':
      if (!mnist) throw new Error('the mnist data source needs the MNIST digits: load them with loadMnistDigits() and pass them in');
      raw = selectMnist(mnist, config, rng);
      break;
    case 'disk':
      raw = diskPoints(config.samples, config.target, rng);
      break;
    case 'circle':
      raw = circlePoints(config.samples, config.target);
      break;
    case 'gaussian':
      raw = gaussianPoints(config.samples, config.dim, config.target, rng);
      break;
    case 'points':
      raw = inlinePoints(config.inputs, config.targets);
      break;
  }
  const inputs = config.normalize ? normalizeRows(raw.inputs, raw.inputDim) : raw.inputs;
  const targets = raw.targets;
  if (config.noise > 0) {
    const noise = new Rng(seed, 'data', 'noise');
    for (let i = 0; i < targets.length; i++) targets[i] += config.noise * noise.normal();
  }
  const N = inputs.length / raw.inputDim;
  return {
    N,
    inputDim: raw.inputDim,
    outputDim: raw.outputDim,
    inputs,
    targets,
    labels: raw.labels,
    description: `${raw.description}, ${N} samples${config.normalize ? ', normalized' : ''}${config.noise > 0 ? `, noise ${config.noise}` : ''}`,
  };
}

/** Scale every row to squared norm n0 (the theory's assumption, so Σ(1)(x, x) = 1 + β²). */
export function normalizeRows(X: Float64Array, n0: number): Float64Array {
  const out = new Float64Array(X.length);
  const N = X.length / n0;
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let j = 0; j < n0; j++) s += X[i * n0 + j] ** 2;
    if (s === 0) throw new Error(`input ${i + 1} is the zero vector and cannot be normalized: remove it or set normalize = false`);
    const f = Math.sqrt(n0 / s);
    for (let j = 0; j < n0; j++) out[i * n0 + j] = X[i * n0 + j] * f;
  }
  return out;
}
