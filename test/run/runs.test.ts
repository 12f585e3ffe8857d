import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readRun, parseSeries } from '../../src/run/readStore';
import { RunRefused } from '../../src/run/runExperiment';
import { orNaN, type MeasurementRecord } from '../../src/contracts/engineMessages';
import type { RunInfo, RunSummary, SweepInfo, SweepSummary } from '../../src/contracts/runStore';
import { runText, tempDir, tinyExperiment } from './helpers';

// Runs through the same API as `ntkexp run`: engine processes forked from the TypeScript sources.

const MEASUREMENT_KEYS = ['type', 'run', 'trial', 'step', 't', 'loss', 'moments', 'moments_stderr', 'moments_rounding', 'exact', 'elapsed_ms', 'backend'];

function measurements(dir: string): (MeasurementRecord & { trial: number })[] {
  return readRun(dir).records.filter((r): r is MeasurementRecord & { trial: number } => r.type === 'measurement');
}

test('a run of inline points with 3 trials on 2 workers writes run.json, series.jsonl and summary.json', async () => {
  const out = join(tempDir(), 'run');
  const outcome = await runText(tinyExperiment({ trials: 3 }), { out, workers: 2 });
  assert.equal(outcome.status, 'finished');
  assert.equal(outcome.workers, 2);
  const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunInfo;
  assert.equal(info.format, 'ntkexp-run/1');
  assert.equal(info.status, 'finished');
  assert.deepEqual(info.trials, [0, 1, 2]);
  assert.equal(info.backend, 'wasm');
  assert.match(info.source.sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(info.steps, [0, 4, 20]);
  assert.ok(info.ended && info.started <= info.ended);
  const ms = measurements(out);
  assert.equal(ms.length, 9);
  for (const m of ms) {
    for (const key of MEASUREMENT_KEYS) assert.ok(key in m, `measurement lacks ${key}`);
    assert.equal(m.run, info.id);
    assert.equal(m.moments.H.length, 4);
    assert.ok(m.theory && m.expected, 'theory lines attached');
    assert.ok(m.orthogonality && m.top && m.ntk);
  }
  const kinds = readRun(out).records.map((r) => r.type);
  assert.equal(kinds.filter((k) => k === 'finished').length, 3);
  assert.equal(kinds.filter((k) => k === 'theory').length, 3);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
  assert.equal(summary.trials.finished, 3);
  assert.deepEqual(summary.steps.map((s) => s.trials), [3, 3, 3]);
  // The mean over trials is the mean of the records.
  const at0 = ms.filter((m) => m.step === 0).map((m) => orNaN(m.moments.I[0]));
  assert.ok(Math.abs(orNaN(summary.steps[0].mean.I[0]) - at0.reduce((a, b) => a + b, 0) / 3) < 1e-12);
});

test('disk and a tiny MNIST run finish with their data described in the records', async () => {
  for (const data of ['disk { samples = 6 }', 'mnist { samples = 6; size = 7; digits = [0, 1] }']) {
    const out = join(tempDir(), 'run');
    const outcome = await runText(tinyExperiment({ trials: 1, data }), { out, workers: 1 });
    assert.equal(outcome.status, 'finished', data);
    assert.equal(outcome.runs[0].info.samples, 6);
    assert.equal(measurements(out).length, 3);
  }
});

test('one worker and two workers give identical records: results do not depend on scheduling', async () => {
  const text = tinyExperiment({ trials: 3 });
  const a = join(tempDir(), 'a');
  const b = join(tempDir(), 'b');
  await runText(text, { out: a, workers: 1 });
  await runText(text, { out: b, workers: 2 });
  const strip = (m: MeasurementRecord & { trial: number }) => ({ ...m, run: undefined, elapsed_ms: undefined });
  const key = (m: { trial: number; step: number }) => m.trial * 1e6 + m.step;
  const ra = measurements(a).map(strip).sort((x, y) => key(x) - key(y));
  const rb = measurements(b).map(strip).sort((x, y) => key(x) - key(y));
  assert.deepEqual(ra, rb);
  const sa = JSON.parse(readFileSync(join(a, 'summary.json'), 'utf8')) as RunSummary;
  const sb = JSON.parse(readFileSync(join(b, 'summary.json'), 'utf8')) as RunSummary;
  assert.deepEqual(sa.steps, sb.steps);
});

test('cancel mid-run: what was measured stays, the series is valid, the run is marked cancelled', async () => {
  const out = join(tempDir(), 'run');
  let seen = 0;
  const outcome = await runText(
    tinyExperiment({ trials: 2, steps: 200000, points: 3 }),
    { out, workers: 2 },
    {
      onMessage: (m) => {
        if (m.type === 'measurement' && ++seen === 2) current?.cancel();
      },
    },
    (run) => (current = run),
  );
  assert.equal(outcome.status, 'cancelled');
  const stored = readRun(out);
  assert.equal(stored.info.status, 'cancelled');
  assert.equal(stored.tornLastLine, false);
  assert.ok(measurements(out).length >= 2);
  assert.equal(stored.records.filter((r) => r.type === 'cancelled').length, 2);
});
let current: { cancel(): void; enginePids: number[] } | undefined;

test('a killed engine (SIGKILL) marks the run failed with the reason; the parent keeps working', async () => {
  const out = join(tempDir(), 'run');
  let killed = false;
  let handle: { enginePids: number[] } | undefined;
  const outcome = await runText(
    tinyExperiment({ trials: 1, steps: 200000, points: 3 }),
    { out, workers: 1 },
    {
      onMessage: (m) => {
        if (m.type === 'measurement' && !killed) {
          killed = true;
          for (const pid of handle?.enginePids ?? []) process.kill(pid, 'SIGKILL');
        }
      },
    },
    (run) => (handle = run),
  );
  assert.equal(outcome.status, 'failed');
  const stored = readRun(out);
  assert.equal(stored.info.status, 'failed');
  assert.match(stored.info.error ?? '', /killed \(SIGKILL/);
  assert.equal(measurements(out).length, 1, 'the measurement made before the kill is kept');
  assert.ok(existsSync(join(out, 'summary.json')));
});

test('a run too large for memory is refused before it starts, saying what to lower', async () => {
  const dir = tempDir();
  await assert.rejects(
    () => runText(tinyExperiment(), { dir, out: join(dir, 'run'), availableMemoryMb: 10 }),
    (e: unknown) => e instanceof RunRefused && /^memory: this run needs about \d+ MB .* Largest parts: .*\((lower |per engine: fewer workers)/.test(e.message),
  );
  assert.equal(existsSync(join(dir, 'run')), false, 'nothing was written');
});

test('a width sweep makes one folder with sweep.json, a run per width, and the deviation slope against width', async () => {
  const out = join(tempDir(), 'sweep');
  const outcome = await runText(tinyExperiment({ trials: 2, extra: 'sweep { width = [8, 32] }' }), { out, workers: 2 });
  assert.equal(outcome.status, 'finished');
  assert.equal(outcome.dir, out);
  const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepInfo;
  assert.equal(sweep.runs.length, 2);
  assert.deepEqual(
    sweep.runs.map((r) => r.varied),
    [{ width: 8 }, { width: 32 }],
  );
  for (const r of sweep.runs) assert.ok(existsSync(join(out, r.id, 'series.jsonl')));
  assert.deepEqual(readdirSync(out).sort(), ['sweep-summary.json', 'sweep.json', 'width=32', 'width=8']);
  const summary = JSON.parse(readFileSync(join(out, 'sweep-summary.json'), 'utf8')) as SweepSummary;
  assert.equal(summary.runs.length, 2);
  assert.equal(summary.widthSlopes?.length, 1);
  assert.equal(summary.widthSlopes?.[0].slope.length, 4);
});

test('series.jsonl: a torn last line is ignored, a damaged earlier line is skipped and counted with its number', () => {
  const good = '{"type":"log","trial":0,"level":"info","message":"a"}\n{"type":"log","trial":0,"level":"info","message":"b"}\n';
  assert.equal(parseSeries(good).records.length, 2);
  assert.equal(parseSeries(good).skipped, undefined);
  const torn = parseSeries(good + '{"type":"measurem');
  assert.equal(torn.records.length, 2);
  assert.equal(torn.torn, true);
  assert.equal(torn.skipped, undefined, 'a torn last line is not a skipped record');
  const damaged = parseSeries('{"type":\n' + good);
  assert.equal(damaged.records.length, 2);
  assert.deepEqual(damaged.skipped, { count: 1, first: 'line 1: not JSON' });
});
