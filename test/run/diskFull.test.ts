import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeReportSafely } from '../../src/run/reportWriter';
import { RunRefused, type RunOutcome } from '../../src/run/runExperiment';
import type { RunInfo, SweepInfo } from '../../src/contracts/runStore';
import { RESERVE_FILE } from '../../src/run/storeWrites';
import { withTmpfs, type Tmpfs } from '../helpers/tmpfs';
import { runText, tinyExperiment } from './helpers';

// Write failures on a real small file system (a tmpfs the test mounts as root): the disk fills up, or
// turns read-only, at each stage of a run — while series.jsonl is appended, at the summary, at
// report.html, at folder creation, in a sweep. In every case the run ends in a state a person can act
// on: failed with the reason naming the path (in run.json, where it can still be written), every
// record flushed before still readable, and no temporary file left behind.

/** A run long enough to be caught while it goes: many measurements, one trial. */
const LONG = tinyExperiment({ trials: 1, steps: 2000, points: 200 });

/** Every file under `dir` (relative paths). */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out;
}

/** What a run folder left by a failed write must look like, whatever the stage. */
function assertCleanFailure(out: string, fileName: RegExp, reason: RegExp): RunInfo {
  const leftovers = files(out).filter((f) => f.endsWith('.tmp') || f.endsWith(RESERVE_FILE));
  assert.deepEqual(leftovers, [], 'no temporary file and no space reserve left');
  const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunInfo;
  assert.equal(info.status, 'failed');
  assert.match(info.error ?? '', fileName, info.error);
  assert.match(info.error ?? '', reason, info.error);
  assert.ok(info.ended, 'the end is recorded');
  return info;
}

/** series.jsonl holds whole records only, each one valid JSON with a type; returns how many. */
function wholeRecords(dir: string): number {
  const text = readFileSync(join(dir, 'series.jsonl'), 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'the last record is whole (a torn one was cut off)');
  const lines = text.split('\n').filter((l) => l !== '');
  for (const [i, line] of lines.entries()) assert.equal(typeof (JSON.parse(line) as { type: unknown }).type, 'string', `line ${i + 1}`);
  return lines.length;
}

const NO_SPACE = /no space left on the device holding .*: free space or choose --out on another disk/;

test('the disk fills up while series.jsonl is appended: the run stops, failed, with every whole record kept', async () => {
  await withTmpfs({ size: '16m' }, async (disk) => {
    const out = join(disk.dir, 'out');
    let measured = 0;
    const outcome = await runText(LONG, { out, workers: 1 }, {
      onMessage: (m) => {
        if (m.type === 'measurement' && ++measured === 5) disk.fill();
      },
    });
    assert.equal(outcome.status, 'failed');
    const info = assertCleanFailure(out, /series\.jsonl/, NO_SPACE);
    assert.equal(outcome.runs[0].info.error, info.error);
    const kept = wholeRecords(out);
    assert.ok(kept >= 5 && kept < 200, `the records written before the disk filled are kept (${kept})`);
    assert.ok(measured < 200, 'the run stopped instead of measuring on');
  });
});

test('the disk fills up at the summary: failed naming summary.json, no half summary left', async () => {
  await withTmpfs({ size: '16m' }, async (disk) => {
    const out = join(disk.dir, 'out');
    const outcome = await runText(tinyExperiment({ trials: 1 }), { out, workers: 1 }, {
      onMessage: (m) => {
        if (m.type === 'finished') disk.fill();
      },
    });
    assert.equal(outcome.status, 'failed');
    assertCleanFailure(out, /summary\.json/, NO_SPACE);
    assert.ok(!existsSync(join(out, 'summary.json')));
    assert.equal(wholeRecords(out), 5, 'three measurements, the theory and the end of the trial');
  });
});

test('the disk fills up at report.html: failed naming report.html, the summary kept', async () => {
  await withTmpfs({ size: '16m' }, async (disk) => {
    const out = join(disk.dir, 'out');
    const outcome = await runText(tinyExperiment({ trials: 1 }), { out, workers: 1 }, {
      writeReport: (dir) => {
        disk.fill();
        writeReportSafely(dir);
      },
    });
    assert.equal(outcome.status, 'failed');
    assertCleanFailure(out, /report\.html/, NO_SPACE);
    assert.ok(!existsSync(join(out, 'report.html')));
    assert.ok(statSync(join(out, 'summary.json')).size > 0, 'the summary was written before the report');
  });
});

test('a disk without room for the folder itself: nothing could start, nothing is left behind', async () => {
  // No inode left for the folder (mkdir fails), then no byte left for run.json.
  for (const [what, options, prepare] of [
    ['no inode', { size: '16m', inodes: 3 }, (disk: Tmpfs) => disk.fill()],
    ['no space', { size: '16m' }, (disk: Tmpfs) => disk.fill()],
  ] as const) {
    await withTmpfs(options, async (disk) => {
      prepare(disk);
      const out = join(disk.dir, 'runs', 'out');
      await assert.rejects(
        runText(tinyExperiment({ trials: 1 }), { out, workers: 1 }),
        (e: unknown) => e instanceof RunRefused && /space|disk/.test(e.message) && !/\n\s+at /.test(e.message),
        what,
      );
      assert.ok(!existsSync(join(disk.dir, 'runs')), `${what}: the folders it made are removed`);
    });
  }
});

test('a read-only output disk: refused before anything runs, naming the folder', async () => {
  await withTmpfs({ size: '4m' }, async (disk) => {
    disk.remount('ro');
    const out = join(disk.dir, 'out');
    await assert.rejects(
      runText(tinyExperiment({ trials: 1 }), { out, workers: 1 }),
      (e: unknown) => e instanceof RunRefused && e.message.includes(out) && /read-only file system: choose --out on a writable disk/.test(e.message),
    );
  });
});

test('the disk turns read-only mid-run: the run stops, and the outcome says run.json could not record it', async () => {
  await withTmpfs({ size: '16m' }, async (disk) => {
    const out = join(disk.dir, 'out');
    let measured = 0;
    let outcome: RunOutcome;
    try {
      outcome = await runText(LONG, { out, workers: 1 }, {
        onMessage: (m) => {
          if (m.type === 'measurement' && ++measured === 3) disk.remount('ro');
        },
      });
    } finally {
      disk.remount('rw');
    }
    assert.equal(outcome.status, 'failed');
    const run = outcome.runs[0];
    assert.match(run.info.error ?? '', /series\.jsonl is on a read-only file system/);
    assert.match(run.unrecorded ?? '', /run\.json is on a read-only file system/, 'why run.json still says running');
    assert.equal((JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunInfo).status, 'running', 'the file is as it was, whole');
    assert.ok(wholeRecords(out) >= 3);
    assert.deepEqual(files(out).filter((f) => f.endsWith('.tmp')), []);
  });
});

test('the disk fills up in a sweep: the run that hit it and the ones stopped with it fail, sweep.json says why', async () => {
  const sweep = tinyExperiment({ trials: 1, steps: 2000, points: 200, extra: 'sweep { width = [8, 12] }' });
  await withTmpfs({ size: '16m' }, async (disk) => {
    const out = join(disk.dir, 'sweep');
    let measured = 0;
    const outcome = await runText(sweep, { out, workers: 2 }, {
      onMessage: (m) => {
        if (m.type === 'measurement' && ++measured === 6) disk.fill();
      },
    });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.runs.length, 2);
    for (const run of outcome.runs) {
      assert.equal(run.info.status, 'failed');
      assert.match(run.info.error ?? '', NO_SPACE);
      wholeRecords(run.dir);
    }
    assert.ok(
      outcome.runs.some((r) => /^no space/.test(r.info.error ?? '')) && outcome.runs.some((r) => /^stopped with the rest of the sweep: no space/.test(r.info.error ?? '')),
      outcome.runs.map((r) => r.info.error).join(' | '),
    );
    const info = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepInfo;
    assert.equal(info.status, 'failed');
    assert.match(info.error ?? '', NO_SPACE);
    assert.deepEqual(files(out).filter((f) => f.endsWith('.tmp') || f.endsWith(RESERVE_FILE)), []);
  });
});
