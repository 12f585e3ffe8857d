import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { expandSweeps, resolve, type ResolvedExperiment } from '../../src/format/index';
import { checkOptionsForFile } from '../../src/run/confine';
import type { ParamsFile } from '../../src/run/params';
import { planRun } from '../../src/run/plan';
import { EnginePool, type TaskOutcome } from '../../src/run/runner';
import { ExperimentRun, RunRefused } from '../../src/run/runExperiment';
import { runText, tempDir } from './helpers';

// Check once, read once: the parent reads the csv it checked and hands the engines its rows, so a
// file swapped afterwards cannot reach a trial, and an engine never opens a path it is given.

const ROWS = [
  [1, 0],
  [0, 1],
  [1, 1],
  [2, -1],
];
const TARGETS = [1, -1, 0.5, 0];
const csv = (rows: number[][], targets: number[]): string => `a,b,y\n${rows.map((r, i) => `${r.join(',')},${targets[i]}`).join('\n')}\n`;

const experiment = (extra = ''): string => `experiment c {
  seed = 3
  trials = 1
  data csv "d.csv" { target = y; normalize = false }
  network { depth = 2; width = 8 }
  train { learning_rate = 0.1; steps = 4 }
  measure { points = 2; probes = 2; top = 1; theory = false }
  ${extra}
}
`;

/** A workspace with d.csv and exp.ntkexp, beside an outside folder whose secret.csv has the same shape and other numbers. */
function workspace(extra = ''): { dir: string; file: string; secret: string } {
  const root = tempDir('ntkexp-check-once-');
  const dir = join(root, 'ws');
  fs.mkdirSync(dir);
  fs.mkdirSync(join(root, 'outside'));
  fs.writeFileSync(join(dir, 'd.csv'), csv(ROWS, TARGETS));
  const secret = join(root, 'outside', 'secret.csv');
  fs.writeFileSync(secret, csv(ROWS.map((r) => r.map((v) => v + 100)), TARGETS.map((v) => v + 100)));
  const file = join(dir, 'exp.ntkexp');
  fs.writeFileSync(file, experiment(extra));
  return { dir, file, secret };
}

function swapForLink(dir: string, secret: string): void {
  fs.rmSync(join(dir, 'd.csv'));
  fs.symlinkSync(secret, join(dir, 'd.csv'));
}

test('the csv swapped for a link to an outside file after the parent read it: the trial trains on the checked rows, and --save-params writes those', async () => {
  const { dir, secret } = workspace();
  const out = join(dir, 'run');
  let swapped = false;
  const outcome = await runText(
    experiment(),
    { dir, out, workers: 1, saveParams: true },
    {
      onRunStarted: () => {
        swapForLink(dir, secret);
        swapped = true;
      },
    },
  );
  assert.ok(swapped, 'the swap happened after the plan, before the engines');
  assert.equal(outcome.status, 'finished');
  for (const which of ['initial', 'final']) {
    const params = JSON.parse(fs.readFileSync(join(out, `params-${which}.json`), 'utf8')) as ParamsFile;
    assert.deepEqual(params.inputs, ROWS, `params-${which}.json holds the rows that were checked`);
    assert.deepEqual(params.targets, TARGETS.map((t) => [t]));
  }
  const info = JSON.parse(fs.readFileSync(join(out, 'run.json'), 'utf8')) as { resolved: ResolvedExperiment };
  assert.equal(info.resolved.data.path, 'd.csv', 'run.json records the file as written');
});

test('the csv swapped for a link out after the check but before the run reads it: the run is refused, nothing starts', async () => {
  const { dir, file, secret } = workspace();
  const text = fs.readFileSync(file, 'utf8');
  const checked = resolve(text, checkOptionsForFile(file));
  assert.deepEqual(checked.diagnostics, [], 'the check saw a regular file inside');
  swapForLink(dir, secret);
  const out = join(dir, 'run');
  const run = new ExperimentRun({ file, text, experiments: checked.experiments, out, workers: 1 });
  await assert.rejects(run.start(), (e: unknown) => e instanceof RunRefused && /^csv file d\.csv leaves the folder of the \.ntkexp file: the symbolic link `d\.csv` leads to .*secret\.csv/.test(e.message));
  assert.equal(fs.existsSync(out), false, 'no run folder');
});

test('an engine refuses a task whose experiment still names a csv file: it never opens a path it is given', async () => {
  const { file } = workspace();
  const [exp] = resolve(fs.readFileSync(file, 'utf8'), checkOptionsForFile(file)).experiments;
  assert.equal(exp.data.source, 'csv');
  const messages: string[] = [];
  const pool = new EnginePool({ workers: 1, onMessage: (m) => void (m.type === 'failed' && messages.push(m.message)) });
  const [outcome] = (await pool.run([{ type: 'trial', run: 'r', experiment: exp, trial: 0, saveParams: true }])) as TaskOutcome[];
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.message ?? '', /^the task names the csv file d\.csv instead of carrying its rows, and engines read no file; this is a bug, please report it$/);
  assert.deepEqual(messages, [outcome.message]);
});

test('a sweep over a csv experiment reads the file once: every point trains on the same rows', () => {
  const { file } = workspace('sweep { width = [4, 8, 16] }');
  const [exp] = resolve(fs.readFileSync(file, 'utf8'), checkOptionsForFile(file)).experiments;
  const opened: string[] = [];
  // The module object itself (an `import *` namespace only forwards to it).
  const nodeFs = require('node:fs') as typeof fs;
  const original = nodeFs.openSync;
  const open = mock.method(nodeFs, 'openSync', (...args: Parameters<typeof fs.openSync>) => {
    opened.push(String(args[0]));
    return original(...args);
  });
  let plan: ReturnType<typeof planRun>;
  try {
    plan = planRun({ experiments: expandSweeps(exp), workers: 1 });
  } finally {
    open.mock.restore();
  }
  assert.equal(plan.experiments.length, 3);
  assert.deepEqual(opened.filter((p) => p.endsWith('d.csv')), [fs.realpathSync(join(file, '..', 'd.csv'))], 'one open of the csv for three points');
  for (const e of plan.experiments) assert.deepEqual(e.task.data.inputs, ROWS);
});
