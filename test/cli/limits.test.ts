import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { nodeIO } from '../../src/cli/io';
import type { RunInfo } from '../../src/contracts/runStore';
import { ntkexp as spawnCli } from '../helpers/cli';

// What cannot run, as `ntkexp` says it: the empty file, wrong integers, runs beyond the limits,
// overflowing activations and data. Exit 0, 1 or 2 with a message in the user's terms, never a stack
// trace; exit 3 is left to bugs, with a line asking for a report.

const dir = mkdtempSync(join(tmpdir(), 'ntkexp-clilimits-'));

function ntkexp(args: string[]) {
  const r = spawnCli(args, { timeout: 120_000 });
  assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `exit ${r.status} (signal ${r.signal}) for ${args.join(' ')}:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error|TypeError|RangeError/, `no stack trace or internal error:\n${r.stderr}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function experiment(name: string, over: { experiment?: string; data?: string; network?: string; train?: string; measure?: string; extra?: string; defs?: string } = {}): string {
  return write(
    `${name}.ntkexp`,
    `${over.defs ?? ''}
experiment ${name} {
  ${over.experiment ?? 'seed = 1'}
  data ${over.data ?? 'circle { samples = 8 }'}
  network { ${over.network ?? 'depth = 2; width = 8'} }
  train { ${over.train ?? 'steps = 4'} }
  measure { ${over.measure ?? 'points = 2; probes = 2; top = 1; theory = false'} }
  ${over.extra ?? ''}
}
`,
  );
}

test('an empty, whitespace-only or comment-only file: check warns that it has no experiment (exit 0); run lists that reason and exits 2', () => {
  for (const [name, text] of [
    ['empty', ''],
    ['blank', ' \n\t\n  \n'],
    ['comments', '# a title\n# nothing else yet\n'],
  ]) {
    const file = write(`${name}.ntkexp`, text);
    const check = ntkexp(['check', file]);
    assert.equal(check.status, 0);
    assert.equal(check.stdout, `${file}:1:1: warning: the file has no experiment (nothing to run): add one, such as \`experiment demo { data circle { samples = 64 } }\` (NTKEXP.md)\n`);
    const run = ntkexp(['run', file]);
    assert.equal(run.status, 2);
    assert.equal(run.stderr, `${check.stdout}ntkexp run: ${file} has no experiment; nothing was run\n`);
  }
  const defs = write('defs.ntkexp', 'activation swish(x) = x * sigmoid(x)\n');
  assert.match(ntkexp(['check', defs]).stdout, /1:1: warning: the file has no experiment \(its definitions alone run nothing\)/);
});

test('integers say their real rule, in the file and on the command line', () => {
  const seed = experiment('seed', { experiment: 'seed = 1e20' });
  const check = ntkexp(['check', seed]);
  assert.equal(check.status, 1);
  assert.match(check.stdout, /:3:10: error: `seed` in experiment `seed` must be in 0\.\.9007199254740991 \(2\^53 − 1\), got 1e20\n/);
  assert.equal(ntkexp(['run', seed]).status, 2);
  const steps = experiment('steps', { train: 'steps = 9007199254740993' });
  assert.match(ntkexp(['check', steps]).stdout, /`steps` in train must be at most 9007199254740991 \(2\^53 − 1, the largest integer a number holds exactly\), got 9007199254740993 \(read as 9007199254740992\)/);
  const ok = experiment('ok');
  for (const [flag, value, message] of [
    ['--seed', '1e20', /^ntkexp run: --seed must be an integer from 0 to 9007199254740991 \(2\^53 − 1\), got 1e20\n/],
    ['--trials', '1.5', /^ntkexp run: --trials must be an integer from 1 to 9007199254740991 \(2\^53 − 1\), got 1\.5\n/],
    ['--max-hours', '0', /^ntkexp run: --max-hours must be a number of hours > 0/],
  ] as const) {
    const r = ntkexp(['run', ok, flag, value]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, message);
  }
});

test('run refuses what cannot finish before anything starts (exit 2, no folder), naming the phase and what to lower; check warns the same on the setting', () => {
  const ten = (f: (i: number) => string) => `[${Array.from({ length: 10 }, (_, i) => f(i)).join(', ')}]`;
  const cases: [string, Parameters<typeof experiment>[1], RegExp, number][] = [
    ['million_trials', { experiment: 'trials = 1000000' }, /^trials: 1000000 trials in one run, more than 10000: lower trials/, 3],
    ['every_step', { train: 'steps = 1000000000', measure: 'every = 1' }, /^measurements: 1000000001 per trial \(every step of 1000000000\), more than 100000/, 7],
    ['huge_grid', { measure: 'points = 2; top = 2', extra: 'surface { grid = 10000 }' }, /^surface: grid = 10000 is 100000000 loss evaluations, more than 1002001/, 8],
    ['deep', { network: 'depth = 100000; width = 2' }, /^network: depth = 100000 layers, more than 10000: lower depth$/, 5],
    ['long', { train: 'steps = 1000000000000' }, /^time: the run would take about [\d.e+]+ years .*most of it is training: 1000000000000 steps × .*raise the limit with `ntkexp run --max-hours`$/, 6],
    [
      'million_sweep',
      { extra: `sweep { seed = ${ten((i) => String(i))}; beta = ${ten((i) => String((i + 1) / 10))}; width = ${ten((i) => String(i + 1))}; learning_rate = ${ten((i) => String((i + 1) / 10))}; noise = ${ten((i) => `0.${i}`)}; steps = ${ten((i) => String(i + 1))} }` },
      /^sweep: 1000000 combinations \(seed: 10 × beta: 10 × width: 10 × learning_rate: 10 × noise: 10 × steps: 10\), more than 10000 in one run/,
      8,
    ],
  ];
  for (const [name, over, message, line] of cases) {
    const file = experiment(name, over);
    const out = join(dir, `out-${name}`);
    const run = ntkexp(['run', file, '--out', out]);
    assert.equal(run.status, 2, `${name}: ${run.stderr}`);
    const said = run.stderr.replace(/^ntkexp run: /, '').replace(/^the run cannot start:\n {2}/, '');
    assert.match(said.split('\n')[0], message, name);
    assert.equal(existsSync(out), false, `${name}: no folder`);
    assert.equal(existsSync(join(dir, 'ntkexp-runs')), false, `${name}: no default folder either`);
    const check = ntkexp(['check', file]);
    assert.equal(check.status, 0, `${name}: warnings only`);
    const warning = check.stdout.split('\n').find((l) => l.includes('warning: `ntkexp run` would refuse this: '))!;
    assert.ok(warning, `${name}: ${check.stdout}`);
    assert.match(warning.replace(/^.*would refuse this: /, ''), message, name);
    assert.equal(Number(warning.split(':')[1]), line, `${name}: the warning sits on the setting to lower`);
  }
  // ntkexp theory: the same estimate, before computing anything.
  const theory = ntkexp(['theory', join(dir, 'deep.ntkexp')]);
  assert.equal(theory.status, 2);
  assert.equal(theory.stderr, 'ntkexp theory: deep: network: depth = 100000 layers, more than 10000: lower depth\n');
  // The ceiling is a flag: a tiny run refused under a ceiling of a few milliseconds.
  const tiny = experiment('tiny');
  const refused = ntkexp(['run', tiny, '--max-hours', '0.000001', '--out', join(dir, 'out-tiny')]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /^ntkexp run: time: the run would take about .* more than the limit of 3\.6 ms/);
  assert.match(ntkexp(['run', '--help']).stdout, /--max-hours H\s+Refuse a run estimated to take longer than H hours \(default 168: a week\)/);
});

test('an activation that overflows fails the trial (exit 1) naming it, the step and the phase, kept in run.json; overflowing data is refused (exit 2)', () => {
  const file = experiment('boom', { defs: 'activation boom(x) = exp(exp(x))', network: 'depth = 3; width = 8; activation = boom' });
  const out = join(dir, 'out-boom');
  const run = ntkexp(['run', file, '--out', out, '--quiet']);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /trial 0 failed: the network overflowed at step 0 \(initialization: entry \d+ of the network's outputs is -?(Infinity|NaN)\): activation `boom` \(σ\(x\) = exp\(exp\(x\)\)\) or its derivatives overflow at depth 3 with β = 0\.1: lower depth \(3\) or beta \(0\.1\)/);
  assert.doesNotMatch(run.stderr, /denseEigen/);
  const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunInfo;
  assert.equal(info.status, 'failed');
  assert.match(info.error ?? '', /activation `boom`/);
  assert.deepEqual(Object.keys(info.estimate?.phases ?? {}), ['training', 'measurements', 'surface', 'theory', 'records'], 'run.json keeps the estimate of every phase');
  assert.deepEqual(readdirSync(out).filter((f) => f.endsWith('.tmp')), []);

  const theory = experiment('boom_theory', { defs: 'activation boom(x) = exp(exp(x))', network: 'depth = 3; width = 8; activation = boom', measure: 'points = 2; probes = 2; top = 1; theory = true' });
  const withTheory = ntkexp(['run', theory, '--out', join(dir, 'out-boom-theory'), '--quiet']);
  assert.equal(withTheory.status, 1);
  assert.match(withTheory.stderr, /the theory overflowed at step 0 \(theory: entry \d+ of the kernel Σ at layer 2 is (Infinity|NaN)\): the Gaussian expectations of activation `boom` .* set theory = false/);

  const noisy = experiment('noisy', { data: 'circle { samples = 8; noise = 1e308 }' });
  const refused = ntkexp(['run', noisy, '--out', join(dir, 'out-noisy')]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /^ntkexp run: data circle: the targets reach ([\d.e+]+|Infinity) \(noise = 1e\+308\), too large to square: lower noise, or rescale the target\n$/);
  assert.equal(existsSync(join(dir, 'out-noisy')), false);
});

test('exit 3 is a bug, reported as one: the error and a line asking for a report', async () => {
  const file = write('bug.ntkexp', ''); // a warning to print: the verb's stdout throws
  let stderr = '';
  const status = await main(['check', file], {
    ...nodeIO,
    stdout: () => {
      throw new TypeError('a bug in a verb');
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  assert.equal(status, 3);
  assert.match(stderr, /^ntkexp check: internal error: TypeError: a bug in a verb\n/);
  assert.match(stderr, /\nThis is a bug in ntkexp \d+\.\d+\.\d+ \(Node v\d+/);
  assert.match(stderr, /please report it with the command line, the \.ntkexp file and the output above\.\n$/);
});
