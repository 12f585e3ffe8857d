/**
 * The run store's reader: every file checked against its schema, only regular files of their folder
 * within a size, records of series.jsonl one by one (the rest kept, the skipped counted with the first
 * line), a sweep's runs only from folders really inside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSeries, readRun, readSweep, RunStoreError, runFolderKind, storedRunNotices, sweepRunDir } from '../../src/run/readStore';
import { badSeriesLines, copyFixture, HOSTILE_IDS, mkfifo, readJson, scratchWorkspace, writeJson, wrongRunJsons } from '../fixtures/planted';

test('a recorded run reads whole: every record, the summary, nothing skipped', () => {
  const { runs } = scratchWorkspace();
  const dir = copyFixture('run-circle', path.join(runs, 'circle'));
  const stored = readRun(dir);
  const lines = fs.readFileSync(path.join(dir, 'series.jsonl'), 'utf8').trim().split('\n').length;
  assert.equal(stored.records.length, lines);
  assert.equal(stored.skipped, undefined);
  assert.ok(stored.summary);
  assert.deepEqual(storedRunNotices(stored), []);
  assert.deepEqual(runFolderKind(dir), { kind: 'run' });
});

test('run.json of every wrong shape or kind is refused with the file and what is wrong, promptly (a FIFO does not block)', { timeout: 20_000 }, () => {
  const { runs, outside } = scratchWorkspace();
  const info = readJson(path.join(copyFixture('run-circle', path.join(runs, 'template')), 'run.json'));
  for (const wrong of wrongRunJsons(info, outside)) {
    const dir = copyFixture('run-circle', path.join(runs, wrong.name.replace(/\W+/g, '-')));
    const file = path.join(dir, 'run.json');
    fs.rmSync(file);
    wrong.plant(file);
    assert.throws(
      () => readRun(dir),
      (e: unknown) => e instanceof RunStoreError && e.file === file && e.message.startsWith(file) && wrong.reason.test(e.message),
      wrong.name,
    );
    const kind = runFolderKind(dir);
    assert.equal(kind.kind, undefined, wrong.name);
    assert.match(kind.kind === undefined ? kind.reason : '', wrong.reason);
  }
});

test('series.jsonl with bad records in the middle: the rest is read, the count and the first line reported', () => {
  const { runs } = scratchWorkspace();
  const dir = copyFixture('run-circle', path.join(runs, 'circle'));
  const seriesFile = path.join(dir, 'series.jsonl');
  const good = fs.readFileSync(seriesFile, 'utf8').trim().split('\n');
  const measurement = JSON.parse(good.find((l) => l.includes('"type":"measurement"'))!);
  const bad = badSeriesLines(measurement);
  for (const [i, b] of bad.entries()) {
    // Each bad line alone, then all together, somewhere in the middle.
    const lines = [...good];
    lines.splice(4 + i, 0, b.line);
    fs.writeFileSync(seriesFile, lines.join('\n') + '\n');
    const stored = readRun(dir);
    assert.equal(stored.records.length, good.length, b.reason.source);
    assert.equal(stored.skipped?.count, 1);
    assert.ok(stored.skipped?.first.startsWith(`line ${5 + i}: `), stored.skipped?.first);
    assert.match(stored.skipped?.first ?? '', b.reason);
  }
  const lines = [...good];
  bad.forEach((b, i) => lines.splice(3 + i * 5, 0, b.line));
  fs.writeFileSync(seriesFile, lines.join('\n') + '\n' + '{"type":"measurement","tri'); // and a torn last line
  const stored = readRun(dir);
  assert.deepEqual(stored.records, good.map((l) => JSON.parse(l)));
  assert.equal(stored.tornLastLine, true);
  assert.equal(stored.skipped?.count, bad.length);
  assert.match(stored.skipped?.first ?? '', /^line 4: message: unknown type "bogus"/);
  assert.deepEqual(storedRunNotices(stored), [`${seriesFile}: ${bad.length} records could not be read and are not shown (first: ${stored.skipped?.first})`]);
  // The limit of a line is an option of the parser (the reader uses its stated default).
  assert.equal(parseSeries('{"type":"log","trial":0,"level":"info","message":"hello"}\n', { recordBytes: 10 }).skipped?.count, 1);
});

test('series.jsonl and summary.json that are not regular files: series refused by name, summary left out with the reason', { timeout: 20_000 }, () => {
  const { runs, outside } = scratchWorkspace();
  const dir = copyFixture('run-circle', path.join(runs, 'circle'));
  fs.rmSync(path.join(dir, 'summary.json'));
  fs.symlinkSync(path.join(outside, 'summary.json'), path.join(dir, 'summary.json'));
  const stored = readRun(dir);
  assert.equal(stored.summary, undefined);
  assert.match(stored.summaryProblem ?? '', /summary\.json is a symbolic link, not a regular file; it is left out/);
  fs.rmSync(path.join(dir, 'summary.json'));
  writeJson(path.join(dir, 'summary.json'), { format: 'ntkexp-summary/1', run: 'x' });
  assert.match(readRun(dir).summaryProblem ?? '', /summary\.json is not a valid summary\.json: summary\.json\.status: expected/);
  fs.rmSync(path.join(dir, 'series.jsonl'));
  mkfifo(path.join(dir, 'series.jsonl'));
  assert.throws(() => readRun(dir), /series\.jsonl is a FIFO \(named pipe\), not a regular file/);
});

test('a planted sweep.json: ids that are paths make it invalid; a sub-folder that is a link to outside is refused, the others read', () => {
  const { runs, outside } = scratchWorkspace();
  const sweepDir = copyFixture('sweep-width', path.join(runs, 'sweep'));
  const sweepFile = path.join(sweepDir, 'sweep.json');
  const info = readJson<{ runs: { id: unknown }[] }>(sweepFile);
  for (const id of HOSTILE_IDS) {
    writeJson(sweepFile, { ...info, runs: [info.runs[0], { ...info.runs[1], id }] });
    assert.throws(() => readSweep(sweepDir), (e: unknown) => e instanceof RunStoreError && /sweep\.json is not a valid sweep\.json: sweep\.json\.runs\[1\]\.id: expected a plain name/.test(e.message), JSON.stringify(id));
    assert.equal(runFolderKind(sweepDir).kind, undefined);
  }
  // The second run's folder becomes a link to a run outside the workspace.
  writeJson(sweepFile, info);
  const second = path.join(sweepDir, info.runs[1].id as string);
  const elsewhere = path.join(outside, 'stolen');
  fs.renameSync(second, elsewhere);
  fs.symlinkSync(elsewhere, second);
  const sweep = readSweep(sweepDir);
  assert.deepEqual(
    sweep.runs.map((r) => [r.id, r.dir !== undefined]),
    info.runs.map((r, i) => [r.id, i !== 1]),
  );
  assert.match(sweep.runs[1].problem ?? '', new RegExp(`run ${info.runs[1].id} of .*sweep\\.json is not read: .* leads to ${elsewhere}, outside `));
  assert.equal(sweepRunDir(sweepDir, info.runs[0].id as string).dir, path.join(sweepDir, info.runs[0].id as string));
  // A link that stays inside the sweep's folder is fine.
  fs.rmSync(second);
  fs.symlinkSync(path.join(sweepDir, info.runs[0].id as string), second);
  assert.ok(readSweep(sweepDir).runs[1].dir);
});
