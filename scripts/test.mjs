#!/usr/bin/env node
// Runs the unit tests: every test/**/*.test.ts under node:test, TypeScript through tsx. Each file runs
// in its own process (node:test's default), which TensorFlow.js needs: it cannot share a process
// between worker threads. Arguments filter the files by substring: `npm run test:unit -- engine/rng`.
// What the browser and end-to-end suites need from the system is checked first (prerequisites.mjs).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensurePrerequisites } from './prerequisites.mjs';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passthrough = process.argv.slice(2).filter((a) => a.startsWith('--'));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = walk(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(2);
}
// The browser and end-to-end suites need a Chromium and unzip: found (or installed) before anything runs.
const env = files.some((f) => f.includes('.browser.test.') || f.includes('.e2e.test.')) ? ensurePrerequisites() : process.env;
const args = ['--import', 'tsx', '--test', '--test-concurrency=2', ...passthrough, ...files];
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
process.exit(result.status ?? 1);
