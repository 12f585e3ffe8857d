/**
 * src/contracts: the checks every reader of the run store and every panel message goes through, and the
 * types inferred from them. Plain names (the ids that become folder names) against the family of hostile
 * names; the run-store schemas against files of the wrong shape and against what the writers produce;
 * skipping what cannot be read, counted once with the first reason; JSON's null read back as NaN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { arrayOf, both, describeSkipped, fits, keepValid, literal, MAX_NAME_BYTES, num, numOrNull, object, optional, plainName, SkipTally, str, tuple, validate, type Infer } from '../../src/contracts/checks';
import { ENGINE_MESSAGE_TYPES, engineMessageCheck, isEngineCommand, isEngineEnvelope, isStoredRecord, momentsOrNaN, orNaN } from '../../src/contracts/engineMessages';
import { checkPanelMessage, MAX_NOTICE, validateReply } from '../../src/contracts/panelMessages';
import { runInfoCheck, runSummaryCheck, sweepInfoCheck, sweepSummaryCheck, type RunSummary } from '../../src/contracts/runStore';
import { summarizeRun } from '../../src/run/summary';
import { HOSTILE_IDS } from '../fixtures/planted';
import { readFixtureRun, readFixtureSweep } from '../../scripts/panelHarness';

const run = readFixtureRun();
const sweep = readFixtureSweep();

test('src/contracts is the bottom layer: it imports nothing but itself (no other project folder, no Node, no DOM)', () => {
  const dir = path.join(__dirname, '..', '..', 'src', 'contracts');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 4);
  for (const f of files) {
    const specifiers = [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]);
    for (const s of specifiers) assert.match(s, /^\.\/[A-Za-z]+$/, `${f} imports ${s}`);
  }
});

test('plain names: run ids as ntkexp writes them pass; every hostile form is refused with a reason', () => {
  for (const id of ['circle-20250101-000000', 'widths-width-32', 'width=250,activation=smooth_relu', 'a..b', '..x', 'x'.repeat(MAX_NAME_BYTES)]) {
    assert.equal(plainName(id, 'id'), undefined, id);
    // Joined to a folder, a plain name stays in it.
    assert.equal(path.dirname(path.join('/ws/sweep', id)), '/ws/sweep');
  }
  for (const id of HOSTILE_IDS) {
    const reason = plainName(id, 'runs[0].id');
    assert.ok(reason, `accepted ${JSON.stringify(id)}`);
    assert.match(reason, /^runs\[0\]\.id: expected a plain name/);
  }
  assert.match(plainName('a/b', 'id') ?? '', /found "\/"/);
  assert.match(plainName('é'.repeat(128), 'id') ?? '', /at most 255 bytes, got 256/);
  assert.equal(plainName('x'.repeat(MAX_NAME_BYTES + 1), 'id'), `id: expected a plain name of at most 255 bytes, got 256`);
});

test('sweep.json and sweep summaries: a run id that is not a plain name makes the file invalid, naming the entry', () => {
  assert.equal(sweepInfoCheck(sweep.info, 'sweep.json'), undefined);
  for (const id of HOSTILE_IDS) {
    const planted = { ...sweep.info, runs: [sweep.info.runs[0], { ...sweep.info.runs[1], id }] };
    assert.match(sweepInfoCheck(planted, 'sweep.json') ?? '', /^sweep\.json\.runs\[1\]\.id: expected a plain name/, JSON.stringify(id));
    assert.match(sweepInfoCheck({ ...sweep.info, id }, 'sweep.json') ?? '', /^sweep\.json\.id: expected a plain name/);
  }
  const summary = { format: 'ntkexp-sweep-summary/1', sweep: sweep.info.id, runs: [{ id: '../x', varied: {}, deviationH: [null], status: 'finished' }] };
  assert.match(sweepSummaryCheck(summary, 'sweep-summary.json') ?? '', /runs\[0\]\.id: expected a plain name/);
});

test('run.json of the wrong shape is refused with the field and what arrived', () => {
  assert.equal(runInfoCheck(run.info, 'run.json'), undefined);
  const { title: _title, ...noTitle } = run.info;
  const cases: [unknown, RegExp][] = [
    [[], /^run\.json: expected an object, got an array of 0$/],
    ['run', /^run\.json: expected an object, got "run"$/],
    [null, /^run\.json: expected an object, got null$/],
    [42, /^run\.json: expected an object, got 42$/],
    [noTitle, /^run\.json\.title: expected a string, got nothing$/],
    [{ ...run.info, format: 'ntkexp-run/2' }, /^run\.json\.format: expected "ntkexp-run\/1"/],
    [{ ...run.info, trials: 'all' }, /^run\.json\.trials: expected an array, got "all"$/],
    [{ ...run.info, trials: [0, -1] }, /^run\.json\.trials\[1\]: expected a non-negative integer, got -1$/],
    [{ ...run.info, status: 'done' }, /^run\.json\.status: expected "running" or "finished" or "failed" or "cancelled", got "done"$/],
    [{ ...run.info, workers: '2' }, /^run\.json\.workers: expected a non-negative integer/],
    [{ ...run.info, source: { file: 'x' } }, /^run\.json\.source\.sha256: expected a string, got nothing$/],
    [{ ...run.info, id: '../../outside' }, /^run\.json\.id: expected a plain name/],
    [{ ...run.info, resolved: 'x' }, /^run\.json\.resolved: expected an object/],
    [{ ...run.info, error: { html: '<img>' } }, /^run\.json\.error: expected a string, got an object$/],
    // The product path a run records (absent in older runs, so optional, but checked when present).
    [{ ...run.info, compute: 'native' }, /^run\.json\.compute: expected an object, got "native"$/],
    [{ ...run.info, compute: { path: 'native', threads: -2, summary: 's' } }, /^run\.json\.compute\.threads: expected a non-negative integer, got -2$/],
    [{ ...run.info, compute: { path: 'native', threads: 2, summary: { html: '<img>' } } }, /^run\.json\.compute\.summary: expected a string, got an object$/],
  ];
  assert.equal(runInfoCheck({ ...run.info, compute: { path: 'native', threads: 2, summary: 'wasm, native GEMM' } }, 'run.json'), undefined);
  const started = { type: 'started', trial: 0, backend: 'wasm', pid: 1, parameters: 10, samples: 4, outputs: 1 };
  assert.equal(engineMessageCheck(started, ''), undefined, 'a started message without compute (older engines) passes');
  assert.match(engineMessageCheck({ ...started, compute: { path: 1, threads: 2, summary: 's' } }, '') ?? '', /^started\.compute\.path: expected a string, got 1$/);
  for (const [value, reason] of cases) {
    const v = validate(value, runInfoCheck, 'run.json');
    assert.equal(v.ok, false, JSON.stringify(value)?.slice(0, 60));
    if (!v.ok) assert.match(v.error, reason);
  }
});

test('skipping: what cannot be read is counted, the first reason kept, the rest kept in order', () => {
  const tally = new SkipTally();
  assert.equal(tally.result, undefined);
  tally.skip('line 3: not JSON');
  tally.skip('line 9: not JSON');
  assert.deepEqual(tally.result, { count: 2, first: 'line 3: not JSON' });
  assert.equal(describeSkipped({ count: 2, first: 'line 3: not JSON' }, '/r/series.jsonl'), '/r/series.jsonl: 2 records could not be read and are not shown (first: line 3: not JSON)');
  assert.equal(describeSkipped({ count: 1, first: 'x' }, 'w'), 'w: 1 record could not be read and is not shown (first: x)');

  const records = run.records.slice(0, 6);
  const mixed = [records[0], { type: 'bogus', trial: 0 }, records[1], 'text', records[2], { ...records[3], trial: 'one' }, records[4], records[5]];
  const { valid, skipped } = keepValid(mixed, engineMessageCheck, (i) => `line ${i + 1}`);
  assert.deepEqual(valid, [records[0], records[1], records[2], records[4], records[5]]);
  assert.equal(skipped?.count, 3);
  assert.match(skipped?.first ?? '', /^line 2: message: unknown type "bogus"/);
});

test('panel messages: a notice is bounded; envelopes check their files; an unknown message is refused', () => {
  assert.ok(checkPanelMessage({ type: 'notice', text: 'series.jsonl: 2 records could not be read' }).ok);
  const long = checkPanelMessage({ type: 'notice', text: 'x'.repeat(MAX_NOTICE + 1) });
  assert.ok(!long.ok && /notice\.text: expected at most 2000 characters/.test(long.error));
  assert.ok(!checkPanelMessage({ type: 'notice', text: 3 }).ok);
  const info = checkPanelMessage({ type: 'sweepInfo', info: { ...sweep.info, runs: [{ ...sweep.info.runs[0], id: '../x' }] } });
  assert.ok(!info.ok && /sweepInfo\.info\.runs\[0\]\.id: expected a plain name/.test(info.error));
  const unknown = checkPanelMessage({ type: 'eval', code: 'alert(1)' });
  assert.ok(!unknown.ok && /unknown type "eval"/.test(unknown.error));
  // A batch where nothing is readable is still a batch: empty, with everything counted.
  const none = checkPanelMessage({ type: 'batch', messages: [1, 2] });
  assert.ok(none.ok && none.skipped?.count === 2);
});

test('measurement records: a malformed moments_rounding or mean_field is refused with the field; without them (older engines) the record passes', () => {
  const measurement = run.records.find((r) => r.type === 'measurement')!;
  assert.equal(engineMessageCheck(measurement, ''), undefined);
  const rounding = measurement.moments_stderr;
  assert.equal(engineMessageCheck({ ...measurement, moments_rounding: rounding, mean_field: { width: 400, trace_s_std: 0.002 } }, ''), undefined);
  const cases: [unknown, RegExp][] = [
    [{ ...measurement, moments_rounding: 'tiny' }, /moments_rounding/],
    [{ ...measurement, moments_rounding: { ...rounding, H: ['1e-9'] } }, /moments_rounding\.H/],
    [{ ...measurement, mean_field: { width: '400', trace_s_std: 0.002 } }, /mean_field\.width/],
    [{ ...measurement, mean_field: { width: 400 } }, /mean_field\.trace_s_std/],
    [{ ...measurement, mean_field: [400, 0.002] }, /mean_field/],
  ];
  for (const [value, reason] of cases) {
    const error = engineMessageCheck(value, '');
    assert.ok(error, `accepted ${JSON.stringify(value).slice(0, 80)}`);
    assert.match(error, reason);
  }
});

test('measurement records: malformed layers, sharpness and stability (issue 18) are refused with the field; well-formed ones pass', () => {
  const measurement = run.records.find((r) => r.type === 'measurement')!;
  const m = measurement.moments;
  const layer = { layer: 0, parameters: 10, moments: m, stderr: m, top: { H: [1], I: [1], S: [0.1] }, theory: { I: [1, null] } };
  const sharpness = { H: 1.2, method: 'lanczos', preconditioned: 3, preconditioned_method: 'lanczos', limit_I: 1 };
  const stability = { optimizer: 'gd', threshold: 2, rule: '2/η', on: 'H', catapult: { linearized: 3, threshold: 2, regime: true } };
  assert.equal(engineMessageCheck({ ...measurement, layers: [layer], sharpness, stability }, ''), undefined);
  const cases: [unknown, RegExp][] = [
    [{ ...measurement, layers: layer }, /layers/],
    [{ ...measurement, layers: [{ ...layer, layer: -1 }] }, /layers\[0\]\.layer/],
    [{ ...measurement, layers: [{ ...layer, moments: { H: ['1'], I: [], S: [] } }] }, /layers\[0\]\.moments\.H/],
    [{ ...measurement, layers: [{ ...layer, top: { H: [1], I: [1] } }] }, /layers\[0\]\.top\.S/],
    [{ ...measurement, sharpness: { ...sharpness, H: '1.2' } }, /sharpness\.H/],
    [{ ...measurement, sharpness: { H: 1 } }, /sharpness\.method/],
    [{ ...measurement, stability: { ...stability, threshold: null } }, /stability\.threshold/],
    [{ ...measurement, stability: { ...stability, catapult: { linearized: 3, threshold: 2, regime: 'yes' } } }, /stability\.catapult\.regime/],
  ];
  for (const [value, reason] of cases) {
    const error = engineMessageCheck(value, '');
    assert.ok(error, `accepted ${JSON.stringify(value).slice(0, 80)}`);
    assert.match(error, reason);
  }
});

// ——— one declaration: the types come from the checks ———

test('typed checks: validate hands on the check\'s own type, and object() makes optional() fields optional', () => {
  const point = object({ x: num, label: optional(str), tags: arrayOf(literal('a', 'b')), pair: tuple(num, numOrNull) });
  type Point = Infer<typeof point>;
  // These lines compile only if the inferred type is what the checks say (a wrong one fails `npm run typecheck`).
  const full: Point = { x: 1, label: 'p', tags: ['a', 'b'], pair: [1, null] };
  const bare: Point = { x: 1, tags: [], pair: [2, 3] };
  // @ts-expect-error: a literal the check does not accept is not of the type either
  const wrong: Point = { x: 1, tags: ['c'], pair: [1, 2] };
  for (const v of [full, bare]) assert.equal(point(v, 'p'), undefined);
  assert.match(point(wrong, 'p') ?? '', /^p\.tags\[0\]: expected "a" or "b", got "c"$/);
  const checked = validate({ x: 2, tags: ['b'], pair: [0, 1] }, point, 'p');
  assert.ok(checked.ok);
  const x: number = checked.value.x; // typed without a cast
  assert.equal(x, 2);
  assert.equal(fits({ x: 'no' }, point), false);
  // both(): the fields of each.
  const extended = both(point, object({ weight: num }));
  const e: Infer<typeof extended> = { ...bare, weight: 3 };
  assert.equal(extended(e, 'e'), undefined);
  assert.match(extended(bare, 'e') ?? '', /^e\.weight: expected a finite number, got nothing$/);
});

test('what the writers produce passes the readers\' full checks: summary.json from summarizeRun, run.json and series of the fixture run', () => {
  assert.equal(runInfoCheck(run.info, 'run.json'), undefined);
  const summary = summarizeRun(run.info, run.records, 1234);
  // Through JSON, as the file holds it (NaN becomes null, which the checks accept where a number may be undefined).
  assert.equal(runSummaryCheck(JSON.parse(JSON.stringify(summary)), 'summary.json'), undefined);
  assert.equal(runSummaryCheck(run.summary, 'summary.json'), undefined);
  for (const [i, r] of run.records.entries()) assert.equal(engineMessageCheck(r, `line ${i + 1}`), undefined);
  // The full summary check reads every field a reader uses: a step's mean of the wrong shape is refused.
  const broken = JSON.parse(JSON.stringify(summary));
  broken.steps[1].mean.H = 'x';
  assert.match(runSummaryCheck(broken, 'summary.json') ?? '', /^summary\.json\.steps\[1\]\.mean\.H: expected an array, got "x"$/);
  delete broken.steps[1].mean;
  broken.steps[0].deviation = { H: [0.1], I: ['y'], S: [] };
  assert.match(runSummaryCheck(broken, 'summary.json') ?? '', /^summary\.json\.steps\[0\]\.deviation\.I\[0\]: expected a number or null, got "y"$/);
});

test('a moment written as NaN (JSON null) stays undefined in the summary: never averaged as 0', () => {
  const measurements = run.records.filter((r) => r.type === 'measurement');
  const step = measurements[0].step;
  // One trial's Tr(H²) at the first step is NaN, as a record read back from series.jsonl holds it: null.
  const records = run.records.map((r) => (r === measurements[0] ? { ...r, moments: { ...r.moments, H: r.moments.H.map((x, k) => (k === 1 ? null : x)) } } : r));
  const summary = JSON.parse(JSON.stringify(summarizeRun(run.info, records, 0))) as RunSummary;
  const at = summary.steps.find((s) => s.step === step)!;
  assert.equal(at.mean.H[1], null, 'the mean over trials of a NaN and a number is undefined');
  assert.ok(typeof at.mean.H[0] === 'number', 'the other moments are unaffected');
  assert.equal(orNaN(null), NaN);
  assert.deepEqual(momentsOrNaN({ H: [1, null], I: [null], S: [] }), { H: [1, NaN], I: [NaN], S: [] });
});

test('one rule for what a run stores, and for the commands and replies across process and webview boundaries', () => {
  const stored = ENGINE_MESSAGE_TYPES.filter((type) => isStoredRecord({ type }));
  assert.deepEqual([...stored].sort(), ['cancelled', 'failed', 'finished', 'log', 'measurement', 'surface', 'theory']);
  // The fixture's series.jsonl holds only stored types.
  for (const r of run.records) assert.ok(isStoredRecord(r), r.type);
  // IPC from the engine: the envelope only (structured clone carries NaN, which the full check refuses).
  assert.ok(isEngineEnvelope({ type: 'finished', trial: 0, steps: 3, loss: NaN, elapsed_ms: 1 }));
  assert.equal(isEngineEnvelope({ type: 'finished', trial: -1 }), false);
  assert.equal(isEngineEnvelope({ type: 'nope', trial: 0 }), false);
  // Commands to the engine: checked in full.
  assert.ok(isEngineCommand({ type: 'trial', run: 'r', experiment: {}, trial: 2, saveParams: false }));
  assert.equal(isEngineCommand({ type: 'trial', run: 'r', experiment: {}, trial: 2 }), false, 'saveParams missing');
  assert.ok(isEngineCommand({ type: 'trial', run: 'r', experiment: {}, trial: 2, saveParams: false, measureOnce: true }));
  for (const bad of ['yes', 1, null]) assert.equal(isEngineCommand({ type: 'trial', run: 'r', experiment: {}, trial: 2, saveParams: false, measureOnce: bad }), false, `measureOnce ${bad}`);
  assert.equal(isEngineCommand({ type: 'trial', run: 'r', experiment: {}, trial: 1.5, saveParams: true }), false);
  assert.ok(isEngineCommand({ type: 'cancel' }));
  assert.equal(isEngineCommand({ type: 'toString' }), false, 'not a prototype key');
  // Replies from a panel: only the declared fields are handed on; anything else is refused.
  const png = 'data:image/png;base64,iVBORw0KGgo=';
  assert.deepEqual(validateReply({ type: 'exported', request: 3, charts: [{ name: 'moments-H', png, csv: 'a,b', extra: 1 }], more: 2 }), { type: 'exported', request: 3, charts: [{ name: 'moments-H', png, csv: 'a,b' }] });
  assert.equal(validateReply({ type: 'exported', request: 3, charts: [{ name: '../x', png, csv: '' }] }), undefined);
  assert.equal(validateReply({ type: 'exported', request: 3, charts: [{ name: 'x', png: 'data:text/html,<script>', csv: '' }] }), undefined);
  assert.equal(validateReply({ type: 'exported', request: 3, charts: Array.from({ length: 51 }, () => ({ name: 'x', png, csv: '' })) }), undefined);
  assert.deepEqual(validateReply({ type: 'rejected', reason: 'r'.repeat(900) }), { type: 'rejected', reason: 'r'.repeat(500) });
  assert.deepEqual(validateReply({ type: 'ready', x: 1 }), { type: 'ready' });
  assert.equal(validateReply({ type: 'constructor' }), undefined);
});

test("a trial's end record: its timings and peak memory are non-negative numbers, a cancel's step may be unknown", () => {
  const finished = { type: 'finished', run: 'r', trial: 0, steps: 3, loss: 0.5, elapsed_ms: 10 };
  const timings = { prepare_ms: 1, training_ms: 2, measurements_ms: 3, theory_ms: 0, surface_ms: 0 };
  assert.equal(engineMessageCheck(finished, 'r'), undefined, 'both are optional (runs written before them)');
  assert.equal(engineMessageCheck({ ...finished, timings, max_rss_mb: 300 }, 'r'), undefined);
  for (const [bad, expected] of [
    [{ ...finished, timings: { ...timings, training_ms: -1 } }, /timings\.training_ms: expected a finite number ≥ 0, got -1/],
    [{ ...finished, timings: { ...timings, measurements_ms: '3' } }, /timings\.measurements_ms: expected a finite number ≥ 0/],
    [{ ...finished, timings: { ...timings, prepare_ms: undefined } }, /timings\.prepare_ms/],
    [{ ...finished, max_rss_mb: -5 }, /max_rss_mb: expected a finite number ≥ 0/],
    [{ ...finished, max_rss_mb: null }, /max_rss_mb/],
  ] as const) {
    assert.match(engineMessageCheck(bad, 'r') ?? 'accepted', expected, JSON.stringify(bad));
  }
  const cancelled = { type: 'cancelled', run: 'r', trial: 3 };
  assert.equal(engineMessageCheck(cancelled, 'r'), undefined, 'an engine stopped from outside: the step is not known');
  assert.equal(engineMessageCheck({ ...cancelled, step: 12 }, 'r'), undefined);
  assert.match(engineMessageCheck({ ...cancelled, step: -1 }, 'r') ?? 'accepted', /step: expected a non-negative integer, got -1/);
});
