import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('no eval, no Function constructor, no vscode or DOM in src/format, src/catalogue (the expression language) and src/cli', () => {
  const files = [...sources(join(ROOT, 'src', 'format')), ...sources(join(ROOT, 'src', 'catalogue')), ...sources(join(ROOT, 'src', 'cli'))];
  assert.ok(files.length > 20);
  for (const file of files) {
    const code = readFileSync(file, 'utf8');
    assert.doesNotMatch(code, /\beval\s*\(/, `${file} calls eval`);
    assert.doesNotMatch(code, /\bnew\s+Function\b|\bFunction\s*\(/, `${file} uses the Function constructor`);
    assert.doesNotMatch(code, /from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)/, `${file} imports vscode`);
    assert.doesNotMatch(code, /\b(document|window)\./, `${file} uses the DOM`);
  }
  for (const file of [...sources(join(ROOT, 'src', 'format')), ...sources(join(ROOT, 'src', 'catalogue'))]) {
    assert.doesNotMatch(readFileSync(file, 'utf8'), /from\s+['"]node:/, `${file}: the format core does no I/O (node: imports belong in src/cli)`);
  }
});
