#!/usr/bin/env node
'use strict';
// The `ntkexp` command. Runs the bundle dist/cli.js when it has been built (npm run build), else the
// TypeScript sources through tsx (a devDependency), so `npx ntkexp …` works from a fresh clone.
// NTKEXP_FROM_SOURCE=1 forces the sources even when a bundle exists (a stale bundle while developing).
const fs = require('node:fs');
const path = require('node:path');

// Output piped into `head` and closed early: stop quietly, as Unix tools do.
process.stdout.on('error', (error) => {
  if (error && error.code === 'EPIPE') process.exit(process.exitCode || 0);
  throw error;
});

const root = path.join(__dirname, '..');
const bundle = path.join(root, 'dist', 'cli.js');
let cli;
if (fs.existsSync(bundle) && process.env.NTKEXP_FROM_SOURCE !== '1') {
  cli = require(bundle);
} else {
  require('tsx/cjs');
  cli = require(path.join(root, 'src', 'cli', 'main.ts'));
}
cli.main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error) => {
    // main() turns every error into a status; one that escapes it is a bug (exit 3), reported as one.
    const version = require(path.join(root, 'package.json')).version;
    process.stderr.write(`ntkexp: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.stderr.write(`${cli.bugReportLine(version)}\n`);
    process.exitCode = 3;
  },
);
