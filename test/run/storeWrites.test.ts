import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitName } from '../../src/run/layout';
import { AppendOnlyFile, asWriteFailed, describeWriteFailure, makeFolder, SpaceReserve, writeFileAtomic, WriteFailed } from '../../src/run/storeWrites';
import { withTmpfs } from '../helpers/tmpfs';

// The one write path of the run store (src/run/storeWrites.ts): every failure of the file system is a
// WriteFailed naming the path and what to do, and nothing half-written stays behind.

const temp = (): string => mkdtempSync(join(tmpdir(), 'ntkexp-writes-'));

test('every failure code gets a reason naming the path and saying what to do', () => {
  const file = '/data/out/series.jsonl';
  for (const code of ['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO', 'ENAMETOOLONG', 'ENOTDIR', 'EEXIST', 'EISDIR', 'ELOOP', 'EMFILE', 'ENFILE', 'ESTALE']) {
    const message = describeWriteFailure(code, file, `${code}: something`);
    assert.ok(message.includes(file), `${code}: ${message}`);
    assert.match(message, /: (free space|choose|check|close)/, `${code} says what to do: ${message}`);
  }
  const failed = asWriteFailed(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), file);
  assert.ok(failed instanceof WriteFailed && failed.outOfSpace && failed.path === file);
  const bug = new TypeError('x is undefined');
  assert.equal(asWriteFailed(bug, file), bug, 'an error without a code (a bug) is left as it is');
});

test('an atomic write that fails leaves the old content and no temporary file', () => {
  const dir = temp();
  const target = join(dir, 'summary.json');
  mkdirSync(target); // a folder in the way: the rename fails
  assert.throws(() => writeFileAtomic(target, '{}'), (e: unknown) => e instanceof WriteFailed && e.path === target && /it is a folder|in the way/.test(e.message));
  assert.deepEqual(readdirSync(dir), ['summary.json']);
  const file = join(dir, 'run.json');
  writeFileAtomic(file, 'old');
  assert.throws(() => writeFileAtomic(join(dir, 'missing', 'run.json'), 'new'), WriteFailed);
  assert.equal(readFileSync(file, 'utf8'), 'old');
});

test('makeFolder removes what it created when a deeper level fails', () => {
  const dir = temp();
  writeFileSync(join(dir, 'blocker'), '');
  assert.equal(makeFolder(join(dir, 'a', 'b')), join(dir, 'a'));
  assert.equal(makeFolder(join(dir, 'a', 'b')), undefined, 'nothing created the second time');
  // `new` is made, then the level below it fails: `new` is removed again.
  assert.throws(() => makeFolder(join(dir, 'new', 'n'.repeat(300), 'x')), (e: unknown) => e instanceof WriteFailed && e.code === 'ENAMETOOLONG' && /too long for the file system/.test(e.message));
  assert.throws(() => makeFolder(join(dir, 'blocker', 'x')), (e: unknown) => e instanceof WriteFailed && e.code === 'ENOTDIR');
  assert.deepEqual(readdirSync(dir).sort(), ['a', 'blocker']);
});

test('makeFolder: a parent another process makes in between is used, not an error and not removed; the folder itself in the way is an error', () => {
  // The race of a job array: every task makes runs/fig1/ and its own shard folder below it at once.
  const nodeFs = createRequire(__filename)('node:fs') as typeof import('node:fs');
  const original = nodeFs.mkdirSync;
  const racing = (made: string) => ((p: string, ...rest: unknown[]) => {
    if (p === made && !existsSync(made)) original(made); // the other task, just before this one
    return (original as (...a: unknown[]) => unknown)(p, ...rest);
  }) as typeof original;
  const dir = temp();
  const parent = join(dir, 'runs', 'fig1');
  nodeFs.mkdirSync = racing(parent);
  try {
    assert.equal(makeFolder(join(parent, 'shard-1')), join(dir, 'runs'), 'what this call made first: runs/, not fig1/');
  } finally {
    nodeFs.mkdirSync = original;
  }
  assert.ok(existsSync(join(parent, 'shard-1')));
  const target = join(parent, 'shard-2');
  nodeFs.mkdirSync = racing(target);
  try {
    assert.throws(() => makeFolder(target), (e: unknown) => e instanceof WriteFailed && e.code === 'EEXIST');
  } finally {
    nodeFs.mkdirSync = original;
  }
});

test('names made from the file are cut below the file-system limit, kept apart by a hash, never mid-character', () => {
  assert.equal(fitName('width=250,activation=smooth_relu'), 'width=250,activation=smooth_relu');
  const a = fitName(`${'é'.repeat(150)}a`);
  const b = fitName(`${'é'.repeat(150)}b`);
  assert.notEqual(a, b);
  for (const n of [a, b, fitName('x'.repeat(10_000))]) {
    assert.ok(Buffer.byteLength(n) <= 200, n);
    assert.ok(!n.includes('\ufffd'));
  }
});

test('on a full disk an append that only partly fits is cut back to the last whole line', async () => {
  await withTmpfs({ size: '1m' }, (disk) => {
    const series = new AppendOnlyFile(join(disk.dir, 'series.jsonl'));
    series.appendLine('{"type":"first"}');
    disk.fill(6000);
    assert.throws(() => series.appendLine(JSON.stringify({ type: 'big', data: 'x'.repeat(200_000) })), (e: unknown) => e instanceof WriteFailed && e.code === 'ENOSPC');
    assert.equal(readFileSync(join(disk.dir, 'series.jsonl'), 'utf8'), '{"type":"first"}\n');
  });
});

test('the space reserve: refused whole on a disk without room for it, and released on demand', async () => {
  await withTmpfs({ size: '2m' }, (disk) => {
    const before = disk.free();
    const reserve = SpaceReserve.hold(disk.dir);
    assert.ok(before - disk.free() >= 256 * 1024, 'the space is really taken');
    reserve.release();
    reserve.release();
    assert.ok(!existsSync(reserve.file));
    assert.equal(disk.free(), before);
    disk.fill(100 * 1024);
    assert.throws(() => SpaceReserve.hold(disk.dir), (e: unknown) => e instanceof WriteFailed && e.outOfSpace);
    assert.deepEqual(readdirSync(disk.dir).filter((f) => !f.startsWith('filler')), [], 'no partial reserve left');
  });
});
