import type { Json } from './schema';
import type { ResolvedBlock, ResolvedData, ResolvedExperiment } from './resolve';

/** More sweep points than this is certainly a mistake (and would not fit in memory as records). */
export const MAX_SWEEP_POINTS = 10000;

/**
 * The concrete experiments of a sweep: one per combination of the swept values (the first key varies
 * slowest), each named by its varied settings, `fig1[width=250,activation=smooth_relu]`. An
 * experiment without a sweep expands to itself.
 */
export function expandSweeps(exp: ResolvedExperiment): ResolvedExperiment[] {
  if (exp.sweep.length === 0) return [exp];
  const total = exp.sweep.reduce((n, s) => n * s.values.length, 1);
  if (total > MAX_SWEEP_POINTS) {
    throw new RangeError(`experiment \`${exp.experiment}\`: the sweep has ${total} combinations, more than ${MAX_SWEEP_POINTS}; sweep fewer values`);
  }
  let combos: Json[][] = [[]];
  for (const s of exp.sweep) combos = combos.flatMap((c) => s.values.map((v) => [...c, v]));
  return combos.map((values) => {
    const varied: Record<string, Json> = {};
    let point: ResolvedExperiment = { ...exp, sweep: [] };
    exp.sweep.forEach((s, i) => {
      varied[s.key] = values[i];
      point = assign(point, s.block, s.key, values[i]);
    });
    const label = exp.sweep.map((s, i) => `${s.key}=${valueText(values[i])}`).join(',');
    return { ...point, name: `${exp.experiment}[${label}]`, varied };
  });
}

function assign(exp: ResolvedExperiment, block: string, key: string, value: Json): ResolvedExperiment {
  const set = <T extends ResolvedBlock>(b: T): T => ({ ...b, [key]: value });
  switch (block) {
    case 'experiment':
      return { ...exp, settings: set(exp.settings) };
    case 'data':
      return { ...exp, data: set(exp.data) as ResolvedData };
    case 'network':
      return { ...exp, network: set(exp.network) };
    case 'train':
      return { ...exp, train: set(exp.train) };
    case 'measure':
      return { ...exp, measure: set(exp.measure) };
    case 'surface':
      if (!exp.surface) throw new Error(`sweep of \`${key}\`: experiment \`${exp.experiment}\` has no surface block`);
      return { ...exp, surface: set(exp.surface) };
    default:
      throw new Error(`sweep of \`${key}\`: unknown block \`${block}\``);
  }
}

/** `250`, `[250,500]`, `smooth_relu`, `x1 * x2`: compact, as in the file. */
function valueText(v: Json): string {
  if (Array.isArray(v)) return `[${(v as readonly Json[]).map(valueText).join(',')}]`;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
