import type { Value } from '../ast';
import type { Acceptor } from '../diagnostics';
import { builtinLoss, isBuiltinLoss } from '../../catalogue/losses';
import { builtinActivation, isBuiltinActivation } from '../../catalogue/activations';
import { tooLarge } from '../magnitude';
import { DIRECTION_PATTERN, type Json, keySpec } from '../schema';
import type { Definitions } from './definitions';
import type { CheckedBlock, CheckedExperiment } from './experiment';

/**
 * Checks across settings, each a small function: widths against depth, nonsmooth activations with the
 * theory on, the loss against the number of outputs, surface directions against `top`, `every`
 * against `points`/`spacing`, the shapes and sizes of inline points, `batch_size` against the samples and
 * the optimizer's own settings against the optimizer. Where a setting is swept, every value of
 * the sweep is checked.
 */
export function crossCheck(exp: CheckedExperiment, defs: Definitions, accept: Acceptor): void {
  widthsMatchDepth(exp, accept);
  smoothForTheory(exp, defs, accept);
  lossMatchesOutputs(exp, accept);
  directionsWithinTop(exp, accept);
  everyExcludesPoints(exp, accept);
  pointsShapes(exp, accept);
  pointsMagnitudes(exp, accept);
  csvColumns(exp, accept);
  batchWithinSamples(exp, accept);
  optimizerSettingsUsed(exp, accept);
}

interface Candidate {
  readonly value: Json;
  /** Where the value is written; absent for a default. */
  readonly node?: Value;
  readonly swept: boolean;
}

type BlockKey = 'experiment' | 'data' | 'network' | 'train' | 'measure' | 'surface';

function blockOf(exp: CheckedExperiment, block: BlockKey): CheckedBlock | undefined {
  if (block === 'experiment') return { settings: exp.settings };
  return exp[block];
}

/** The values a setting takes: the sweep's, else the block's, else the default. Wrong values (already reported) are left out. */
function candidates(exp: CheckedExperiment, block: BlockKey, key: string): Candidate[] {
  const swept = exp.sweep.find((e) => e.key === key && e.spec.block === block);
  if (swept) {
    const out: Candidate[] = [];
    swept.values.forEach((value, i) => {
      if (value !== undefined) out.push({ value, node: swept.nodes[i], swept: true });
    });
    return out;
  }
  const written = blockOf(exp, block)?.settings.get(key);
  if (written) return written.value === undefined ? [] : [{ value: written.value, node: written.setting.value, swept: false }];
  const spec = keySpec(block, key, exp.data?.source);
  return spec && spec.default !== undefined && spec.default !== null ? [{ value: spec.default, swept: false }] : [];
}

function origin(c: Candidate, key: string, block: string): string {
  return c.swept ? `${key} = ${JSON.stringify(c.value)} (swept)` : c.node ? `${block}.${key} = ${JSON.stringify(c.value)}` : `${key} = ${JSON.stringify(c.value)} (the default)`;
}

function widthsMatchDepth(exp: CheckedExperiment, accept: Acceptor): void {
  const depths = candidates(exp, 'network', 'depth');
  for (const w of candidates(exp, 'network', 'width')) {
    if (!Array.isArray(w.value) || !w.node) continue;
    const n = w.value.length;
    const bad = depths.find((d) => typeof d.value === 'number' && d.value - 1 !== n);
    if (bad) {
      const L = bad.value as number;
      accept(
        'error',
        'shape',
        `\`width\` lists ${n} width${n === 1 ? '' : 's'} but ${origin(bad, 'depth', 'network')} needs ${L - 1} (one per hidden layer, L − 1)${L === 1 ? ': a depth-1 network has no hidden layer' : ''}`,
        w.node.range,
      );
    }
  }
}

function smoothForTheory(exp: CheckedExperiment, defs: Definitions, accept: Acceptor): void {
  if (!candidates(exp, 'measure', 'theory').some((t) => t.value === true)) return;
  for (const a of candidates(exp, 'network', 'activation')) {
    if (typeof a.value !== 'string' || !a.node) continue;
    const name = a.value;
    const smooth = isBuiltinActivation(name) ? builtinActivation(name).smooth : defs.smooth.get(name);
    if (smooth !== false) continue;
    const why = isBuiltinActivation(name) ? `\`${name}\` has no second derivative (σ″ is a Dirac mass at 0)` : `\`${name}\` uses abs, min or max, so σ″ has Dirac masses at its kinks`;
    accept(
      'warning',
      'relu-theory',
      `activation ${why}, but measure.theory = true: the S-part of the theory needs σ″ and will be missing; use a smooth activation (\`smooth_relu\`) or set \`theory = false\``,
      a.node.range,
    );
  }
}

/** Outputs per sample of the data, when known. */
function outputs(exp: CheckedExperiment): { count: number; why: string } | undefined {
  const data = exp.data;
  if (!data?.source) return undefined;
  switch (data.source) {
    case 'mnist': {
      const t = candidates(exp, 'data', 'target');
      if (t.length !== 1) return undefined;
      return t[0].value === 'onehot' ? { count: 10, why: 'data mnist with target = onehot has ten outputs' } : { count: 1, why: 'data mnist with target = parity has one output' };
    }
    case 'points': {
      const t = data.settings.get('targets')?.value;
      if (!Array.isArray(t) || t.length === 0) return undefined;
      const n = Array.isArray(t[0]) ? t[0].length : 1;
      return { count: n, why: `the targets of data points have ${n} output${n === 1 ? '' : 's'}` };
    }
    case 'csv': {
      const t = data.settings.get('target')?.value;
      if (t === undefined) return undefined;
      const n = Array.isArray(t) ? t.length : 1;
      return { count: n, why: `data csv has ${n} target column${n === 1 ? '' : 's'}` };
    }
    default:
      return { count: 1, why: `data ${data.source} has one output` };
  }
}

function lossMatchesOutputs(exp: CheckedExperiment, accept: Acceptor): void {
  const out = outputs(exp);
  if (!out) return;
  for (const l of candidates(exp, 'experiment', 'loss')) {
    if (typeof l.value !== 'string' || !l.node || !isBuiltinLoss(l.value)) continue;
    const need = builtinLoss(l.value).outputs;
    if (need === 'one' && out.count !== 1) {
      accept('error', 'shape', `loss \`${l.value}\` needs one output, but ${out.why}: use \`softmax_ce\` or \`mse\``, l.node.range);
    } else if (need === 'several' && out.count < 2) {
      accept('error', 'shape', `loss \`${l.value}\` needs several outputs, but ${out.why}: use \`bce\` or \`mse\``, l.node.range);
    }
  }
}

function directionsWithinTop(exp: CheckedExperiment, accept: Acceptor): void {
  if (!exp.surface) return;
  const tops = candidates(exp, 'measure', 'top').filter((t) => typeof t.value === 'number');
  if (tops.length === 0) return;
  const smallest = tops.reduce((a, b) => ((a.value as number) <= (b.value as number) ? a : b));
  const top = smallest.value as number;
  for (const d of candidates(exp, 'surface', 'directions')) {
    if (!Array.isArray(d.value) || !d.node || d.node.kind !== 'list') continue;
    const items = d.node.items;
    d.value.forEach((dir, i) => {
      const m = typeof dir === 'string' ? DIRECTION_PATTERN.exec(dir) : null;
      if (m && Number(m[2]) > top) {
        accept('error', 'range', `direction \`${dir}\` is eigenvector ${m[2]} of ${m[1]}, but ${origin(smallest, 'top', 'measure')} computes only ${top}: raise measure.top to ${m[2]} or pick an index ≤ ${top}`, items[i].range);
      }
    });
    if (d.value.length === 2 && d.value[0] === d.value[1] && d.value[0] !== 'random') {
      accept('error', 'duplicate', `the two surface directions are both \`${String(d.value[0])}\`: a plane needs two different directions`, items[1].range);
    }
  }
}

function everyExcludesPoints(exp: CheckedExperiment, accept: Acceptor): void {
  const settings = exp.measure.settings;
  const every = settings.get('every');
  if (!every) return;
  for (const other of ['points', 'spacing']) {
    const s = settings.get(other);
    if (s) accept('warning', 'conflict', `measure sets both \`every\` and \`${other}\`: \`every\` replaces \`points\` and \`spacing\`, so \`${other}\` is ignored; remove one`, s.setting.key.range);
  }
}

function pointsShapes(exp: CheckedExperiment, accept: Acceptor): void {
  if (exp.data?.source !== 'points') return;
  const inputs = exp.data.settings.get('inputs');
  const targets = exp.data.settings.get('targets');
  let count: number | undefined;
  if (inputs && Array.isArray(inputs.value) && inputs.setting.value.kind === 'list') {
    const rows = inputs.value as Json[][];
    count = rows.length;
    const n0 = rows[0]?.length;
    const nodes = inputs.setting.value.items;
    const bad = rows.findIndex((r) => r.length !== n0);
    if (bad >= 0) accept('error', 'shape', `data points: input ${bad + 1} has ${rows[bad].length} numbers but input 1 has ${n0}: every input must have the same length`, nodes[bad].range);
  }
  if (targets && Array.isArray(targets.value) && targets.setting.value.kind === 'list') {
    const rows = targets.value;
    const nodes = targets.setting.value.items;
    if (count !== undefined && rows.length !== count) {
      accept('error', 'shape', `data points has ${count} input${count === 1 ? '' : 's'} but ${rows.length} target${rows.length === 1 ? '' : 's'}: give one target per input`, targets.setting.value.range);
    }
    if (Array.isArray(rows[0])) {
      const m = (rows[0] as Json[]).length;
      const bad = rows.findIndex((r) => (r as Json[]).length !== m);
      if (bad >= 0) accept('error', 'shape', `data points: target ${bad + 1} has ${(rows[bad] as Json[]).length} outputs but target 1 has ${m}`, nodes[bad].range);
    }
  }
}

/** Inline values too large to square (magnitude.ts), as csv values are refused when the rows are read. */
function pointsMagnitudes(exp: CheckedExperiment, accept: Acceptor): void {
  if (exp.data?.source !== 'points') return;
  const rowsOf = (key: string): { values: Json[]; nodes: Value[] }[] => {
    const s = exp.data?.settings.get(key);
    if (!s || !Array.isArray(s.value) || s.setting.value.kind !== 'list') return [];
    const items = s.setting.value.items;
    return s.value.map((row, i) => {
      const node = items[i];
      const values = Array.isArray(row) ? row : [row];
      return { values, nodes: values.map((_, j) => (node?.kind === 'list' ? (node.items[j] ?? node) : node)) };
    });
  };
  const inputs = rowsOf('inputs');
  const targets = rowsOf('targets');
  const targetCount = targets.reduce((n, r) => n + r.values.length, 0);
  for (const [role, rows] of [['input', inputs], ['target', targets]] as const) {
    for (const [i, row] of rows.entries()) {
      const count = role === 'input' ? row.values.length : targetCount;
      const j = row.values.findIndex((v) => typeof v === 'number' && tooLarge(v, role, count) !== undefined);
      if (j < 0) continue;
      const v = row.values[j] as number;
      accept('error', 'range', `data points: ${v} in ${role} ${i + 1} is too large: ${tooLarge(v, role, count)}; rescale the ${role}s`, row.nodes[j].range);
      return;
    }
  }
}

function csvColumns(exp: CheckedExperiment, accept: Acceptor): void {
  if (exp.data?.source !== 'csv') return;
  const target = exp.data.settings.get('target')?.value;
  const features = exp.data.settings.get('features');
  if (target === undefined || !features || !Array.isArray(features.value) || features.setting.value.kind !== 'list') return;
  const targets = new Set(Array.isArray(target) ? target : [target]);
  const nodes = features.setting.value.items;
  features.value.forEach((f, i) => {
    if (targets.has(f)) accept('error', 'duplicate', `column \`${String(f)}\` is both a target and a feature: remove it from \`features\``, nodes[i].range);
  });
}

/** Samples in the training set, when the file says: the `samples` of a generated source, or the inline points. */
function sampleCounts(exp: CheckedExperiment): Candidate[] {
  const data = exp.data;
  if (!data?.source) return [];
  if (data.source === 'points') {
    const inputs = data.settings.get('inputs');
    return Array.isArray(inputs?.value) ? [{ value: inputs.value.length, node: inputs.setting.value, swept: false }] : [];
  }
  if (data.source === 'csv') return []; // the file's rows: known only once it is read
  return candidates(exp, 'data', 'samples').filter((c) => typeof c.value === 'number');
}

/** `sgd` draws mini-batches of `batch_size` from the training set, so a batch cannot be larger than it. */
function batchWithinSamples(exp: CheckedExperiment, accept: Acceptor): void {
  const sgd = candidates(exp, 'train', 'optimizer').find((o) => o.value === 'sgd');
  if (!sgd) return;
  const samples = sampleCounts(exp);
  for (const b of candidates(exp, 'train', 'batch_size')) {
    if (typeof b.value !== 'number') continue;
    const over = samples.find((n) => (n.value as number) < (b.value as number));
    if (!over) continue;
    // `optimizer = sgd` is always written (gd is the default), so some node carries the message.
    accept(
      'error',
      'conflict',
      `${origin(b, 'batch_size', 'train')} is larger than the training set (${over.swept ? `samples = ${JSON.stringify(over.value)} (swept)` : `${String(over.value)} samples`}): a mini-batch is drawn from it; use at most ${String(over.value)}, or \`optimizer = gd\` for full batches`,
      (b.node ?? over.node ?? sgd.node)!.range,
      b.node ? String(over.value) : undefined,
    );
  }
}

/** Each optimizer's own settings (train/optimizers.ts): written, with a value other than the default, for another optimizer, they change nothing. */
const OPTIMIZER_SETTINGS: Readonly<Record<string, readonly string[]>> = {
  batch_size: ['sgd'],
  momentum: ['momentum'],
  nesterov: ['momentum'],
  beta1: ['adam'],
  beta2: ['adam'],
  epsilon: ['adam'],
};

function optimizerSettingsUsed(exp: CheckedExperiment, accept: Acceptor): void {
  const optimizers = candidates(exp, 'train', 'optimizer').map((o) => o.value);
  if (optimizers.length === 0) return;
  for (const [key, users] of Object.entries(OPTIMIZER_SETTINGS)) {
    const written = exp.train?.settings.get(key);
    if (!written || exp.sweep.some((e) => e.key === key)) continue;
    // Writing the default changes nothing either way (a template that lists every key): only a value
    // the user chose is one they may think acts.
    if (JSON.stringify(written.value) === JSON.stringify(keySpec('train', key)?.default)) continue;
    if (optimizers.some((o) => typeof o === 'string' && users.includes(o))) continue;
    const chosen = optimizers.length === 1 ? `\`optimizer = ${String(optimizers[0])}\`` : `any of the swept optimizers (${optimizers.join(', ')})`;
    accept('warning', 'no-effect', `\`${key}\` is used by \`optimizer = ${users.join(' | ')}\` only and changes nothing with ${chosen}: remove it, or choose that optimizer`, written.setting.range);
  }
}
