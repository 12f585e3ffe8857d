import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERBS } from '../../src/cli/main';
import { check } from '../../src/format/index';
import { ROOT, ntkexp } from '../helpers/cli';

/** The command line as users run it: `node bin/ntkexp.js …` in a child process, from the sources. */

const run = (args: string[], input?: string) => ntkexp(args, { input });

const tmp = mkdtempSync(join(tmpdir(), 'ntkexp-cli-'));
const clean = join(ROOT, 'examples', 'quickstart.ntkexp');
const broken = join(tmp, 'broken.ntkexp');
writeFileSync(broken, 'experiment e {\n  data circle {}\n  network { widht = 3 }\n  measure { points = 1 }\n}\n');
const warned = join(tmp, 'warned.ntkexp');
writeFileSync(warned, 'activation unused(x) = x\nexperiment e { data circle {} }\n');
const messy = join(tmp, 'messy.ntkexp');
writeFileSync(messy, 'experiment e{\ndata circle{samples=16}\n  seed=1\n}\n');

test('--help lists every verb and exits 0; no arguments prints it and exits 2; --version', () => {
  const help = run(['--help']);
  assert.equal(help.status, 0);
  for (const v of VERBS) assert.match(help.stdout, new RegExp(`^  ${v.name}\\b`, 'm'));
  const none = run([]);
  assert.equal(none.status, 2);
  assert.match(none.stdout, /Usage: ntkexp VERB/);
  const version = run(['--version']);
  assert.equal(version.status, 0);
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
});

for (const verb of VERBS) {
  test(`${verb.name} --help documents every flag and exits 0`, () => {
    const r = run([verb.name, '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.startsWith(`Usage: ${verb.usage}`));
    for (const f of [...verb.flags, { name: 'help' }]) assert.match(r.stdout, new RegExp(`--${f.name}\\b`), `--${f.name}`);
  });
}

test('check: a clean file prints nothing and exits 0', () => {
  const r = run(['check', clean]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
});

test('check: errors print FILE:LINE:COL: error: MESSAGE (1-based) and exit 1', () => {
  const r = run(['check', broken, clean]);
  assert.equal(r.status, 1);
  const expected = check(readFileSync(broken, 'utf8'), { path: broken }).map(
    (d) => `${broken}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message}`,
  );
  assert.equal(expected.length, 2);
  assert.deepEqual(r.stdout.trimEnd().split('\n'), expected);
  assert.match(r.stdout, new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:13: error: unknown key \`widht\``, 'm'));
  assert.match(r.stderr, /2 errors and 0 warnings/);
});

test('check: warnings alone exit 0', () => {
  const r = run(['check', warned]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /:1:12: warning: activation `unused` is defined but no experiment uses it/);
});

test('check --json prints one array of {file, line, column, endLine, endColumn, severity, code, message}', () => {
  const r = run(['check', '--json', broken, warned]);
  assert.equal(r.status, 1);
  const items = JSON.parse(r.stdout) as Record<string, unknown>[];
  assert.equal(items.length, 3);
  for (const item of items) assert.deepEqual(Object.keys(item), ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']);
  assert.deepEqual(items[0], {
    file: broken,
    line: 3,
    column: 13,
    endLine: 3,
    endColumn: 18,
    severity: 'error',
    code: 'unknown-key',
    message: items[0].message,
  });
  assert.equal(items[2].code, 'unused-definition');
  const empty = run(['check', '--json', clean]);
  assert.equal(empty.status, 0);
  assert.deepEqual(JSON.parse(empty.stdout), []);
});

test('check: an unreadable file or a missing argument exits 2', () => {
  const missing = run(['check', join(tmp, 'nope.ntkexp'), clean]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read .*nope\.ntkexp: it does not exist$/m);
  const folder = run(['check', tmp]);
  assert.equal(folder.status, 2);
  assert.match(folder.stderr, /it is a folder/);
  const none = run(['check']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /missing FILE/);
});

test('check reads standard input for -', () => {
  const r = run(['check', '-'], 'experiment e {\n  data circle { samples = 0 }\n}\n');
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^-:2:27: error: `samples` in data circle must be ≥ 1, got 0$/m);
});

test('unknown flags and verbs are usage errors (exit 2) with a hint', () => {
  const flag = run(['check', '--jsn', clean]);
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /unknown flag --jsn; did you mean --json\?/);
  assert.match(flag.stderr, /Usage: ntkexp check/);
  const verb = run(['chek', clean]);
  assert.equal(verb.status, 2);
  assert.match(verb.stderr, /unknown verb `chek`; did you mean `check`\?/);
  const value = run(['check', '--json=yes', clean]);
  assert.equal(value.status, 2);
  assert.match(value.stderr, /--json takes no value/);
});

test('fmt prints the formatted file; --check lists unformatted files and exits 1', () => {
  const r = run(['fmt', messy]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'experiment e {\n  data circle { samples = 16 }\n  seed = 1\n}\n');
  const checked = run(['fmt', '--check', messy, clean]);
  assert.equal(checked.status, 1);
  assert.equal(checked.stdout, `${messy}: not formatted\n`);
  assert.equal(run(['fmt', '--check', clean]).status, 0);
});

test('fmt --write rewrites only files that change; then --check passes', () => {
  const copy = join(tmp, 'copy.ntkexp');
  copyFileSync(messy, copy);
  const w = run(['fmt', '--write', copy, clean]);
  assert.equal(w.status, 0, w.stderr);
  assert.equal(w.stderr, `formatted ${copy}\n`);
  assert.equal(readFileSync(copy, 'utf8'), 'experiment e {\n  data circle { samples = 16 }\n  seed = 1\n}\n');
  assert.equal(run(['fmt', '--check', copy]).status, 0);
});

test('fmt: usage errors exit 2; a file that does not parse exits 1 with its errors', () => {
  assert.equal(run(['fmt', '--write', '--check', messy]).status, 2);
  assert.equal(run(['fmt', messy, clean]).status, 2);
  const bad = join(tmp, 'syntax.ntkexp');
  writeFileSync(bad, 'experiment e {\n  seed = = 1\n}\n');
  const r = run(['fmt', bad]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /syntax\.ntkexp:2:10: error: expected a value after `seed =`/);
  assert.equal(readFileSync(bad, 'utf8'), 'experiment e {\n  seed = = 1\n}\n');
});

test('theory: a file with errors exits 1; an unknown experiment is a usage error', () => {
  const r = run(['theory', broken]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unknown key `widht`/);
  const swept = join(tmp, 'swept.ntkexp');
  writeFileSync(swept, 'experiment fig1 {\n  data circle {}\n  sweep { width = [250, 500] }\n}\n');
  const unknown = run(['theory', swept, '--experiment', 'fig2']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no experiment named `fig2`.*fig1\[width=250\]/);
});

test('theory --json: the kernels as N×N arrays and the expected moments at every measurement step', () => {
  const r = run(['theory', clean, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.experiment, 'quickstart');
  assert.equal(out.N, 32);
  for (const name of ['Sigma', 'Theta', 'Phi', 'Xi', 'Lambda', 'Upsilon']) {
    assert.equal(out.kernels[name].length, 32, name);
    assert.equal(out.kernels[name][0].length, 32, name);
  }
  assert.deepEqual(
    out.predictions.map((p: { step: number }) => p.step),
    [0, 2, 5, 10, 21, 44, 94, 200],
  );
  const first = out.predictions[0];
  assert.equal(first.t, 0);
  for (const A of ['H', 'I', 'S']) assert.equal(first.expected[A].length, 4);
  // E Tr S(0) = Tr(Φ)/N (THEORY.md §6), and Tr(H) ≈ Tr(I) + Tr(S)
  const trPhi = out.kernels.Phi.reduce((s: number, row: number[], i: number) => s + row[i], 0) / 32;
  assert.ok(Math.abs(first.expected.S[0] - trPhi) < 1e-12 * Math.abs(trPhi) + 1e-15);
  assert.ok(Math.abs(first.expected.H[0] - first.expected.I[0] - first.expected.S[0]) < 1e-12);
  // 32 distinct points on a circle: Θ's spectrum decays below the cutoff (rank < 32), but the target
  // has no visible part there, so there is nothing to act on and nothing is printed
  assert.doesNotMatch(r.stderr, /singular/);
  const table = run(['theory', clean]);
  assert.equal(table.status, 0);
  assert.match(table.stdout, /E Tr\(H\^1\)/);
});
