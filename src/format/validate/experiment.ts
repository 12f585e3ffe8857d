import type { Block, Experiment, StringLiteral } from '../ast';
import type { Acceptor } from '../diagnostics';
import { BLOCKS, type BlockName, type DataSource, type KeySpec, SOURCES, keysOf, sourceSpec, targetVariables } from '../schema';
import { closest, didYouMean } from '../suggest';
import type { Definitions } from './definitions';
import { type DataFileCheck, leavesFolder, lexicalEscape } from './paths';
import { type BlockContext, type CheckedSetting, type SettingMap, checkRequired, checkSettings } from './settings';
import { type SweepEntry, checkSweep } from './sweep';
import type { ValueContext } from './values';

export interface CheckedBlock {
  /** Absent when the experiment does not write the block (its defaults apply). */
  readonly node?: Block;
  readonly settings: SettingMap;
}

export interface CheckedData extends CheckedBlock {
  readonly node: Block;
  /** Undefined when the source is missing or unknown (already reported). */
  readonly source?: DataSource;
  readonly path?: StringLiteral;
}

/** One experiment after checking: its blocks by name, each setting's converted value, its sweep. */
export interface CheckedExperiment {
  readonly node: Experiment;
  readonly settings: SettingMap;
  readonly data?: CheckedData;
  readonly network: CheckedBlock;
  readonly train: CheckedBlock;
  readonly measure: CheckedBlock;
  readonly surface?: CheckedBlock;
  readonly sweep: readonly SweepEntry[];
}

export interface ExperimentOptions {
  readonly path?: string;
  readonly dataFile?: DataFileCheck;
  readonly use: (kind: 'activation' | 'loss', name: string) => void;
}

type Owned = Exclude<BlockName, 'experiment' | 'data' | 'sweep'>;

export function checkExperiment(exp: Experiment, defs: Definitions, accept: Acceptor, options: ExperimentOptions): CheckedExperiment {
  const name = exp.name.name;
  const activations = new Set(defs.activations.keys());
  const losses = new Set(defs.losses.keys());
  const contextFor =
    (label: string, variables?: readonly string[], describeVariables?: string) =>
    (spec: KeySpec): ValueContext => ({
      where: `\`${spec.key}\` in ${label}`,
      activations,
      losses,
      variables,
      describeVariables,
      use: options.use,
    });

  const blocks = new Map<string, Block>();
  const experimentBlock: BlockContext = { label: `experiment \`${name}\``, keys: keysOf('experiment'), context: contextFor(`experiment \`${name}\``) };
  const settings = checkSettings(exp.items, experimentBlock, accept, (b) => {
    const blockName = b.name.name;
    if (!BLOCKS.some((spec) => spec.name === blockName)) {
      const names = BLOCKS.map((spec) => spec.name);
      const suggestion = closest(blockName, names);
      const hint = keysOf('experiment').some((k) => k.key === blockName) ? `; \`${blockName}\` is a setting: write \`${blockName} = …\`` : '';
      accept('error', 'unknown-key', `unknown block \`${blockName}\` in experiment \`${name}\`: expected one of ${names.map((n) => `\`${n}\``).join(', ')}${didYouMean(suggestion)}${hint}`, b.name.range, suggestion);
      return;
    }
    const first = blocks.get(blockName);
    if (first) {
      const what = blockName === 'data' ? 'an experiment has exactly one `data` block' : `merge them into one \`${blockName} { … }\``;
      accept('error', 'duplicate', `block \`${blockName}\` appears twice in experiment \`${name}\` (first at line ${first.name.range.start.line + 1}): ${what}`, b.name.range);
      return;
    }
    blocks.set(blockName, b);
  });

  const data = blocks.has('data') ? checkData(blocks.get('data')!, contextFor, accept, options) : undefined;
  if (!blocks.has('data')) {
    accept('error', 'missing-data', `experiment \`${name}\` has no data: add a block such as \`data circle { samples = 64 }\` (sources: ${SOURCES.map((s) => s.name).join(', ')})`, exp.name.range);
  }
  const owned = (block: Owned): CheckedBlock => {
    const node = blocks.get(block);
    if (!node) return { settings: new Map<string, CheckedSetting>() };
    checkNoLabels(node, accept);
    const ctx: BlockContext = { label: block, keys: keysOf(block), context: contextFor(block) };
    return { node, settings: checkSettings(node.items, ctx, accept) };
  };
  const network = owned('network');
  const train = owned('train');
  const measure = owned('measure');
  const surface = blocks.has('surface') ? owned('surface') : undefined;
  const sweepNode = blocks.get('sweep');
  if (sweepNode) checkNoLabels(sweepNode, accept);
  const sweep = sweepNode
    ? checkSweep(sweepNode, { source: data?.source, hasSurface: surface !== undefined, dataVariables: dataVariables(data) }, contextFor, accept)
    : [];
  return { node: exp, settings, data, network, train, measure, surface, sweep };
}

function checkNoLabels(block: Block, accept: Acceptor): void {
  if (block.labels.length === 0) return;
  const first = block.labels[0];
  const last = block.labels[block.labels.length - 1];
  accept('error', 'label', `\`${block.name.name}\` takes nothing between its name and \`{\`: write \`${block.name.name} {\``, { start: first.range.start, end: last.range.end }, '');
}

/** The target variables of the data block's source, and how to list them in a message. */
function dataVariables(data: CheckedData | undefined): { variables?: readonly string[]; describe?: string } {
  if (!data?.source) return {};
  const spec = sourceSpec(data.source);
  if (spec?.variables === 'x1..xdim') {
    const dim = data.settings.get('dim')?.value;
    if (typeof dim !== 'number') return {};
    return { variables: targetVariables(data.source, dim), describe: dim === 1 ? '`x1`' : `\`x1\` … \`x${dim}\`` };
  }
  return { variables: targetVariables(data.source) };
}

function checkData(
  node: Block,
  contextFor: (label: string, variables?: readonly string[], describe?: string) => (spec: KeySpec) => ValueContext,
  accept: Acceptor,
  options: ExperimentOptions,
): CheckedData {
  const sourceNames = SOURCES.map((s) => s.name);
  const [label, ...rest] = node.labels;
  let source: DataSource | undefined;
  let path: StringLiteral | undefined;
  if (!label) {
    accept('error', 'label', `\`data\` needs a source between \`data\` and \`{\`: one of ${sourceNames.join(', ')}`, node.name.range);
  } else if (label.kind === 'string') {
    accept('error', 'label', `\`data\` needs a source name before the path: write \`data csv ${label.raw} {\``, label.range, `csv ${label.raw}`);
  } else if (!sourceSpec(label.name)) {
    const suggestion = closest(label.name, sourceNames);
    accept('error', 'unknown-value', `unknown data source \`${label.name}\`: expected one of ${sourceNames.map((n) => `\`${n}\``).join(', ')}${didYouMean(suggestion)}`, label.range, suggestion);
  } else {
    source = label.name as DataSource;
  }
  if (source === 'csv') {
    const [p, ...extra] = rest;
    if (!p || p.kind !== 'string') {
      accept('error', 'label', `\`data csv\` needs the file's path in double quotes: \`data csv "data.csv" {\``, p ? p.range : label!.range);
    } else {
      path = p;
      checkCsvPath(p, accept, options);
    }
    if (extra.length > 0) accept('error', 'label', 'unexpected text after the csv path: expected `{`', { start: extra[0].range.start, end: extra[extra.length - 1].range.end }, '');
  } else if (source && rest.length > 0) {
    accept('error', 'label', `data \`${source}\` takes no ${rest[0].kind === 'string' ? 'path' : 'second name'}: expected \`{\` after \`data ${source}\``, { start: rest[0].range.start, end: rest[rest.length - 1].range.end }, '');
  }
  if (!source) return { node, settings: new Map() };
  const where = `data ${source}`;
  const block: BlockContext = {
    label: where,
    keys: keysOf('data', source),
    // `dim` first: the target's variables x1 … xd depend on it.
    first: ['dim'],
    context: (spec, soFar) => {
      if (spec.key !== 'target') return contextFor(where)(spec);
      const { variables, describe } = dataVariables({ node, source, settings: soFar });
      return contextFor(where, variables, describe)(spec);
    },
  };
  const settings = checkSettings(node.items, block, accept);
  checkRequired(settings, block, node, accept);
  return { node, source, path, settings };
}

function checkCsvPath(p: StringLiteral, accept: Acceptor, options: ExperimentOptions): void {
  const lexical = lexicalEscape(p.value);
  if (lexical) {
    accept('error', 'path-escape', `csv path ${p.raw} ${leavesFolder(lexical)}`, p.range);
    return;
  }
  const problem = options.path === undefined ? undefined : options.dataFile?.(options.path, p.value);
  if (problem) accept('error', problem.code, `csv path ${p.raw} ${problem.message}`, p.range);
}
