import type { DataConfig, Direction, ExperimentConfig, MeasureConfig } from '../engine/config';
import type { SampleLoss } from '../catalogue/losses';
import { builtinLoss, isBuiltinLoss } from '../catalogue/losses';
import type { Activation } from '../catalogue/activation';
import { builtinActivation, isBuiltinActivation } from '../catalogue/activations';
import { compileActivation, compileLoss, compileTarget } from '../format/expressions';
import type { ResolvedBlock, ResolvedExperiment } from '../format/resolve';
import { DIRECTION_PATTERN, type EnumValue, type Json, type KeyName, type KeySpec, targetVariables } from '../format/schema';

/**
 * A resolved (concrete) experiment → the engine's ExperimentConfig (the bridge between the format and
 * the engine, which do not know each other, so it lives in the run layer above both): names become objects (built-in or
 * compiled custom activations and losses, target functions), widths are expanded to one per hidden
 * layer. CSV data must already be points: the caller reads the file (src/run/prepare.ts, through the
 * confinement) and loads it with withCsvLoaded, so compiling never touches a file. `compiled.activation`:
 * the experiment's activation when the caller has compiled it already (it must be the one it names).
 */
export function compileExperiment(exp: ResolvedExperiment, compiled: { readonly activation?: Activation } = {}): ExperimentConfig {
  if (exp.sweep.length > 0) {
    throw new Error(`experiment \`${exp.name}\` still has a sweep: compile each point of expandSweeps(experiment)`);
  }
  const s = reader('experiment', exp.settings);
  const net = reader('network', exp.network);
  const train = reader('train', exp.train);
  const depth = net.int('depth');
  const width = exp.network.width;
  const widths = Array.isArray(width) ? (width as number[]).slice() : Array.from({ length: depth - 1 }, () => width as number);
  if (widths.length !== depth - 1) throw new Error(`experiment \`${exp.name}\`: ${widths.length} widths for depth ${depth} (needs ${depth - 1})`);
  const config: ExperimentConfig = {
    name: exp.name,
    title: s.str('title'),
    seed: s.int('seed'),
    trials: s.int('trials'),
    data: compileData(exp),
    network: {
      depth,
      widths,
      // Compiled once: a plan that compiled it for its estimate passes it in.
      activation: compiled.activation ?? resolvedActivation(exp, net.str('activation')),
      beta: net.num('beta'),
      parametrization: net.oneOf('parametrization'),
    },
    loss: lossOf(exp, s.str('loss')),
    train: {
      learningRate: train.num('learning_rate'),
      steps: train.int('steps'),
      optimizer: train.oneOf('optimizer'),
      batchSize: train.int('batch_size'),
      momentum: train.num('momentum'),
      nesterov: train.bool('nesterov'),
      beta1: train.num('beta1'),
      beta2: train.num('beta2'),
      epsilon: train.num('epsilon'),
    },
    measure: compileMeasure(exp.measure),
  };
  requireBatchWithinData(config);
  if (!exp.surface) return config;
  const dirs = (exp.surface.directions as string[]).map(direction);
  const surface = reader('surface', exp.surface);
  return { ...config, surface: { directions: [dirs[0], dirs[1]], radius: surface.num('radius'), grid: surface.int('grid') } };
}

/**
 * A resolved block's settings, read by the schema's key names (KeyName: a key the block does not have
 * does not compile), each value's kind checked once more; an enumeration comes back as its schema's
 * literal type (EnumValue: `spacing` is 'log' | 'linear').
 */
interface BlockReader<B extends KeySpec['block']> {
  get(key: KeyName<B>): Json;
  num(key: KeyName<B>): number;
  int(key: KeyName<B>): number;
  str(key: KeyName<B>): string;
  bool(key: KeyName<B>): boolean;
  /** An enumeration's value; the validator has already refused any other. */
  oneOf<K extends KeyName<B>>(key: K): EnumValue<B, K>;
}

function reader<B extends KeySpec['block']>(name: B, block: ResolvedBlock): BlockReader<B> {
  const get = (key: string): Json => {
    if (!(key in block)) throw new Error(`compileExperiment: \`${key}\` is missing from the resolved ${name} block`);
    return block[key];
  };
  const num = (key: string): number => {
    const v = get(key);
    if (typeof v !== 'number') throw new Error(`compileExperiment: \`${key}\` should be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  const str = (key: string): string => {
    const v = get(key);
    if (typeof v !== 'string') throw new Error(`compileExperiment: \`${key}\` should be a name or string, got ${JSON.stringify(v)}`);
    return v;
  };
  const untyped = {
    get,
    num,
    str,
    int: (key: string) => {
      const v = num(key);
      if (!Number.isInteger(v)) throw new Error(`compileExperiment: \`${key}\` should be an integer, got ${v}`);
      return v;
    },
    bool: (key: string) => {
      const v = get(key);
      if (typeof v !== 'boolean') throw new Error(`compileExperiment: \`${key}\` should be true or false, got ${JSON.stringify(v)}`);
      return v;
    },
    oneOf: str,
  };
  // The checks are by value; the key names and enumeration types are the interface's, from the schema.
  return untyped as unknown as BlockReader<B>;
}

function definition(exp: ResolvedExperiment, kind: 'activation' | 'loss', name: string) {
  const def = exp.definitions.find((d) => d.kind === kind && d.name === name);
  if (!def) throw new Error(`experiment \`${exp.name}\`: no ${kind} named \`${name}\` (neither built in nor among the file's definitions)`);
  return def;
}

/** The activation a resolved experiment names: a built-in, or its definition compiled. */
export function resolvedActivation(exp: ResolvedExperiment, name: string): Activation {
  if (isBuiltinActivation(name)) return builtinActivation(name);
  const def = definition(exp, 'activation', name);
  return compileActivation({ name, param: def.params[0], body: def.formula });
}

function lossOf(exp: ResolvedExperiment, name: string): SampleLoss {
  if (isBuiltinLoss(name)) return builtinLoss(name);
  const def = definition(exp, 'loss', name);
  return compileLoss({ name, params: [def.params[0], def.params[1]], body: def.formula });
}

function compileData(exp: ResolvedExperiment): DataConfig {
  const d = exp.data;
  const r = reader('data', d);
  const common = { normalize: r.bool('normalize'), noise: r.num('noise') };
  const where = `in the target of experiment \`${exp.name}\``;
  switch (d.source) {
    case 'mnist':
      return {
        ...common,
        source: 'mnist',
        samples: r.int('samples'),
        size: r.int('size') as 7 | 14 | 28,
        digits: (d.digits as number[]).slice(),
        target: r.oneOf('target'),
      };
    case 'disk':
    case 'circle':
      return { ...common, source: d.source, samples: r.int('samples'), target: compileTarget(r.str('target'), targetVariables(d.source), where) };
    case 'gaussian': {
      const dim = r.int('dim');
      return { ...common, source: 'gaussian', samples: r.int('samples'), dim, target: compileTarget(r.str('target'), targetVariables('gaussian', dim), where) };
    }
    case 'points': {
      const targets = d.targets as (number | number[])[];
      return {
        ...common,
        source: 'points',
        inputs: (d.inputs as number[][]).map((r) => r.slice()),
        targets: targets.map((t) => (Array.isArray(t) ? t.slice() : [t])),
      };
    }
    case 'csv':
      throw new Error(`experiment \`${exp.name}\` reads csv data: load its rows first with withCsvLoaded (compiling reads no file)`);
  }
}

function compileMeasure(block: ResolvedBlock): MeasureConfig {
  const m = reader('measure', block);
  const exact = m.get('exact');
  const every = m.get('every');
  const base: MeasureConfig = {
    points: m.int('points'),
    spacing: m.oneOf('spacing'),
    moments: m.int('moments'),
    probes: m.int('probes'),
    top: m.int('top'),
    bottom: m.int('bottom'),
    density: m.int('density'),
    orthogonality: m.bool('orthogonality'),
    theory: m.bool('theory'),
    layers: m.bool('layers'),
    exact: exact === 'auto' ? 'auto' : exact === true,
  };
  return typeof every === 'number' ? { ...base, every } : base;
}

function direction(text: string): Direction {
  if (text === 'random') return { kind: 'random' };
  const m = DIRECTION_PATTERN.exec(text);
  if (!m) throw new Error(`compileExperiment: \`${text}\` is not a direction (I1…, S1…, H1… or random)`);
  return { kind: m[1] as 'I' | 'S' | 'H', index: Number(m[2]) };
}

/**
 * `sgd`'s batches come from the training set. The checker says so where the file gives the number of
 * samples; a csv file's rows are known only here, once it is read.
 */
function requireBatchWithinData(config: ExperimentConfig): void {
  if (config.train.optimizer !== 'sgd') return;
  const d = config.data;
  const samples = d.source === 'points' ? d.inputs.length : d.samples;
  if (config.train.batchSize > samples) {
    throw new Error(`experiment \`${config.name}\`: train.batch_size = ${config.train.batchSize} is larger than the training set (${samples} samples): use at most ${samples}, or \`optimizer = gd\` for full batches`);
  }
}
