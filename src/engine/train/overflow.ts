import type { ExperimentConfig } from '../config';
import type { Dataset } from '../data/dataset';
import { SQUARE_SAFE, type NonFiniteError } from '../nonFinite';
import { TrialError } from './trialError';

/** Where in a trial a value overflowed, as the message names it. */
export type TrialPhase = 'initialization' | 'training' | 'measurement' | 'theory' | 'loss surface';

/**
 * A trial whose numbers overflowed, in the user's terms: the step, the phase and what was not finite,
 * the likely cause (the activation at this depth, the targets, the inputs, the loss, the theory's
 * expectations) and what to lower.
 */
export class OverflowError extends TrialError {
  constructor(
    message: string,
    step: number,
    readonly phase: TrialPhase,
  ) {
    super(message, step);
    this.name = 'OverflowError';
  }
}

export function overflowError(error: NonFiniteError, at: { config: ExperimentConfig; data: Dataset; phase: TrialPhase; step: number }): OverflowError {
  const { config, data, phase, step } = at;
  const net = config.network;
  const what = error.message;
  const activation = `activation \`${net.activation.name}\` (σ(x) = ${net.activation.formula})`;
  const trained = step > 0 ? `, after ${step} steps of training at learning_rate ${config.train.learningRate}` : '';
  const lowerNet = `lower depth (${net.depth}) or beta (${net.beta})${step > 0 ? ` or learning_rate (${config.train.learningRate})` : ''}, ${config.data.normalize ? 'keep normalize = true' : 'set normalize = true'}, or use an activation that grows more slowly`;
  const head = `${phase === 'theory' ? 'the theory' : 'the network'} overflowed at step ${step} (${phase}: ${what})`;
  const dataProblem = dataOverflow(config, data);
  let why: string;
  if (dataProblem) {
    why = dataProblem;
  } else if (phase === 'theory') {
    why = `the Gaussian expectations of ${activation} are not finite at depth ${net.depth} (β = ${net.beta}): set theory = false, or ${lowerNet}`;
  } else if (/^the loss/.test(error.quantity) && !config.loss.quadratic) {
    why = `the loss \`${config.loss.name}\`${config.loss.formula ? ` (${config.loss.formula})` : ''} overflows on these outputs${trained}: check its formula, or lower learning_rate`;
  } else {
    why = `${activation} or its derivatives overflow at depth ${net.depth} with β = ${net.beta}${trained}: ${lowerNet}`;
  }
  return new OverflowError(`${head}: ${why}`, step, phase);
}

/**
 * Data too large for the arithmetic (a target or input not finite, or beyond SQUARE_SAFE so that its
 * square overflows): what to change, or undefined. The run checks it before any engine starts.
 */
export function dataOverflow(config: ExperimentConfig, data: Dataset): string | undefined {
  const largest = (values: Float64Array): number => values.reduce((m, x) => (Math.abs(x) > m || x !== x ? Math.abs(x) : m), 0);
  const targets = largest(data.targets);
  if (!(targets <= SQUARE_SAFE)) {
    const noise = config.data.noise > 0 ? ` (noise = ${config.data.noise})` : '';
    return `the targets reach ${targets.toPrecision(3)}${noise}, too large to square: ${noise ? 'lower noise, or ' : ''}rescale the target`;
  }
  const inputs = largest(data.inputs);
  if (!(inputs <= SQUARE_SAFE)) return `the inputs reach ${inputs.toPrecision(3)}, too large to square: set normalize = true, or rescale the data`;
  return undefined;
}
