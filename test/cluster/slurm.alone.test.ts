import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, CLI_ENV, ROOT, ntkexp } from '../helpers/cli';
import { childrenOf, commandLine, waitUntil } from '../helpers/procs';
import { slurmUnavailable, startSlurm, type SlurmCluster } from '../helpers/slurm';

// The rehearsal of docs/CLUSTER.md on a real Slurm (a single-node cluster started here): the job
// script the repository ships, submitted as an array of 4 tasks with a reduced experiment passed by
// its variables, and the documented merge as a dependent job. One array ends well (the merged run is
// the unsharded run); in another an engine is killed in one task and another task is cancelled with
// scancel, and the merge says which and why. `npm run cluster:rehearse` runs this file alone.

const SCRIPT = join(ROOT, 'examples', 'cluster', 'fig1.sbatch');
const MERGE = join(ROOT, 'examples', 'cluster', 'merge.sbatch');
const why = slurmUnavailable();
let cluster: SlurmCluster | undefined;
let dir = '';

/** The reduced experiment: Figure 1's shape at a width and length that take seconds. */
const experiment = (steps: number, width: number): string => `experiment rehearsal {
  seed   = 7
  trials = 8
  data circle {
    samples = 16
    target  = sin(2 * gamma)
  }
  network {
    depth      = 3
    width      = ${width}
    activation = smooth_relu
  }
  train {
    learning_rate = 1.0
    steps         = ${steps}
  }
  measure {
    points  = 4
    moments = 4
    probes  = 8
    top     = 3
  }
}
`;

before(async () => {
  if (why) return;
  dir = mkdtempSync(join(tmpdir(), 'ntkexp-slurm-'));
  mkdirSync(join(dir, 'logs'));
  cluster = await startSlurm(join(dir, 'slurm'));
});

after(() => {
  cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The variables fig1.sbatch reads, for a run of `file` into `runs`. */
function variables(file: string, runs: string): Record<string, string> {
  return { ...CLI_ENV, NTKEXP_FILE: file, NTKEXP_EXPERIMENT: 'rehearsal', NTKEXP_TRIALS: '8', NTKEXP_SHARDS: '4', NTKEXP_RUNS: runs, NTKEXP: `${process.execPath} ${BIN}` } as Record<string, string>;
}

/** Submit the array (4 tasks of one core) and the merge after it, as docs/CLUSTER.md says. */
function submit(name: string, file: string, runs: string): { array: string; merge: string } {
  const c = cluster!;
  const env = variables(file, runs);
  // The command line overrides the script's #SBATCH sizes (25 tasks of 4 cores and 64 GB) for this one node.
  const array = c.sbatch(['--array=0-3', '--cpus-per-task=1', '--mem=1G', `--output=${join(dir, 'logs', `${name}-%a.out`)}`, SCRIPT], { cwd: ROOT, env });
  const merge = c.sbatch([`--dependency=afterany:${array}`, '--mem=1G', `--output=${join(dir, 'logs', `${name}-merge.out`)}`, MERGE], { cwd: ROOT, env });
  return { array, merge };
}

const runJson = (folder: string) => JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8'));
const summaryJson = (folder: string) => JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
const log = (name: string): string => readFileSync(join(dir, 'logs', name), 'utf8');

test('a Slurm array of the shipped job script, merged by the dependent job, is the unsharded run', { timeout: 600_000 }, async (t) => {
  if (why) return t.diagnostic(`Slurm rehearsal not run: ${why}`);
  const file = join(dir, 'rehearsal.ntkexp');
  writeFileSync(file, experiment(40, 48));
  const runs = join(dir, 'runs', 'good');
  const jobs = submit('good', file, runs);
  await cluster!.waitEnded([jobs.array, jobs.merge], 480_000);
  const states = cluster!.states(jobs.array);
  assert.deepEqual([...states.entries()].sort(), [0, 1, 2, 3].map((i) => [i, 'COMPLETED']), `array states; logs:\n${readdirSync(join(dir, 'logs')).map(log).join('\n')}`);
  assert.equal(cluster!.states(jobs.merge).get(-1), 'COMPLETED', log('good-merge.out'));

  const merged = join(runs, 'merged');
  const info = runJson(merged);
  assert.equal(info.status, 'finished');
  assert.deepEqual(info.trials, [0, 1, 2, 3, 4, 5, 6, 7], 'every trial present');
  for (let i = 0; i < 4; i++) assert.deepEqual(runJson(join(runs, `shard-${i}`)).shard, { index: i, count: 4 });

  // The same experiment on one machine, in one run.
  const whole = join(dir, 'whole');
  const r = ntkexp(['run', file, '--experiment', 'rehearsal', '--trials', '8', '--out', whole, '--quiet'], { timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const reference = summaryJson(whole);
  const summary = summaryJson(merged);
  // Each trial is its seed's and index's alone, whichever node ran it: equal to the last bit.
  assert.deepEqual(summary.steps, reference.steps);
  assert.deepEqual(summary.trials, reference.trials);
});

test('a task whose engine is killed and a task cancelled with scancel: the merge says which and why', { timeout: 600_000 }, async (t) => {
  if (why) return t.diagnostic(`Slurm rehearsal not run: ${why}`);
  const file = join(dir, 'rehearsal-long.ntkexp');
  // Long enough (several seconds a trial) for the kill and the cancel to land inside a trial.
  writeFileSync(file, experiment(4000, 128));
  const runs = join(dir, 'runs', 'faults');
  const jobs = submit('faults', file, runs);
  const c = cluster!;

  // Task 1: its engine, once the shard has started a trial, killed as the system's OOM killer would.
  const cliOf = (task: number): number | undefined => {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const cmd = commandLine(Number(name));
      if (cmd.includes(BIN) && cmd.includes(`${join(runs, `shard-${task}`)} `)) return Number(name);
    }
    return undefined;
  };
  let engine: number | undefined;
  await waitUntil(
    () => {
      const cli = cliOf(1);
      engine = cli === undefined || !existsSync(join(runs, 'shard-1', 'series.jsonl')) ? undefined : childrenOf(cli)[0];
      return engine !== undefined;
    },
    'task 1 to start an engine',
    240_000,
  );
  process.kill(engine!, 'SIGKILL');

  // Task 3: cancelled while it runs (it starts when a core frees up).
  await waitUntil(() => c.states(jobs.array).get(3) === 'RUNNING' && existsSync(join(runs, 'shard-3', 'series.jsonl')), 'task 3 to run', 240_000);
  c.command('scancel', [`${jobs.array}_3`]);

  await c.waitEnded([jobs.array, jobs.merge], 480_000);
  const states = c.states(jobs.array);
  assert.equal(states.get(0), 'COMPLETED', log('faults-0.out'));
  assert.equal(states.get(1), 'FAILED', log('faults-1.out'));
  assert.equal(states.get(2), 'COMPLETED', log('faults-2.out'));
  assert.equal(states.get(3), 'CANCELLED', log('faults-3.out'));
  assert.match(log('faults-1.out'), /killed \(SIGKILL/);

  // The shards say what happened to them; the merge (exit 1: incomplete) names both.
  assert.equal(runJson(join(runs, 'shard-1')).status, 'failed');
  assert.equal(runJson(join(runs, 'shard-3')).status, 'cancelled', 'the scancel reached ntkexp, which stopped its engine and recorded it');
  assert.equal(c.states(jobs.merge).get(-1), 'FAILED', 'merge exits 1 on an incomplete run');
  const mergeLog = log('faults-merge.out');
  assert.match(mergeLog, /incomplete: shard 1\/4 \(.*shard-1\) failed: .*killed \(SIGKILL/);
  assert.match(mergeLog, /incomplete: shard 3\/4 \(.*shard-3\) cancelled/);
  const merged = runJson(join(runs, 'merged'));
  assert.equal(merged.status, 'failed');
  assert.match(merged.error, /SIGKILL/);
  // What the good shards measured is all there: trials 0, 4 (shard 0) and 2, 6 (shard 2); trial 1
  // failed and 3 was cancelled; 5 and 7 never started (after the crash, after the cancel), so no
  // record counts them.
  assert.deepEqual(summaryJson(join(runs, 'merged')).trials, { finished: 4, failed: 1, cancelled: 1, total: 8 });
});
