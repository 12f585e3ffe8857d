import { expandSweeps, type ResolvedExperiment } from '../format/index';

/** A wrong experiment name, or an ambiguous file: the caller turns it into its own kind of error. */
export class ChoiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChoiceError';
  }
}

/**
 * The experiments a run starts: the one named (or the only one in the file) with every point of its
 * sweep, or one named sweep point. `sweep` is the sweep's experiment name when there are points.
 */
export function chooseRun(experiments: readonly ResolvedExperiment[], name: string | undefined): { experiments: ResolvedExperiment[]; sweep?: string } {
  const names = experiments.map((e) => e.name);
  let base: ResolvedExperiment | undefined;
  if (name === undefined) {
    if (experiments.length > 1) throw new ChoiceError(`the file has ${experiments.length} experiments: choose one (${names.map((n) => `'${n}'`).join(', ')})`);
    base = experiments[0];
  } else {
    base = experiments.find((e) => e.name === name);
    if (!base) {
      const point = experiments.flatMap((e) => expandSweeps(e)).find((p) => p.name === name);
      if (point) return { experiments: [point] };
      throw new ChoiceError(`no experiment named \`${name}\` in the file (${names.map((n) => `'${n}'`).join(', ')})`);
    }
  }
  const points = expandSweeps(base);
  return base.sweep.length > 0 ? { experiments: points, sweep: base.experiment } : { experiments: points };
}
