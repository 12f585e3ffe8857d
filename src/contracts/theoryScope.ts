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
