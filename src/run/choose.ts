import { expandSweeps, type ResolvedExperiment } from '../format/index';
import { sweepProblem } from './limits';
import { RunRefused } from './plan';

/** A wrong experiment name, or an ambiguous file: the caller turns it into its own kind of error. */
export class ChoiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChoiceError';
  }
}

/**
 * The experiments a run starts (a sweep with more points than a run takes is refused: RunRefused): the one named (or the only one in the file) with every point of its
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
      // A sweep too large to run cannot hold the point either: only the others are searched.
      const point = experiments.filter((e) => !sweepProblem(e)).flatMap((e) => expandSweeps(e)).find((p) => p.name === name);
      if (point) return { experiments: [point] };
      throw new ChoiceError(`no experiment named \`${name}\` in the file (${names.map((n) => `'${n}'`).join(', ')})`);
    }
  }
  const tooLarge = sweepProblem(base);
  if (tooLarge) throw new RunRefused(tooLarge.message);
  const points = expandSweeps(base);
  return base.sweep.length > 0 ? { experiments: points, sweep: base.experiment } : { experiments: points };
}
