import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check } from '../../src/format/index';
import { besideFile, folderOf, lexicalEscape } from '../../src/format/validate/paths';

test('lexical check: relative paths inside the folder pass; absolute paths and climbing `..` do not', () => {
  for (const ok of ['d.csv', './d.csv', 'sub/d.csv', 'sub/../d.csv', 'a\\b.csv']) assert.equal(lexicalEscape(ok), undefined, ok);
  for (const bad of ['../d.csv', 'sub/../../d.csv', '/etc/passwd', 'C:\\x.csv', '\\\\server\\share.csv', '~/d.csv', '', '.', 'sub/..']) {
    assert.notEqual(lexicalEscape(bad), undefined, bad);
  }
});

test('paths beside the file', () => {
  assert.equal(folderOf('/a/b/c.ntkexp'), '/a/b');
  assert.equal(folderOf('c.ntkexp'), '.');
  assert.equal(besideFile('/a/b/c.ntkexp', './sub//d.csv'), '/a/b/sub/d.csv');
  assert.equal(besideFile('C:\\a\\c.ntkexp', 'sub/d.csv'), 'C:\\a\\sub\\d.csv');
  assert.equal(besideFile(undefined, 'd.csv'), 'd.csv');
});

test('with a realpath hook, a symbolic link that leads out of the folder is a path-escape', () => {
  const root = mkdtempSync(join(tmpdir(), 'ntkexp-paths-'));
  const inside = join(root, 'project');
  const outside = join(root, 'elsewhere');
  mkdirSync(inside);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.csv'), 'a,y\n1,2\n');
  writeFileSync(join(inside, 'ok.csv'), 'a,y\n1,2\n');
  symlinkSync(outside, join(inside, 'link'));
  const realpath = (p: string): string | undefined => {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  };
  const file = join(inside, 'exp.ntkexp');
  const text = (p: string): string => `experiment e { data csv "${p}" { target = y } }`;
  assert.deepEqual(check(text('ok.csv'), { path: file, realpath }), []);
  const escaped = check(text('link/secret.csv'), { path: file, realpath });
  assert.equal(escaped.length, 1);
  assert.equal(escaped[0].code, 'path-escape');
  assert.match(escaped[0].message, /symbolic link/);
  assert.deepEqual(check(text('link/secret.csv'), { path: file }), [], 'lexically the path stays inside');
});
