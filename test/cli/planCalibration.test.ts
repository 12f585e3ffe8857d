import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ntkexp } from '../helpers/cli';
import { tinyExperiment } from '../run/helpers';
import { validate } from '../../src/contracts/checks';
import { PLAN_OUTPUT } from '../../src/contracts/plan';
import { calibrationFromJson, planJson, planText } from '../../src/cli/planReport';

// `ntkexp run --plan --calibration FILE`: an earlier plan's calibration (its `--json` output) reused to
// plan again (another cluster shape) without timing again, only if it timed this plan's very short
// run; the file is the user's, so every way it can be wrong is refused with the file named.

const dir = mkdtempSync(join(tmpdir(), 'ntkexp-plancal-'));
const file = join(dir, 'tiny.ntkexp');
writeFileSync(file, tinyExperiment({ trials: 4, steps: 40 }));
const saved = join(dir, 'plan.json');
const plan = (...extra: string[]) => ntkexp(['run', file, '--plan', '--workers', '1', '--threads', '1', ...extra]);

test('a saved calibration plans another cluster shape with the same figures, and its output is reusable in turn', () => {
  const first = plan('--json');
  assert.equal(first.status, 0, first.stderr);
  writeFileSync(saved, first.stdout);
  const timed = JSON.parse(first.stdout);
  assert.match(timed.calibration.short_run, /^[0-9a-f]{64}$/);
  const again = plan('--calibration', saved, '--nodes', '3', '--cores-per-node', '2', '--json');
  assert.equal(again.status, 0, again.stderr);
  const reused = JSON.parse(again.stdout);
  // The very figures of the file (a second timing would differ in every float), and the trial they give.
  assert.deepEqual(reused.calibration, timed.calibration);
  assert.equal(reused.trial_seconds, timed.trial_seconds);
  assert.equal(reused.shards >= 3, true, `shards ${reused.shards}`);
  assert.ok(reused.cluster, 'a cluster plan');
  // In words, it says where the calibration came from.
  const text = plan('--calibration', saved);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /read from --calibration: measured earlier/);
  assert.doesNotMatch(text.stderr, /timing a short run/);
  // The JSON round trip of the contract: what planJson writes, the reader's check takes back whole.
  const checked = validate(timed, PLAN_OUTPUT, 'plan');
  assert.ok(checked.ok);
  const back = planJson({ ...fakePlan(), calibration: calibrationFromJson(checked.value.calibration) }) as { calibration: unknown };
  assert.deepEqual(back.calibration, { ...timed.calibration, experiment: 'tiny' });
});

test('a calibration of another short run is refused: another experiment, other settings, another engine shape', () => {
  assert.ok(readFileSync(saved, 'utf8').length > 0, 'the first test saved it');
  const other = join(dir, 'other.ntkexp');
  const cases: [string, string, string[], RegExp][] = [
    ['a wider network', tinyExperiment({ trials: 4, steps: 40, network: 'depth = 2; width = 24' }), [], /another short run/],
    ['other measurement settings', tinyExperiment({ trials: 4, steps: 40 }).replace('probes = 4', 'probes = 6'), [], /another short run/],
    ['fewer steps than the short run', tinyExperiment({ trials: 4, steps: 10 }), [], /another short run/],
    ['another engine shape', tinyExperiment({ trials: 4, steps: 40 }), ['--workers', '2'], /it ran 1 engine\(s\) × 1 thread\(s\), this plan 2 × 1/],
  ];
  for (const [what, text, flags, message] of cases) {
    writeFileSync(other, text);
    const r = ntkexp(['run', other, '--plan', '--workers', '1', '--threads', '1', ...flags, '--calibration', saved]);
    assert.equal(r.status, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, message, what);
    assert.ok(r.stderr.includes(saved), `${what}: names the file`);
  }
  // What does not change the short run does not matter: the trial count, a comment.
  writeFileSync(other, `# a comment\n${tinyExperiment({ trials: 9, steps: 40 })}`);
  const same = ntkexp(['run', other, '--plan', '--workers', '1', '--threads', '1', '--calibration', saved, '--json']);
  assert.equal(same.status, 0, same.stderr);
});

test('a calibration file that is not one is refused with the file and what is wrong, before anything runs', () => {
  const timed = JSON.parse(readFileSync(saved, 'utf8'));
  const write = (name: string, content: string): string => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const forged = (change: (c: Record<string, unknown>) => void): string => {
    const copy = structuredClone(timed);
    change(copy.calibration);
    return JSON.stringify(copy);
  };
  const folder = join(dir, 'a-folder');
  mkdirSync(folder, { recursive: true });
  const fifo = join(dir, 'a-fifo');
  execFileSync('mkfifo', [fifo]);
  const cases: [string, string, RegExp][] = [
    ['missing', join(dir, 'nothing.json'), /cannot read the calibration/],
    ['a folder', folder, /cannot read the calibration/],
    ['a FIFO (would block a reader)', fifo, /cannot read the calibration/],
    ['not JSON', write('text.json', 'wall_seconds = 3'), /is not the JSON of `ntkexp run --plan --json`/],
    ['another JSON', write('run.json', '{"format": "ntkexp-run/1"}'), /plan\.type/],
    ['no calibration', write('bare.json', '{"type": "plan"}'), /plan\.calibration: expected an object/],
    ['a negative time', write('neg.json', forged((c) => (c.measurement_seconds = -1))), /plan\.calibration\.measurement_seconds: expected a finite number ≥ 0/],
    ['a time as text', write('str.json', forged((c) => (c.step_seconds = '0.1'))), /plan\.calibration\.step_seconds/],
    ['a billion engines', write('engines.json', forged((c) => (c.engines = 1e9))), /plan\.calibration\.engines: expected 1 to 4096/],
    ['no threads', write('threads.json', forged((c) => (c.threads = 0))), /plan\.calibration\.threads/],
    ['a fractional step count', write('steps.json', forged((c) => (c.steps = 2.5))), /plan\.calibration\.steps/],
    ['a compute line with escapes', write('esc.json', forged((c) => (c.compute = 'wasm\u001b[2J'))), /plan\.calibration\.compute: expected one line/],
    ['a megabyte compute line', write('long.json', forged((c) => (c.compute = 'x'.repeat(1e6)))), /plan\.calibration\.compute: expected one line/],
    ['a fingerprint that is not one', write('fp.json', forged((c) => (c.short_run = 'abc'))), /plan\.calibration\.short_run: expected a sha256/],
    ['no fingerprint (an older plan)', write('nofp.json', forged((c) => delete c.short_run)), /plan\.calibration\.short_run: expected a sha256/],
    ['a path for a name', write('name.json', forged((c) => (c.experiment = '../x'))), /plan\.calibration\.experiment: expected a plain name/],
    ['a forged fingerprint of another run', write('other.json', forged((c) => (c.short_run = 'f'.repeat(64)))), /another short run/],
  ];
  for (const [what, path, message] of cases) {
    const r = plan('--calibration', path);
    assert.equal(r.status, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, message, what);
    assert.ok(r.stderr.includes(path), `${what}: names ${path}`);
    assert.equal(r.stdout, '', `${what}: prints no plan`);
  }
  // --calibration means nothing without --plan.
  const r = ntkexp(['run', file, '--calibration', saved]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--calibration applies to --plan/);
});

test('a long calibration\'s plan says how to keep it; a short or a reused one does not', () => {
  const timed = JSON.parse(readFileSync(saved, 'utf8'));
  const calibration = (wallSeconds: number) => ({ ...calibrationFromJson(timed.calibration), wallSeconds });
  const hint = /save this plan with --json and give it back with --calibration FILE/;
  assert.match(planText({ ...fakePlan(), reused: false, calibration: calibration(5208) }), hint);
  assert.doesNotMatch(planText({ ...fakePlan(), reused: true, calibration: calibration(5208) }), hint);
  assert.doesNotMatch(planText({ ...fakePlan(), reused: false, calibration: calibration(3) }), hint);
});

/** The rest of a CostPlan, for planJson's round trip of the calibration alone. */
function fakePlan() {
  const e = { trialSeconds: 1, onceSeconds: 0, memoryMb: 1, phases: [], parameters: 1, measurements: 1 };
  return {
    experiments: [],
    nominal: { trialSeconds: 1, wallSeconds: 1 },
    reused: true,
    calibrated: 'tiny',
    calibratedTrialSeconds: e.trialSeconds,
    local: { engines: 1, threads: 1, wallSeconds: 1 },
  } as unknown as Parameters<typeof planJson>[0];
}
