import type { DataConfig, Direction, ExperimentConfig, MeasureConfig } from '../engine/config';
import type { SampleLoss } from '../catalogue/losses';
import { builtinLoss, isBuiltinLoss } from '../catalogue/losses';
import type { Activation } from '../catalogue/activation';
import { builtinActivation, isBuiltinActivation } from '../catalogue/activations';
import { compileActivation, compileLoss, compileTarget } from './expressions';
import type { ResolvedBlock, ResolvedExperiment } from './resolve';
import { DIRECTION_PATTERN, type Json, targetVariables } from './schema';

/**
 * A resolved (concrete) experiment → the engine's ExperimentConfig: names become objects (built-in or
 * compiled custom activations and losses, target functions), widths are expanded to one per hidden
 * layer. CSV data must already be points: the caller reads the file (src/run/prepare.ts, through the
 * confinement) and loads it with withCsvLoaded, so compiling never touches a file.
 */
export function compileExperiment(exp: ResolvedExperiment): ExperimentConfig {
  if (exp.sweep.length > 0) {
    throw new Error(`experiment \`${exp.name}\` still has a sweep: compile each point of expandSweeps(experiment)`);
  }
  const s = exp.settings;
  const depth = int(exp.network, 'depth');
  const width = exp.network.width;
  const widths = Array.isArray(width) ? (width as number[]).slice() : Array.from({ length: depth - 1 }, () => width as number);
  if (widths.length !== depth - 1) throw new Error(`experiment \`${exp.name}\`: ${widths.length} widths for depth ${depth} (needs ${depth - 1})`);
  const config: ExperimentConfig = {
    name: exp.name,
    title: str(s, 'title'),
    seed: int(s, 'seed'),
    trials: int(s, 'trials'),
    data: compileData(exp),
    network: {
      depth,
      widths,
      activation: resolvedActivation(exp, str(exp.network, 'activation')),
      beta: num(exp.network, 'beta'),
      parametrization: str(exp.network, 'parametrization') as 'ntk' | 'mean_field',
    },
    loss: lossOf(exp, str(s, 'loss')),
    train: { learningRate: num(exp.train, 'learning_rate'), steps: int(exp.train, 'steps') },
    measure: compileMeasure(exp.measure),
  };
  if (!exp.surface) return config;
  const dirs = (exp.surface.directions as string[]).map(direction);
  return { ...config, surface: { directions: [dirs[0], dirs[1]], radius: num(exp.surface, 'radius'), grid: int(exp.surface, 'grid') } };
}

function get(block: ResolvedBlock, key: string): Json {
  if (!(key in block)) throw new Error(`compileExperiment: \`${key}\` is missing from the resolved block`);
  return block[key];
}

function num(block: ResolvedBlock, key: string): number {
  const v = get(block, key);
  if (typeof v !== 'number') throw new Error(`compileExperiment: \`${key}\` should be a number, got ${JSON.stringify(v)}`);
  return v;
}

function int(block: ResolvedBlock, key: string): number {
  const v = num(block, key);
  if (!Number.isInteger(v)) throw new Error(`compileExperiment: \`${key}\` should be an integer, got ${v}`);
  return v;
}

function str(block: ResolvedBlock, key: string): string {
  const v = get(block, key);
  if (typeof v !== 'string') throw new Error(`compileExperiment: \`${key}\` should be a name or string, got ${JSON.stringify(v)}`);
  return v;
}

function bool(block: ResolvedBlock, key: string): boolean {
  const v = get(block, key);
  if (typeof v !== 'boolean') throw new Error(`compileExperiment: \`${key}\` should be true or false, got ${JSON.stringify(v)}`);
  return v;
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
  const common = { normalize: bool(d, 'normalize'), noise: num(d, 'noise') };
  const where = `in the target of experiment \`${exp.name}\``;
  switch (d.source) {
    case 'mnist':
      return {
        ...common,
        source: 'mnist',
        samples: int(d, 'samples'),
        size: int(d, 'size') as 7 | 14 | 28,
        digits: (d.digits as number[]).slice(),
        target: str(d, 'target') as 'parity' | 'onehot',
      };
    case 'disk':
    case 'circle':
      return { ...common, source: d.source, samples: int(d, 'samples'), target: compileTarget(str(d, 'target'), targetVariables(d.source), where) };
    case 'gaussian': {
      const dim = int(d, 'dim');
      return { ...common, source: 'gaussian', samples: int(d, 'samples'), dim, target: compileTarget(str(d, 'target'), targetVariables('gaussian', dim), where) };
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

function compileMeasure(m: ResolvedBlock): MeasureConfig {
  const exact = get(m, 'exact');
  const every = get(m, 'every');
  const base: MeasureConfig = {
    points: int(m, 'points'),
    spacing: str(m, 'spacing') as 'log' | 'linear',
    moments: int(m, 'moments'),
    probes: int(m, 'probes'),
    top: int(m, 'top'),
    bottom: int(m, 'bottom'),
    density: int(m, 'density'),
    orthogonality: bool(m, 'orthogonality'),
    theory: bool(m, 'theory'),
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
