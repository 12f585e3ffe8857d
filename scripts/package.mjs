#!/usr/bin/env node
// `npm run package`: the VSIX. Builds the bundles, then packs them with @vscode/vsce without node_modules
// (everything the extension runs is bundled; the optional @tensorflow/tfjs-node stays out and is found
// at run time if a user installs it). The extension's README is docs/EXTENSION.md; the VSIX goes to
// ntkexp-<version>.vsix (git-ignored). Checks the size limit of the product: under 15 MB.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = process.argv[2] ?? join(root, `ntkexp-${version}.vsix`);
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
run(process.execPath, [
  join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
  'package',
  '--no-dependencies',
  '--allow-missing-repository',
  '--readme-path',
  'docs/EXTENSION.md',
  '--no-rewrite-relative-links',
  '--out',
  out,
]);
const mb = statSync(out).size / 1e6;
console.log(`${out}: ${mb.toFixed(1)} MB`);
if (mb >= 15) {
  console.error(`the VSIX is ${mb.toFixed(1)} MB: over the 15 MB limit`);
  process.exit(1);
}
