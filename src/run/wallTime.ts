import type { RunEstimate } from './estimate';

/** One experiment (sweep point) as the wall time sees it: its trials and what each costs. */
export interface TimedPoint {
  readonly trialsRun: number;
  readonly estimate: Pick<RunEstimate, 'trialSeconds' | 'onceSeconds'>;
}

/**
 * A run's wall time under the cost model, its trials dealt to `workers` engines the way the pool deals
 * them (runner.ts: tasks in order, each to whichever engine is free first). Every engine pays its start
 * once (`engineStartSeconds`: the process, the backend) and an experiment's once-per-engine work (the
 * theory's kernels, engineMain.ts `prepare`) the first time it takes one of that experiment's trials.
 * Trials are whole: 3 trials on 2 engines take two trial times, not one and a half.
 */
export function runSeconds(points: readonly TimedPoint[], workers: number, engineStartSeconds = 0): number {
  const engines = Math.max(1, Math.min(Math.floor(workers), points.reduce((s, p) => s + p.trialsRun, 0)));
  const freeAt = new Float64Array(engines).fill(engineStartSeconds);
  const prepared = Array.from({ length: engines }, () => new Set<number>());
  for (let i = 0; i < points.length; i++) {
    const { trialsRun, estimate } = points[i];
    for (let t = 0; t < trialsRun; t++) {
      let e = 0;
      for (let k = 1; k < engines; k++) if (freeAt[k] < freeAt[e]) e = k;
      const once = prepared[e].has(i) ? 0 : estimate.onceSeconds;
      prepared[e].add(i);
      freeAt[e] += once + estimate.trialSeconds;
    }
  }
  return points.length === 0 ? 0 : Math.max(...freeAt);
}
