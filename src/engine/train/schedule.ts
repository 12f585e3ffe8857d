import type { MeasureConfig } from '../config';

/**
 * The steps at which a run measures: always step 0 and the last step; in between `points − 2` steps
 * spaced linearly or logarithmically (the paper's figures are on log time axes), or every `every`
 * steps. Distinct, increasing; with fewer steps than points, every step.
 */
export function measurementSteps(steps: number, measure: Pick<MeasureConfig, 'points' | 'spacing' | 'every'>): number[] {
  const count = measurementCount(steps, measure);
  if (count > MAX_SCHEDULE) throw new RangeError(`${count} measurements are more than a schedule holds (${MAX_SCHEDULE}); measure less often`);
  if (steps === 0) return [0];
  if (measure.every !== undefined) {
    const out: number[] = [];
    for (let s = 0; s < steps; s += measure.every) out.push(s);
    out.push(steps);
    return out;
  }
  const points = Math.max(2, measure.points);
  if (points >= steps + 1) return Array.from({ length: steps + 1 }, (_, s) => s);
  const inner = points - 2;
  const out = [0];
  for (let j = 1; j <= inner; j++) {
    const ideal = measure.spacing === 'log' ? Math.pow(steps, j / (inner + 1)) : (steps * j) / (inner + 1);
    // never repeat a step, and leave room for the steps still to come before `steps`
    const s = Math.min(Math.max(Math.round(ideal), out[out.length - 1] + 1), steps - (inner - j) - 1);
    out.push(s);
  }
  out.push(steps);
  return out;
}

/**
 * Longest schedule `measurementSteps` builds. The run refuses long before (run/limits.ts); this is the
 * engine's own guard, far below V8's largest array (2^27 elements in a fast array's backing store).
 */
export const MAX_SCHEDULE = 10_000_000;

/** How many steps `measurementSteps` returns, without building them (a schedule may be too long to hold). */
export function measurementCount(steps: number, measure: Pick<MeasureConfig, 'points' | 'every'>): number {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps must be an integer ≥ 0, got ${steps}`);
  if (steps === 0) return 1;
  if (measure.every !== undefined) {
    if (!Number.isInteger(measure.every) || measure.every < 1) throw new RangeError(`every must be an integer ≥ 1, got ${measure.every}`);
    return Math.ceil(steps / measure.every) + 1;
  }
  return Math.min(Math.max(2, measure.points), steps + 1);
}
