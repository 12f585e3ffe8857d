'use strict';
/**
 * One pthread of TensorFlow.js's threaded-SIMD wasm build, as a Node worker thread (wasmThreads.ts
 * starts the build; Emscripten creates its workers with `new Worker(locateFile('…worker.js'))`, and
 * wasmThreads.ts answers with this file).
 *
 * Why it exists: TensorFlow.js ships the pthread worker's source only as a string (the CommonJS module
 * wasm-out/tfjs-backend-wasm-threaded-simd.worker.js exports `wasmWorkerContents`) and hands Emscripten a
 * `blob:` URL to it, which Node's Worker cannot load. This file is the worker Node loads instead: it runs
 * that source, unchanged, as the browser would.
 *
 * Where the source comes from: the first message Emscripten posts is `load`, whose `urlOrBlob` is the
 * path of the build's main script (wasmThreads.ts gives a path, not a Blob). The worker source sits
 * beside it (in dist/ for the bundle, in the package's wasm-out/ from the sources), so the main script,
 * the worker source and the .wasm always come from one copy of the package.
 *
 * Plain JavaScript with nothing but Node's own modules, because Node loads a worker thread itself: neither
 * tsx nor the bundle reaches it. The build copies it beside the bundle (dist/wasmThreadWorker.js). Errors
 * are not caught here: they reach the main thread as the worker's `error` event, where wasmThreads.ts
 * turns one during start-up into the fallback to the single-threaded build.
 */
const path = require('node:path');
const { parentPort } = require('node:worker_threads');

const WORKER_SOURCE_MODULE = 'tfjs-backend-wasm-threaded-simd.worker.js';

parentPort.once('message', (load) => {
  if (typeof load?.urlOrBlob !== 'string') throw new Error(`wasmThreadWorker.js: the first message must be Emscripten's load with the main script's path, got ${JSON.stringify(load)?.slice(0, 200)}`);
  const { wasmWorkerContents } = require(path.join(path.dirname(load.urlOrBlob), WORKER_SOURCE_MODULE));
  // The source was written for a Blob: its string literals hold '\n' escapes that the exported template
  // literal turned into real line breaks; escape them back, as TensorFlow.js does before making its Blob.
  // `require` and `__filename` are the globals a worker's script would have in Node.
  const run = new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'));
  run(require, __filename);
  // From now on the source hears every message itself; hand it the one that started this worker.
  globalThis.onmessage({ data: load });
});
