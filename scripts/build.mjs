#!/usr/bin/env node
// Builds dist/: esbuild bundles for the Node side (CLI, engine process, extension) and the webview,
// the wasm binaries of @tensorflow/tfjs-backend-wasm beside them (so the bundle never fetches them),
// and the MNIST digits in their compact binary form (8 MB instead of the package's 40 MB of JSON).
// `--watch` rebuilds the bundles on change.
import * as esbuild from 'esbuild';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
mkdirSync(dist, { recursive: true });

// Node bundles: CommonJS (VS Code loads extensions with require). The optional native backend stays
// external: where it is installed, Node finds it at run time; where not, the engine falls back.
const nodeEntries = [
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/run/engineMain.ts', out: 'engine' },
  { in: 'src/extension/extension.ts', out: 'extension' },
].filter((e) => existsSync(join(root, e.in)));

// The TextMate grammar's word lists come from the schema and the catalogue (scripts/grammar.ts).
{
  const g = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'grammar.ts')], { cwd: root, stdio: 'inherit' });
  if (g.status !== 0) process.exit(g.status ?? 1);
}

const common = { bundle: true, sourcemap: true, logLevel: 'warning', legalComments: 'none' };
const contexts = [];
if (nodeEntries.length > 0) {
  contexts.push(
    await esbuild.context({
      ...common,
      entryPoints: nodeEntries.map((e) => ({ in: join(root, e.in), out: e.out })),
      outdir: dist,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['vscode', '@tensorflow/tfjs-node', 'koffi'],
    }),
  );
}
// Browser bundles: the editor's panel (webview.js) and report.html's script (report.js, which
// src/run/report.ts inlines into each report together with media/ntkexp.css). Minified: report.js is
// copied into every report.html (Chart.js alone is 360 kB unminified).
const webviewEntries = [
  { in: 'webview/main.ts', out: 'webview' },
  { in: 'webview/report.ts', out: 'report' },
];
for (const e of webviewEntries.filter((e) => existsSync(join(root, e.in)))) {
  contexts.push(
    await esbuild.context({
      ...common,
      entryPoints: [{ in: join(root, e.in), out: e.out }],
      outdir: dist,
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
      minify: true,
      loader: { '.css': 'text' },
    }),
  );
}

// wasm binaries of the TensorFlow.js backend, next to the bundles that load them.
const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  copyFileSync(join(wasmDir, f), join(dist, f));
}
// The threaded build's scripts (src/engine/backend/wasmThreads.ts): its Emscripten main script, which
// every pthread worker loads too, and the module exporting the worker's source; and the worker Node loads
// (wasmThreadWorker.js, plain JavaScript beside the engine code).
const wasmOut = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'));
for (const f of ['tfjs-backend-wasm-threaded-simd.js', 'tfjs-backend-wasm-threaded-simd.worker.js']) {
  copyFileSync(join(wasmOut, f), join(dist, f));
}
copyFileSync(join(root, 'src', 'engine', 'backend', 'wasmThreadWorker.js'), join(dist, 'wasmThreadWorker.js'));

// koffi (optional: the native matrix product, src/engine/backend/blasLibrary.ts) beside the bundles, for
// the VSIX, which has no node_modules: its JavaScript and the installed platform's prebuilt binaries
// (npm installs only this platform's), in the layout koffi's loader looks for (native/koffi and
// native/@koromix/koffi-<platform>). Skipped where koffi is not installed; the engine then keeps the
// stock product.
const nativeDir = join(dist, 'native');
rmSync(nativeDir, { recursive: true, force: true });
const koffiDir = join(root, 'node_modules', 'koffi');
if (existsSync(join(koffiDir, 'package.json'))) {
  for (const f of ['package.json', 'LICENSE.txt', 'index.cjs', 'src/koffi/index.cjs', 'src/koffi/src/static.cjs']) {
    mkdirSync(dirname(join(nativeDir, 'koffi', f)), { recursive: true });
    copyFileSync(join(koffiDir, f), join(nativeDir, 'koffi', f));
  }
  const scope = join(root, 'node_modules', '@koromix');
  for (const pkg of existsSync(scope) ? readdirSync(scope).filter((p) => p.startsWith('koffi-')) : []) {
    cpSync(join(scope, pkg), join(nativeDir, '@koromix', pkg), { recursive: true });
  }
}

// The engine's parent watchdog: plain JavaScript loaded as a worker thread, beside the engine bundle.
copyFileSync(join(root, 'src', 'run', 'parentWatchdog.js'), join(dist, 'parentWatchdog.js'));

// The panel's stylesheet and codicons (loaded by the webview through asWebviewUri), and the examples as
// the templates of "New Experiment from Template".
copyFileSync(join(root, 'media', 'ntkexp.css'), join(dist, 'ntkexp.css'));
const codicons = dirname(require.resolve('@vscode/codicons/dist/codicon.css'));
for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(codicons, f), join(dist, f));
mkdirSync(join(dist, 'templates'), { recursive: true });
for (const f of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ntkexp'))) {
  copyFileSync(join(root, 'examples', f), join(dist, 'templates', f));
}

// MNIST digits, compact. Done through tsx so the encoder is the same code the loader decodes with.
const mnistBin = join(dist, 'mnist-digits.bin');
if (!existsSync(mnistBin)) {
  const script = `
    const { loadFromPackage, encodeMnistBinary } = require('./src/run/mnistLoader.ts');
    require('node:fs').writeFileSync(${JSON.stringify(mnistBin)}, encodeMnistBinary(loadFromPackage()));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not write mnist-digits.bin');
}

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching…');
} else {
  for (const c of contexts) {
    await c.rebuild();
    await c.dispose();
  }
  writeFileSync(join(dist, '.build-stamp'), new Date().toISOString() + '\n');
}
