import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS, resolve, type KeySpec } from '../../src/format/index';
import { chooseRun } from '../../src/run/choose';
import { diagnoseFile } from '../../src/run/diagnose';
import { RunRefused, planRun } from '../../src/run/plan';
import { tempDir } from './helpers';

// Every numeric key of the schema at extreme values, written in its block and in a sweep, through
// `ntkexp check`'s diagnostics and the run's plan: each either gets a diagnostic naming the key, or a
// plan, or a refusal in the user's terms — never another exception. And check and run agree: the
// limits check warns about are exactly the ones the run refuses.

const EXTREMES = ['0', '-1', '1e6', '1e12', '1e20', '1e308', '9007199254740993', '1.5', '1e-400', '2^60', '-1e308'];
const machine = { availableMemoryMb: 8000, freeDiskBytes: 1e12, workers: 2 };
const dir = tempDir('ntkexp-extremes-');
const file = join(dir, 'extreme.ntkexp');
const outputDir = join(dir, 'ntkexp-runs');
/** A refusal names its phase (limits.ts) or the data (plan.ts) first. */
const REFUSAL = /^(time|memory|records|measurements|trials|surface|network|sweep|data \w+): /;

/** A small valid experiment with `key = value` in its block (or its sweep), every other setting small. */
function fileWith(spec: KeySpec, value: string, swept: boolean): string {
  const source = spec.block === 'data' ? (spec.sources?.[0] ?? 'circle') : 'circle';
  const small: Record<string, Record<string, string>> = {
    experiment: { trials: '1' },
    data: source === 'gaussian' ? { dim: '2', target: 'x1' } : source === 'mnist' ? { samples: '16' } : { samples: '8' },
    network: { depth: '2', width: '8' },
    train: { steps: '3' },
    measure: { points: '2', probes: '2', top: '2', exact: 'false' },
    surface: { grid: '3' },
  };
  if (!swept) small[spec.block][spec.key] = value;
  else delete small[spec.block][spec.key];
  const block = (name: string): string => Object.entries(small[name]).map(([k, v]) => `${k} = ${v}`).join('; ');
  return [
    'experiment e {',
    `  ${block('experiment')}`,
    `  data ${source} { ${block('data')} }`,
    `  network { ${block('network')} }`,
    `  train { ${block('train')} }`,
    `  measure { ${block('measure')} }`,
    `  surface { ${block('surface')} }`,
    swept ? `  sweep { ${spec.key} = [${value}] }` : '',
    '}',
    '',
  ].join('\n');
}

/** check, then (when it has no errors) plan: the outcome in words, or an assertion failure. */
function outcome(text: string, spec: KeySpec): string {
  writeFileSync(file, text);
  const diagnostics = diagnoseFile(text, { path: file, machine: { ...machine, outputDir } });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    for (const e of errors) assert.match(e.message, new RegExp(`\`${spec.key}\``), `an error names the key: ${e.message}`);
    return `error: ${errors[0].message}`;
  }
  const warned = diagnostics.filter((d) => d.code === 'limit').map((d) => d.message.replace(/^`ntkexp run` would refuse this: /, ''));
  const { experiments } = resolve(text, { path: file });
  let refused: string[] = [];
  try {
    planRun({ experiments: chooseRun(experiments, undefined).experiments, ...machine, outputDir });
  } catch (e) {
    if (!(e instanceof RunRefused)) throw e;
    refused = e.message.replace(/^the run cannot start:\n {2}/, '').split('\n  ');
    for (const r of refused) assert.match(r, REFUSAL, `a refusal in the user's terms: ${r}`);
  }
  const limits = refused.filter((r) => !r.startsWith('data '));
  assert.deepEqual([...limits].sort(), [...warned].sort(), 'check warns about exactly what the run refuses');
  return refused.length ? `refused: ${refused[0]}` : 'planned';
}

const numeric = KEYS.filter((k) => k.type.kind === 'integer' || k.type.kind === 'number');

test('the table covers every numeric key of the schema', () => {
  assert.deepEqual(
    numeric.map((k) => `${k.block}.${k.key}`).sort(),
    KEYS.filter((k) => k.type.kind === 'integer' || k.type.kind === 'number')
      .map((k) => `${k.block}.${k.key}`)
      .sort(),
  );
  assert.ok(numeric.length >= 20, `${numeric.length} numeric keys`);
});

for (const spec of numeric) {
  for (const swept of [false, true]) {
    test(`${spec.block}${spec.sources ? ` ${spec.sources[0]}` : ''}.${spec.key}${swept ? ' in a sweep' : ''} at ${EXTREMES.join(', ')}: a diagnostic naming it, a plan or a refusal`, () => {
      const seen = new Map<string, string>();
      for (const value of EXTREMES) seen.set(value, outcome(fileWith(spec, value, swept), spec));
      // Negative and overflowing values are never accepted where the schema has a minimum of 0 or more.
      if (spec.type.kind === 'integer' || (spec.type.kind === 'number' && spec.type.min !== undefined)) {
        assert.match(seen.get('-1e308')!, /^error: /);
      }
      if (spec.type.kind === 'integer') {
        for (const v of ['1e20', '1e308', '9007199254740993', '1.5', '2^60']) assert.match(seen.get(v)!, /^error: /, `${spec.key} = ${v}`);
      }
      const accepted = [...seen.values()].filter((o) => !o.startsWith('error: '));
      // A size that is accepted at 10^12 is refused by the limits, never planned; these keys are no size
      // (a seed, scales, Adam's ε) or are bounded by others (top by P, points and every by steps,
      // batch_size by the samples: 37-optimizers.ntkexp).
      if (!['seed', 'noise', 'beta', 'learning_rate', 'radius', 'top', 'bottom', 'points', 'every', 'epsilon', 'batch_size'].includes(spec.key) && !seen.get('1e12')!.startsWith('error: ')) {
        assert.match(seen.get('1e12')!, /^refused: /, `${spec.key} = 1e12`);
      }
      assert.ok(accepted.length + [...seen.values()].filter((o) => o.startsWith('error: ')).length === EXTREMES.length);
    });
  }
}

test('huge lists: a width per layer of a deep network, thousands of digits, points or directions', () => {
  const many = (n: number, f: (i: number) => string) => `[${Array.from({ length: n }, (_, i) => f(i)).join(', ')}]`;
  const width = KEYS.find((k) => k.key === 'width')!;
  assert.match(outcome(`experiment e {\n  data circle { samples = 8 }\n  network { depth = 20001; width = ${many(20000, () => '2')} }\n}\n`, width), /^refused: network: depth = 20001 layers, more than 10000/);
  assert.match(outcome(`experiment e {\n  data circle { samples = 8 }\n  network { depth = 3; width = ${many(20000, () => '2')} }\n}\n`, width), /^error: `width` lists 20000 widths but network\.depth = 3 needs 2/);
  const digits = KEYS.find((k) => k.key === 'digits')!;
  assert.match(outcome(`experiment e {\n  data mnist { digits = ${many(5000, (i) => String(i % 12))} }\n}\n`, digits), /^error: `digits` in data mnist/);
  const inputs = KEYS.find((k) => k.key === 'inputs')!;
  const points = `data points { inputs = ${many(20000, (i) => `[${i % 7}, 1]`)}; targets = ${many(20000, (i) => String(i % 3))} }`;
  assert.match(outcome(`experiment e {\n  ${points}\n  network { depth = 2; width = 8 }\n}\n`, inputs), /^refused: memory: .*Gram matrices|^refused: (time|records|memory): /);
  const directions = KEYS.find((k) => k.key === 'directions')!;
  assert.match(outcome(`experiment e {\n  data circle { samples = 8 }\n  surface { directions = ${many(3000, () => 'random')} }\n}\n`, directions), /^error: `directions` in surface expects a list of two/);
});
