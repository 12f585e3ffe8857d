#!/usr/bin/env node
// Runs the unit tests: every test/**/*.test.ts under node:test, TypeScript through tsx. Each file runs
// in its own process (node:test's default), which TensorFlow.js needs: it cannot share a process
// between worker threads; two files at a time, then the *.alone.test.ts files one by one. Arguments filter the files by substring: `npm run test:unit -- engine/rng`.
// What the browser and end-to-end suites need from the system is checked first (prerequisites.mjs).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const prerequisites = files.some((f) => f.includes('.browser.test.') || f.includes('.e2e.test.')) ? ensurePrerequisites() : process.env;
// Every temporary folder the tests and their processes make goes under one scratch folder (TMPDIR),
// removed at the end: a run of the suite leaves nothing in the system's /tmp, whatever a test forgot.
const scratch = mkdtempSync(join(tmpdir(), 'ntkexp-tests-'));
const env = { ...prerequisites, TMPDIR: scratch };
// Files named *.alone.test.ts time things or take the whole machine (the cost plan against a measured
// run, a Slurm cluster of every core): they run after the others, one at a time, with nothing beside them.
const alone = files.filter((f) => f.endsWith('.alone.test.ts'));
const together = files.filter((f) => !alone.includes(f));
let status = 0;
for (const [batch, concurrency] of [[together, 2], [alone, 1]]) {
  if (batch.length === 0) continue;
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...passthrough, ...batch];
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
  status ||= result.status ?? 1;
}
try {
  rmSync(scratch, { recursive: true, force: true });
} catch (error) {
  // A tmpfs a killed test left mounted, say: the suite's result stands, the folder is named.
  console.error(`could not remove the tests' scratch folder ${scratch}: ${error.message}`);
}
process.exit(status);
