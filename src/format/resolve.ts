import type { NtkFile } from './ast';
import { type Diagnostic, collector, hasErrors, sortDiagnostics } from './diagnostics';
import { parseWith } from './parser';
import { printExpression } from './print';
import { type DataSource, type Json, type KeySpec, keysOf } from './schema';
import type { CheckedBlock, CheckedExperiment } from './validate/experiment';
import { folderOf } from './validate/paths';
import { type CheckOptions, type CheckedFile, validate } from './validator';

/**
 * A validated file → one JSON-serializable ResolvedExperiment per experiment: every key of the table
 * present with its written value or its default, in the file's own vocabulary (`learning_rate`,
 * `width`), target expressions and custom formulas kept as canonical text. It is what a run records
 * and what crosses a process boundary; `compileExperiment` (src/run/compile.ts) turns it into engine objects.
 */

/** A block's keys and values, as the schema lists them. */
export type ResolvedBlock = Readonly<Record<string, Json>>;

export interface ResolvedData extends ResolvedBlock {
  readonly source: DataSource;
}

export interface ResolvedSweep {
  readonly key: string;
  readonly block: KeySpec['block'];
  readonly values: readonly Json[];
}

export interface ResolvedDefinition {
  readonly kind: 'activation' | 'loss';
  readonly name: string;
  readonly params: readonly string[];
  /** The formula in canonical text. */
  readonly formula: string;
}

export interface ResolvedExperiment {
  /** The experiment's name; after sweep expansion, with its varied settings: `fig1[width=250,activation=tanh]`. */
  readonly name: string;
  /** The name written after `experiment`. */
  readonly experiment: string;
  /** The settings this sweep point varies (empty outside sweeps). */
  readonly varied: Readonly<Record<string, Json>>;
  /** Experiment-level keys: title, seed, trials, loss. */
  readonly settings: ResolvedBlock;
  readonly data: ResolvedData;
  /**
   * For csv data: the folder of the .ntkexp file, when its path is known. `data.path` is relative to it
   * and must stay inside it; src/run/confine.ts reads the file only through that confinement.
   */
  readonly dataFolder?: string;
  readonly network: ResolvedBlock;
  readonly train: ResolvedBlock;
  readonly measure: ResolvedBlock;
  /** Absent without a `surface` block. */
  readonly surface: ResolvedBlock | null;
  /** Not yet expanded (see sweep.ts); empty for a concrete experiment. */
  readonly sweep: readonly ResolvedSweep[];
  /** The custom activations and losses the experiment (or its sweep) names. */
  readonly definitions: readonly ResolvedDefinition[];
}

export interface ResolveResult {
  /** Empty when the file has errors. */
  readonly experiments: readonly ResolvedExperiment[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Parse, check and resolve. Any error leaves `experiments` empty: nothing runs from a broken file. */
export function resolve(text: string, options: CheckOptions = {}): ResolveResult {
  const { accept, diagnostics } = collector();
  const file = parseWith(text, accept);
  const checked = validate(file, accept, options);
  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted)) return { experiments: [], diagnostics: sorted };
  return { experiments: resolveChecked(checked, options), diagnostics: sorted };
}

/** Resolution of an already validated file (no errors). */
export function resolveChecked(checked: CheckedFile, options: CheckOptions = {}): ResolvedExperiment[] {
  return checked.experiments.map((exp) => resolveExperiment(exp, checked.file, options));
}

function fill(block: CheckedBlock | undefined, keys: readonly KeySpec[], overrides: Record<string, Json> = {}): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const spec of keys) {
    const written = block?.settings.get(spec.key)?.value;
    const value = written ?? overrides[spec.key] ?? spec.default;
    if (value === undefined) throw new Error(`resolve: \`${spec.key}\` has no value and no default (the file should not have passed validation)`);
    out[spec.key] = value;
  }
  return out;
}

function resolveExperiment(exp: CheckedExperiment, file: NtkFile, options: CheckOptions): ResolvedExperiment {
  const name = exp.node.name.name;
  const data = exp.data;
  if (!data?.source) throw new Error(`resolve: experiment \`${name}\` has no valid data block`);
  const source = data.source;
  const settings = fill({ settings: exp.settings }, keysOf('experiment'), { title: name });
  const dataBlock = { source, ...fill(data, keysOf('data', source)) } as ResolvedData;
  const network = fill(exp.network, keysOf('network'));
  const sweep: ResolvedSweep[] = exp.sweep.map((e) => ({ key: e.key, block: e.spec.block, values: e.values.map((v) => v ?? null) }));

  const names = new Set<string>();
  const named = (block: ResolvedBlock, key: string, sweepBlock: KeySpec['block']): void => {
    names.add(String(block[key]));
    for (const s of sweep) if (s.key === key && s.block === sweepBlock) for (const v of s.values) names.add(String(v));
  };
  named(network, 'activation', 'network');
  named(settings, 'loss', 'experiment');
  const definitions: ResolvedDefinition[] = [];
  for (const item of file.items) {
    if (item.kind === 'experiment' || !names.has(item.name.name)) continue;
    definitions.push({ kind: item.kind, name: item.name.name, params: item.params.map((p) => p.name), formula: printExpression(item.body) });
  }

  const path = data.path?.value;
  return {
    name,
    experiment: name,
    varied: {},
    settings,
    data: source === 'csv' ? ({ ...dataBlock, path: path ?? '' } as ResolvedData) : dataBlock,
    ...(source === 'csv' && path !== undefined && options.path ? { dataFolder: folderOf(options.path) } : {}),
    network,
    train: fill(exp.train, keysOf('train')),
    measure: fill(exp.measure, keysOf('measure')),
    surface: exp.surface ? fill(exp.surface, keysOf('surface')) : null,
    sweep,
    definitions,
  };
}
