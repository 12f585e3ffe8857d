import './mock/install';
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { vscodeMock } from './mock/control';
import { activate } from '../../src/extension/extension';
import type { RunInfo } from '../../src/contracts/runStore';
import { withTmpfs } from '../helpers/tmpfs';

// The editor's run when its results cannot be written (a full disk under the workspace, a real tmpfs
// mounted by the test as root): the same reason as `ntkexp run` gives, in the error notification, and
// the same state on disk.

let context: vscode.ExtensionContext;

beforeEach(() => {
  vscodeMock.reset();
  context = vscodeMock.createExtensionContext();
  activate(context);
});

afterEach(() => {
  vscodeMock.disposeContext(context);
});

function experimentIn(dir: string, steps: number, points: number): vscode.Uri {
  const file = join(dir, 'e.ntkexp');
  writeFileSync(
    file,
    `experiment e {
  trials = 1
  data points { inputs = [[1, 0], [0, 1], [1, 1]]; targets = [1, -1, 0.5] }
  network { depth = 2; width = 8 }
  train { steps = ${steps} }
  measure { points = ${points}; probes = 4; top = 2; exact = false }
}
`,
  );
  return vscode.Uri.file(file);
}

/** Lines of series.jsonl in the one run folder under `dir`/ntkexp-runs, 0 before it exists. */
function seriesLines(dir: string): number {
  const runs = join(dir, 'ntkexp-runs');
  const [run] = existsSync(runs) ? readdirSync(runs) : [];
  const series = run ? join(runs, run, 'series.jsonl') : '';
  return series && existsSync(series) ? readFileSync(series, 'utf8').split('\n').length - 1 : 0;
}

test('the workspace disk fills up during a run from the editor: the notification gives the reason, run.json records it', async () => {
  await withTmpfs({ size: '16m' }, async (disk) => {
    const uri = experimentIn(disk.dir, 2000, 200);
    vscodeMock.respond('error', undefined);
    const done = vscode.commands.executeCommand('ntkexp.run', uri, 'e');
    await vscodeMock.waitFor(() => seriesLines(disk.dir) >= 3, { timeout: 60_000, what: 'three records on disk' });
    disk.fill();
    await done;
    const shown = vscodeMock.messages('error');
    assert.ok(
      shown.some((m) => /^NTK: e failed: no space left on the device holding .*series\.jsonl: free space or choose --out on another disk$/.test(m)),
      shown.join('\n'),
    );
    const runs = join(disk.dir, 'ntkexp-runs');
    const info = JSON.parse(readFileSync(join(runs, readdirSync(runs)[0], 'run.json'), 'utf8')) as RunInfo;
    assert.equal(info.status, 'failed');
    assert.match(info.error ?? '', /no space left/);
  });
});

test('no room on the workspace disk to start a run from the editor: "Not run" with the reason, no folder left (no byte free; no inode free)', async () => {
  await withTmpfs({ size: '4m' }, async (disk) => {
    const uri = experimentIn(disk.dir, 12, 3);
    disk.fill();
    vscodeMock.respond('error', undefined);
    await vscode.commands.executeCommand('ntkexp.run', uri, 'e');
    const shown = vscodeMock.messages('error');
    assert.ok(shown.some((m) => /^Not run: records: the run would write about .* but the disk holding .*ntkexp-runs has 0 bytes free: .*write elsewhere with --out$/.test(m)), shown.join('\n'));
    assert.ok(!existsSync(join(disk.dir, 'ntkexp-runs')), 'nothing was made');
  });
  await withTmpfs({ size: '4m', inodes: 16 }, async (disk) => {
    const uri = experimentIn(disk.dir, 12, 3);
    disk.exhaustInodes();
    vscodeMock.respond('error', undefined);
    await vscode.commands.executeCommand('ntkexp.run', uri, 'e');
    const shown = vscodeMock.messages('error');
    assert.ok(shown.some((m) => /^Not run: no space left on the device holding .*ntkexp-runs.*: free space or choose --out on another disk$/.test(m)), shown.join('\n'));
    assert.ok(!existsSync(join(disk.dir, 'ntkexp-runs')), 'the folders it made are removed');
  });
});

test('the workspace disk turns read-only during a run from the editor: the notification says run.json could not record the failure', async () => {
  await withTmpfs({ size: '16m' }, async (disk) => {
    const uri = experimentIn(disk.dir, 2000, 200);
    vscodeMock.respond('error', undefined);
    const done = vscode.commands.executeCommand('ntkexp.run', uri, 'e');
    try {
      await vscodeMock.waitFor(() => seriesLines(disk.dir) >= 3, { timeout: 60_000, what: 'three records on disk' });
      disk.remount('ro');
      await done;
    } finally {
      disk.remount('rw');
    }
    const shown = vscodeMock.messages('error');
    assert.ok(
      shown.some((m) => /^NTK: e failed: .*series\.jsonl is on a read-only file system: choose --out on a writable disk \(and run\.json could not record it: .*run\.json is on a read-only file system/.test(m)),
      shown.join('\n'),
    );
  });
});
