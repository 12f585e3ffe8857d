/**
 * Where the infinite-width predictions apply (THEORY.md §6): they are the dynamics of full-batch
 * gradient descent (and, with `mode = flow`, gradient flow). For every other optimizer the run draws no
 * theory line, and the panel and the CLI say why instead of drawing a wrong one. One rule for the
 * engine (which skips the kernels and the lines), the run's estimate, the CLI and the panel: pure data
 * and a lookup, so it sits with the contracts, below every layer that reads it.
 */
const WHY_NOT: Readonly<Record<string, string>> = {
  sgd: 'the predictions are for full-batch gradient descent; mini-batch sgd adds gradient noise whose effect on the moments the theory does not describe',
  momentum: 'the predictions are for gradient descent; heavy-ball momentum follows second-order dynamics (its NTK limit is a damped oscillator, not the recursion A = Id − ηΘ/N the lines use)',
  adam: "the predictions are for gradient descent; Adam's adaptive preconditioner changes the kernel the outputs follow (Θ becomes J P⁻¹ Jᵀ, with P moving in time)",
};

/** Undefined where the theory's lines apply to `optimizer` (gd); otherwise why they are absent, in words. */
export function theoryAbsence(optimizer: string | undefined): string | undefined {
  if (optimizer === undefined || optimizer === 'gd') return undefined;
  return WHY_NOT[optimizer] ?? `the predictions are for gradient descent, not for optimizer ${optimizer}`;
}

/** The optimizer a resolved experiment (run.json's `resolved`) trains with; gd when it names none (runs from before the key). */
export function optimizerOf(resolved: unknown): string {
  const optimizer = (resolved as { train?: { optimizer?: unknown } } | undefined)?.train?.optimizer;
  return typeof optimizer === 'string' ? optimizer : 'gd';
}

/** What the stability threshold of an optimizer needs of its settings. */
export interface OptimizerSettings {
  readonly optimizer: string;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly beta1: number;
}

/**
 * The edge of stability (Cohen et al., ICLR 2021; for Adam, Cohen et al. 2022): on a quadratic with
 * curvature λ along an eigenvector, the optimizer's iteration is stable exactly when λ stays below a
 * threshold, and gradient descent on a network drives λmax(H) up to it. With a = ηλ and the update in
 * PyTorch's form, the iteration's characteristic polynomial reaches the root z = −1 at:
 *
 *   gd, sgd      1 − a = −1                                  λ < 2/η  (sgd: the full batch's)
 *   momentum     z² − (1 + μ − a) z + μ                      λ < (2 + 2μ)/η
 *   Nesterov     z² − (1 + μ)(1 − a) z + μ(1 − a)            λ < (2 + 2μ)/((1 + 2μ) η)
 *   adam         z² − (1 + β₁ − a(1 − β₁)) z + β₁            λ < (2 + 2β₁)/((1 − β₁) η)   (38/η at β₁ = 0.9)
 *
 * Adam's λ is an eigenvalue of the preconditioned Hessian P⁻¹H, P = diag(√v̂ + ε) frozen (its bias
 * corrections dropped), so its threshold applies to the preconditioned sharpness, not to λmax(H).
 * test/engine/train/stability.test.ts runs each optimizer on quadratics just below and above.
 */
export function stabilityThreshold(train: OptimizerSettings, eta: number): { threshold: number; rule: string; on: 'H' | 'preconditioned H' } {
  const mu = train.momentum;
  const b1 = train.beta1;
  switch (train.optimizer) {
    case 'momentum':
      return train.nesterov
        ? { threshold: (2 + 2 * mu) / ((1 + 2 * mu) * eta), rule: '(2 + 2μ)/((1 + 2μ)η)', on: 'H' }
        : { threshold: (2 + 2 * mu) / eta, rule: '(2 + 2μ)/η', on: 'H' };
    case 'adam':
      return { threshold: (2 + 2 * b1) / ((1 - b1) * eta), rule: '(2 + 2β₁)/((1 − β₁)η)', on: 'preconditioned H' };
    default:
      return { threshold: 2 / eta, rule: '2/η', on: 'H' };
  }
}
