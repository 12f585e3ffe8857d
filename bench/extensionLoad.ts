/**
 * extension_load: how long the editor's extension host takes to load the extension's bundle
 * (dist/extension.js, as the VSIX ships it), the part of activation its size decides. Each timing is a
 * fresh Node process that answers `require('vscode')` with a stub and times `require(bundle)`; the record
 * is the median of REPEAT processes, with the bundle's size. `NTKEXP_BENCH_BUNDLE` names another bundle
 * (an older build's, for a before/after in the same conditions).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { median, type Benchmark } from './common';

const LOADER = `
const Module = require('module');
const fs = require('fs');
const bundle = process.argv[1];
// A stub of the API: any property of it is another stub, so module-level uses (enums, classes) resolve.
const deep = new Proxy(function () {}, { get: (t, k) => (k === Symbol.toPrimitive ? () => '' : deep), construct: () => deep, apply: () => deep });
// The bundle's interop copies the module's own properties: give it, as own properties, every name it uses.
const vscode = {};
for (const m of fs.readFileSync(bundle, 'utf8').matchAll(/\\bvscode\\d*\\.([A-Za-z_$][\\w$]*)/g)) vscode[m[1]] = deep;
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
const t0 = performance.now();
require(bundle);
process.stdout.write(String(performance.now() - t0));
`;

export const extensionLoad: Benchmark = {
  name: 'extension_load',
  async run({ repeat }) {
    const bundle = process.env.NTKEXP_BENCH_BUNDLE ?? path.join(__dirname, '..', 'dist', 'extension.js');
    if (!fs.existsSync(bundle)) return [{ name: 'extension_load', ms: NaN, missing: `${bundle} is missing: run \`npm run build\`` }];
    const times: number[] = [];
    for (let i = 0; i < Math.max(repeat, 7); i++) {
      const r = spawnSync(process.execPath, ['-e', LOADER, bundle], { encoding: 'utf8', timeout: 60_000 });
      if (r.status !== 0) throw new Error(`extension_load: loading ${bundle} failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      times.push(Number(r.stdout));
    }
    return [{ name: 'extension_load', ms: median(times), bytes: fs.statSync(bundle).size, bundle: path.basename(bundle), processes: times.length, what: 'require(dist/extension.js) in a fresh process, vscode stubbed' }];
  },
};
