/**
 * src/run/compile.ts and the engine's config types derived from the key table
 * (src/contracts/experimentKeys.ts `Settings`). The types: the derived ones are exactly the shapes the
 * engine reads (checked at compile time: a wrong one fails `npm run typecheck`). The values: every
 * plain key of the table reaches the compiled config under its camelCase name with the value the file
 * resolved to, across every block and the examples that set them differently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MeasureConfig, NetworkConfig, SurfaceConfig, TrainConfig } from '../../src/engine/config';
import type { Activation } from '../../src/catalogue/activation';
import { expandSweeps, resolve } from '../../src/format/index';
import { keysOf } from '../../src/format/schema';
import { compileExperiment } from '../../src/run/compile';

/** True when A and B are the same type (not merely assignable both ways). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const measureShape: Equal<
  MeasureConfig,
  {
    readonly points: number;
    readonly spacing: 'log' | 'linear';
    readonly every?: number;
    readonly moments: number;
    readonly probes: number;
    readonly top: number;
    readonly bottom: number;
    readonly density: number;
    readonly orthogonality: boolean;
    readonly theory: boolean;
    readonly layers: boolean;
    readonly exact: 'auto' | boolean;
  }
> = true;
const trainShape: Equal<
  TrainConfig,
  {
    readonly learningRate: number;
    readonly steps: number;
    readonly optimizer: 'gd' | 'sgd' | 'momentum' | 'adam';
    readonly batchSize: number;
    readonly momentum: number;
    readonly nesterov: boolean;
    readonly beta1: number;
    readonly beta2: number;
    readonly epsilon: number;
  }
> = true;
const networkShape: Equal<NetworkConfig, { readonly depth: number; readonly beta: number; readonly parametrization: 'ntk' | 'mean_field' } & { readonly widths: readonly number[]; readonly activation: Activation }> = true;
const surfaceShape: Equal<Omit<SurfaceConfig, 'directions'>, { readonly radius: number; readonly grid: number }> = true;

const camel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

test('every plain key of the table reaches the compiled config under its camelCase name, with its resolved value', (t) => {
  assert.ok(measureShape && trainShape && networkShape && surfaceShape);
  // The keys the compiler turns into something else (objects, one width per layer) and where they go.
  const transformed = new Set(['network.width', 'network.activation', 'surface.directions']);
  let compared = 0;
  let experiments = 0;
  for (const file of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.ntkexp') && f !== 'csv-data.ntkexp')) {
    const resolved = resolve(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'), { path: path.join(EXAMPLES, file) });
    for (const exp of resolved.experiments.flatMap(expandSweeps)) {
      const config = compileExperiment(exp);
      experiments++;
      const blocks = { measure: [exp.measure, config.measure], train: [exp.train, config.train], network: [exp.network, config.network], surface: [exp.surface, config.surface] } as const;
      for (const [name, [source, compiled]] of Object.entries(blocks)) {
        if (!source || !compiled) continue;
        for (const spec of keysOf(name as keyof typeof blocks)) {
          if (transformed.has(`${name}.${spec.key}`)) continue;
          const value: unknown = (source as Record<string, unknown>)[spec.key];
          const field: unknown = (compiled as unknown as Record<string, unknown>)[camel(spec.key)];
          if (value === null) assert.equal(field, undefined, `${file}: ${name}.${spec.key} is none`);
          else assert.deepEqual(field, value, `${file}: ${name}.${spec.key}`);
          compared++;
        }
      }
      for (const key of ['title', 'seed', 'trials'] as const) assert.equal(config[key], exp.settings[key], `${file}: ${key}`);
    }
  }
  assert.ok(compared > 200, `${compared} settings compared`);
  t.diagnostic(`${compared} settings compared over ${experiments} compiled experiments`);
});
