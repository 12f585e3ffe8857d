import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DataFileProblem, check } from '../../src/format/index';
import { folderOf, leavesFolder, lexicalEscape, pathParts } from '../../src/format/validate/paths';
import { checkOptionsForFile } from '../../src/run/confine';

const text = (p: string): string => `experiment e {\n  data csv "${p}" { target = y }\n}\n`;

test('lexical check: relative paths inside the folder pass; absolute paths and climbing `..` do not', () => {
  for (const ok of ['d.csv', './d.csv', 'sub/d.csv', 'sub/../d.csv', 'a\\b.csv']) assert.equal(lexicalEscape(ok), undefined, ok);
  for (const bad of ['../d.csv', 'sub/../../d.csv', '/etc/passwd', 'C:\\x.csv', '\\\\server\\share.csv', '~/d.csv', '', '.', 'sub/..']) {
    assert.notEqual(lexicalEscape(bad), undefined, bad);
  }
});

test('paths: the folder of a file, and the parts of a relative path at either separator', () => {
  assert.equal(folderOf('/a/b/c.ntkexp'), '/a/b');
  assert.equal(folderOf('c.ntkexp'), '.');
  assert.equal(folderOf('C:\\a\\c.ntkexp'), 'C:\\a');
  assert.deepEqual(pathParts('./sub//d.csv'), ['sub', 'd.csv']);
  assert.deepEqual(pathParts('a\\..\\b.csv'), ['a', '..', 'b.csv']);
});

test('the dataFile hook: its problem is the diagnostic, with its code, at the path; lexical escapes never reach it', () => {
  const asked: [string, string][] = [];
  const problems: Record<string, DataFileProblem> = {
    'fifo.csv': { code: 'data-file', message: 'is a FIFO (named pipe), not a regular file: name a regular csv file' },
    'link.csv': { code: 'path-escape', message: leavesFolder('the symbolic link `link.csv` leads to /elsewhere/x.csv') },
  };
  const dataFile = (source: string, relative: string): DataFileProblem | undefined => {
    asked.push([source, relative]);
    return problems[relative];
  };
  const options = { path: '/ws/exp.ntkexp', dataFile };
  assert.deepEqual(check(text('ok.csv'), options), []);
  for (const [name, problem] of Object.entries(problems)) {
    const [d] = check(text(name), options);
    assert.equal(d.code, problem.code);
    assert.equal(d.message, `csv path "${name}" ${problem.message}`);
    assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.character], [1, 11, 13 + name.length]);
  }
  assert.deepEqual(asked, [['/ws/exp.ntkexp', 'ok.csv'], ['/ws/exp.ntkexp', 'fifo.csv'], ['/ws/exp.ntkexp', 'link.csv']]);
  asked.length = 0;
  assert.equal(check(text('../x.csv'), options)[0].code, 'path-escape');
  assert.deepEqual(check(text('fifo.csv'), { dataFile }), [], 'without the file’s path there is no folder to look in');
  assert.deepEqual(asked, []);
});

test('with the file system probe, a symbolic link that leads out of the folder is a path-escape', () => {
  const root = mkdtempSync(join(tmpdir(), 'ntkexp-paths-'));
  const inside = join(root, 'project');
  const outside = join(root, 'elsewhere');
  mkdirSync(inside);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.csv'), 'a,y\n1,2\n');
  writeFileSync(join(inside, 'ok.csv'), 'a,y\n1,2\n');
  symlinkSync(outside, join(inside, 'link'));
  const file = join(inside, 'exp.ntkexp');
  assert.deepEqual(check(text('ok.csv'), checkOptionsForFile(file)), []);
  const escaped = check(text('link/secret.csv'), checkOptionsForFile(file));
  assert.deepEqual(escaped.map((d) => d.code), ['path-escape']);
  assert.match(escaped[0].message, /leaves the folder of the \.ntkexp file: the symbolic link `link` leads to .*elsewhere/);
  assert.deepEqual(check(text('link/secret.csv'), { path: file }), [], 'lexically the path stays inside');
});
