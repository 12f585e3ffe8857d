import { TrialError } from './trialError';

/**
 * A run that blows up stops with the step and something to do about it (the Standards: "a diverging
 * run stops with the step and a suggestion").
 */
export class DivergenceError extends TrialError {
  constructor(
    step: number,
    readonly reason: string,
    readonly suggestion: string,
  ) {
    super(`training diverged at step ${step}: ${reason}. ${suggestion}`, step);
    this.name = 'DivergenceError';
  }
}

/** Loss growth over the initial loss that counts as divergence. */
export const DIVERGENCE_FACTOR = 1e6;

/** Why a loss value at `step` means divergence, or undefined if it does not. */
export function divergenceReason(loss: number, initialLoss: number, outputsFinite: boolean): string | undefined {
  if (!Number.isFinite(loss) || !outputsFinite) return `the loss is ${Number.isFinite(loss) ? 'finite but the outputs are not' : String(loss)}`;
  if (loss > DIVERGENCE_FACTOR * Math.max(initialLoss, 1e-300)) {
    return `the loss grew from ${initialLoss.toPrecision(4)} to ${loss.toPrecision(4)} (more than ${DIVERGENCE_FACTOR.toExponential(0)}×)`;
  }
  return undefined;
}

/**
 * For MSE the linearized dynamics Y ← Y − η Θ̂ (Y − Y*)/N are stable iff η < 2N/λmax(Θ̂). Under the
 * mean-field parametrization the effective rate is η·w.
 */
export function mseLearningRateAdvice(learningRate: number, N: number, lambdaMax: number, meanFieldWidth?: number): string {
  const bound = (2 * N) / lambdaMax;
  if (meanFieldWidth !== undefined) {
    const fileBound = bound / meanFieldWidth;
    return `For MSE, gradient descent is stable for learning_rate < 2N/(w·λmax(Θ̂)) = ${fileBound.toPrecision(3)} (N = ${N}, w = ${meanFieldWidth}, λmax(Θ̂) = ${lambdaMax.toPrecision(4)} at initialization); the file has ${learningRate}: lower learning_rate below the bound.`;
  }
  return `For MSE, gradient descent is stable for learning_rate < 2N/λmax(Θ̂) = ${bound.toPrecision(3)} (N = ${N}, λmax(Θ̂) = ${lambdaMax.toPrecision(4)} at initialization); the file has ${learningRate}: lower learning_rate below the bound.`;
}
