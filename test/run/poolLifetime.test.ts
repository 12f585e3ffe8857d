import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { EnginePool } from '../../src/run/runner';
import { isRunning, procUnavailable, waitUntil } from '../helpers/procs';

// What the runner itself does so that its engines never outlive it, on an engine that nothing but
// SIGKILL stops (test/helpers/stubbornEngine.js: no watchdog, deaf to SIGTERM and to a closed channel).

const ROOT = join(__dirname, '..', '..');
const STUB = { path: join(ROOT, 'test', 'helpers', 'stubbornEngine.js'), execArgv: [] };
const TASK = { type: 'trial', run: 'r', experiment: {}, trial: 0, saveParams: false } as const;
const unavailable = procUnavailable();

test('a process that exits while its pool runs takes its engines with it', async () => {
  if (unavailable) return console.log(`# not run: ${unavailable}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'helpers', 'poolParent.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const engine = Number(r.stdout.trim());
  assert.ok(engine > 0, r.stdout);
  await waitUntil(() => !isRunning(engine), `the engine ${engine} to be killed`, 2000);
});

test('a listener that throws (a bug) stops the pool: run() rejects with the error and the engines are killed', async () => {
  if (unavailable) return console.log(`# not run: ${unavailable}`);
  let engine = 0;
  const pool = new EnginePool({
    workers: 1,
    entry: STUB,
    onMessage: (m) => {
      if (m.type === 'started') engine = m.pid;
      throw new Error('a bug in the listener');
    },
  });
  await assert.rejects(pool.run([TASK]), /a bug in the listener/);
  assert.ok(engine > 0);
  await waitUntil(() => !isRunning(engine), `the engine ${engine} to be killed`, 2000);
});

test('kill() stops every engine at once, without the grace a cancel gives', async () => {
  if (unavailable) return console.log(`# not run: ${unavailable}`);
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const pids: number[] = [];
  const pool = new EnginePool({
    workers: 2,
    entry: STUB,
    graceMs: 600_000,
    onMessage: (m) => {
      if (m.type === 'started') pids.push(m.pid);
      if (pids.length === 2) started();
    },
  });
  const outcomes = pool.run([TASK, { ...TASK, trial: 1 }]);
  await running;
  pool.kill();
  assert.deepEqual((await outcomes).map((o) => o.status), ['cancelled', 'cancelled']);
  for (const pid of pids) assert.ok(!isRunning(pid), `engine ${pid} killed`);
});
