import type { RunModel } from '../../model/runModel';
import { formatValue } from '../../charts/format';

/** "t = 36 (step 36)" for a measurement index. */
export function timeText(run: RunModel, index: number): string {
  const at = run.timeAt(index);
  return at ? `t = ${formatValue(at.t)} (step ${at.step})` : '—';
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
