import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunInfo } from '../../src/contracts/runStore';
import { childrenOf, commandLine, cpuSeconds, isRunning, procUnavailable, waitUntil } from '../helpers/procs';

// Engines never outlive their parent, in every phase of a trial: `ntkexp run` (or another parent, as
// the extension host is one) is killed with SIGKILL, or sent two SIGTERMs, while its engine is deep in
// long synchronous work — the infinite-width kernels, the training loop, a long Lanczos, the loss
// surface — and every engine must be gone within a few seconds. The engines are found as the parent's
// children in /proc; "deep in the phase" is told by the records already streamed and the CPU time the
// engine has spent since, so it does not depend on the machine's load.

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ntkexp.js');
const ENV = { ...process.env, NTKEXP_FROM_SOURCE: '1' };
/** "A few seconds": the watchdog looks every 0.5 s. */
const GONE_WITHIN_MS = 8000;

interface Phase {
  readonly name: string;
  /** The experiment's body: made to sit in this phase for a minute or more. */
  readonly body: string;
  /** The records streamed when the engine has entered the phase (and not yet left it). */
  readonly entered: (records: string[]) => boolean;
  /** The engine hears a cancel in this phase (between training steps): the first SIGTERM already stops it. */
  readonly hearsCancel?: boolean;
}

const count = (records: string[], type: string): number => records.filter((r) => r.includes(`"type":"${type}"`)).length;

const PHASES: readonly Phase[] = [
  {
    name: 'the infinite-width kernels (theory, before the trial starts)',
    body: `data circle { samples = 2500 }
  network { depth = 10; width = 16 }
  train { steps = 2 }
  measure { points = 2; probes = 2; top = 1; exact = false; theory = true }`,
    entered: (records) => count(records, 'started') === 0,
  },
  {
    name: 'the training loop',
    body: `data circle { samples = 8 }
  network { depth = 2; width = 16 }
  train { steps = 100000000 }
  measure { points = 2; probes = 2; top = 1; exact = false; theory = false }`,
    entered: (records) => count(records, 'measurement') === 1,
    hearsCancel: true,
  },
  {
    name: 'a long measurement (Lanczos for 150 eigenvalues, P = 91501)',
    body: `data circle { samples = 8 }
  network { depth = 3; width = 300 }
  train { steps = 2 }
  measure { points = 2; probes = 2; top = 150; exact = false; theory = false }`,
    entered: (records) => count(records, 'started') === 1 && count(records, 'measurement') === 0,
  },
  {
    name: 'the loss surface (a 1000 × 1000 grid, the largest a run takes is 1001)',
    body: `data circle { samples = 16 }
  network { depth = 3; width = 400 }
  train { steps = 2 }
  measure { points = 2; probes = 2; top = 2; exact = false; theory = false }
  surface { directions = [random, random]; grid = 1000 }`,
    entered: (records) => count(records, 'measurement') === 2 && count(records, 'surface') === 0,
  },
];

function experimentFile(body: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-lifetime-'));
  const file = join(dir, 'e.ntkexp');
  writeFileSync(file, `experiment e {\n  trials = 1\n  ${body}\n}\n`);
  return { dir, file };
}

/** A parent process with its streamed records and stderr. */
function watch(child: ChildProcessWithoutNullStreams): { records: string[]; stderr: () => string; exit: Promise<number | null> } {
  const records: string[] = [];
  let pending = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    records.push(...lines);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { records, stderr: () => stderr, exit };
}

/** The parent's engine process (running from source, the parent also has an esbuild child: not an engine). */
function engineOf(parent: number): number {
  return childrenOf(parent).find((pid) => /engineMain\.ts|engine\.js/.test(commandLine(pid))) ?? 0;
}

/** Wait until the parent's one engine is in the phase and has spent two more seconds of CPU in it; returns its pid. */
async function engineDeepIn(parent: number, phase: Phase, records: string[]): Promise<number> {
  let engine = 0;
  let cpuAtEntry = -1;
  await waitUntil(() => {
    engine ||= engineOf(parent);
    if (!engine || !phase.entered(records)) return false;
    if (cpuAtEntry < 0) cpuAtEntry = cpuSeconds(engine);
    // Before the trial starts, the engine also loads TensorFlow.js: count from there.
    return cpuSeconds(engine) - cpuAtEntry >= (count(records, 'started') === 0 ? 4 : 2);
  }, `the engine deep in ${phase.name}`);
  return engine;
}

/** Whatever a failed test left running is killed (the test has already failed). */
function killAll(pids: readonly (number | undefined)[]): void {
  for (const pid of pids) {
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

async function assertGone(pids: number[], what: string): Promise<void> {
  await waitUntil(() => pids.every((p) => !isRunning(p)), `${what}: engines ${pids.join(', ')} to exit`, GONE_WITHIN_MS);
}

const unavailable = procUnavailable();

for (const phase of PHASES) {
  test(`an engine in ${phase.name} dies with a SIGKILLed ntkexp run`, async () => {
    if (unavailable) return console.log(`# not run: ${unavailable}`);
    const { dir, file } = experimentFile(phase.body);
    const cli = spawn(process.execPath, [BIN, 'run', file, '--out', join(dir, 'out'), '--json', '--workers', '1'], { cwd: ROOT, env: ENV });
    const { records, exit } = watch(cli);
    let engine = 0;
    try {
      engine = await engineDeepIn(cli.pid as number, phase, records);
      assert.ok(phase.entered(records), 'still in the phase when killed');
      cli.kill('SIGKILL');
      await exit;
      await assertGone([engine], phase.name);
    } finally {
      killAll([cli.pid, engine]);
    }
  });

  test(`an engine in ${phase.name} dies when ntkexp run gets a second SIGTERM`, async () => {
    if (unavailable) return console.log(`# not run: ${unavailable}`);
    const { dir, file } = experimentFile(phase.body);
    const out = join(dir, 'out');
    const cli = spawn(process.execPath, [BIN, 'run', file, '--out', out, '--json', '--workers', '1'], { cwd: ROOT, env: ENV });
    const { records, stderr, exit } = watch(cli);
    let engine = 0;
    try {
      engine = await engineDeepIn(cli.pid as number, phase, records);
      cli.kill('SIGTERM');
      await waitUntil(() => /stopping \(Ctrl-C again to quit at once\)/.test(stderr()), 'the first SIGTERM heard');
      cli.kill('SIGTERM');
      assert.equal(await exit, 130, stderr());
      await assertGone([engine], phase.name);
    } finally {
      killAll([cli.pid, engine]);
    }
    const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunInfo;
    assert.equal(info.status, 'cancelled');
    // Deep in synchronous work the engine cannot hear the first stop: the second one ended it.
    if (!phase.hearsCancel) assert.equal(info.error, 'stopped at once by a second Ctrl-C or SIGTERM');
  });
}

test('engines die with a SIGKILLed parent that is not the CLI (an ExperimentRun, as in the extension host)', async () => {
  if (unavailable) return console.log(`# not run: ${unavailable}`);
  for (const phase of [PHASES[0], PHASES[3]]) {
    const { dir, file } = experimentFile(phase.body);
    const parent = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'helpers', 'experimentParent.ts'), file, join(dir, 'out')], { cwd: ROOT, env: ENV });
    const { exit } = watch(parent);
    // This parent streams nothing: the phase is told by the run folder's records.
    const records = (): string[] => {
      try {
        return readFileSync(join(dir, 'out', 'series.jsonl'), 'utf8').split('\n');
      } catch {
        return [];
      }
    };
    const entered = (): boolean => (phase === PHASES[0] ? records().join('').length === 0 : phase.entered(records()));
    let engine = 0;
    let cpuAtEntry = -1;
    try {
      await waitUntil(() => {
        engine ||= engineOf(parent.pid as number);
        if (!engine || !entered()) return false;
        if (cpuAtEntry < 0) cpuAtEntry = cpuSeconds(engine);
        return cpuSeconds(engine) - cpuAtEntry >= 4;
      }, `the engine deep in ${phase.name}`);
      parent.kill('SIGKILL');
      await exit;
      await assertGone([engine], `${phase.name}, under ExperimentRun`);
    } finally {
      killAll([parent.pid, engine]);
    }
  }
});
