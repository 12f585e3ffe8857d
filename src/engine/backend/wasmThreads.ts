import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Failures, type PThreadApi } from './pthreadFailures';
import { checkedCount, ONE_THREAD_BECAUSE, type ThreadsRequest } from './threadCount';

/**
 * TensorFlow.js's threaded-SIMD wasm build (`tfjs-backend-wasm-threaded-simd.wasm`, shipped in the
 * package) in Node: the kernels on several cores for one trial (DESIGN.md, "Faster paths, measured":
 * 1.96× on a 1024² matmul with two cores, results bitwise identical to the single-threaded build).
 *
 * TensorFlow.js never starts it under Node; three things stand in the way, and this module handles each
 * without touching the package:
 *  - it answers "no thread support" under Node: here the build is started directly, with its own
 *    Emscripten factory (the main script wasm-out/tfjs-backend-wasm-threaded-simd.js), wrapped in the
 *    package's public `BackendWasm` and registered as the `wasm` backend, so every wasm kernel runs on it;
 *  - it gives Emscripten a `blob:` worker URL and a Blob main script, which Node's Worker cannot load:
 *    here the worker is wasmThreadWorker.js (which runs the package's worker source) and the main script
 *    is given as a file path;
 *  - the build caps its threads at half the logical cores (1 on two cores): here the one import that
 *    cap is computed from reports enough cores that the count asked for is the count used.
 * The pthread workers are `unref`ed once started (else the process never exits) and the build's spare
 * pre-made workers are ended (they hold about 8 MB each). Any start-up failure (no shared memory, a
 * missing file, a worker that fails, a timeout, a wrong product) undoes the attempt and is reported;
 * the caller then uses the single-threaded SIMD build (index.ts).
 */

/** At most this many threads: XNNPACK's cap in tfjs-backend-wasm (the build pre-makes 8 pthread workers). */
export const MAX_WASM_THREADS = 8;

const DEFAULT_START_TIMEOUT_MS = 20_000;

/** The threaded build's files. They are used from one folder: dist/ (the build copies them) or the package's wasm-out/. */
export const THREADED_FILES = {
  main: 'tfjs-backend-wasm-threaded-simd.js',
  workerSource: 'tfjs-backend-wasm-threaded-simd.worker.js',
  binary: 'tfjs-backend-wasm-threaded-simd.wasm',
} as const;

/** The pthread worker Node loads, beside this module in the sources and in the bundle. */
const WORKER_FILE = 'wasmThreadWorker.js';

/** tfjs-backend-wasm registers `wasm` with this priority; a replacement keeps it. */
const WASM_PRIORITY = 2;

export interface WasmThreadsOptions {
  /** The folder of the threaded build's files. Default: beside the bundle, else the package's wasm-out/. */
  readonly dir?: string;
  /** How long the threaded build may take to start (default 20 s). */
  readonly startTimeoutMs?: number;
}

export interface WasmThreads {
  /** Threads the kernels use: the thread pool's own count (1 for the single-threaded build). */
  readonly threads: number;
  /** Why the kernels run on one thread; absent when they run on more. */
  readonly threadsSkipped?: string;
  /** The folder the threaded build's files came from, when it runs. */
  readonly dir?: string;
}

/**
 * Make the threaded build TensorFlow.js's active `wasm` backend with the requested threads. When it is
 * not wanted (one thread) or fails to start, nothing is left changed and the result says why: the
 * caller then activates the stock `wasm` backend (the single-threaded SIMD build).
 */
export async function activateWasmThreads(request: ThreadsRequest, options: WasmThreadsOptions = {}): Promise<WasmThreads> {
  if (request.threads === 1) return { threads: 1, threadsSkipped: ONE_THREAD_BECAUSE[request.origin] };
  try {
    const dir = threadedFilesDir(options.dir);
    const threads = await startThreaded(dir, request.threads, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    return { threads, dir };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { threads: 1, threadsSkipped: `the threaded build did not start: ${reason}` };
  }
}

/**
 * Re-make the kernels' thread pool with `threads` threads, for comparing thread counts in one process
 * (the bench). The threaded build must be the active backend. The previous pool's threads stay, idle.
 */
export async function setWasmThreads(threads: number): Promise<number> {
  if (!running || tf.getBackend() !== 'wasm') throw new Error('setWasmThreads: the threaded wasm build is not the active backend');
  checkedCount(threads, 'threads');
  const { module, failures } = running;
  await ensureIdleWorkers(module, failures, Math.min(threads, MAX_WASM_THREADS) - 1);
  module.tfjs.initWithThreadsCount(threads);
  releaseWorkers(module, failures);
  return module.tfjs.getThreadsCount();
}

/**
 * The folder holding all the threaded build's files: `dir` when given, else beside the running bundle,
 * else the package's wasm-out/.
 */
export function threadedFilesDir(dir?: string): string {
  const candidates = dir !== undefined ? [dir] : [__dirname];
  if (dir === undefined) {
    try {
      candidates.push(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/' + THREADED_FILES.main)));
    } catch {
      // not installed as a package: only the bundle's copy can serve
    }
  }
  const found = candidates.find((d) => Object.values(THREADED_FILES).every((f) => fs.existsSync(path.join(d, f))));
  if (!found) throw new Error(`cannot find ${Object.values(THREADED_FILES).join(', ')} together (looked in ${candidates.join(', ')})`);
  return found;
}

// --- The Emscripten module, as far as this file uses it -------------------------------------------

/** The bridge functions tfjs-backend-wasm's own init() adds as `module.tfjs`, which BackendWasm calls. */
interface TfjsBridge {
  init(): void;
  initWithThreadsCount(threads: number): void;
  getThreadsCount(): number;
  registerTensor(id: number, size: number, offset: number): void;
  disposeData(id: number): void;
  dispose(): void;
}

type CWrap = (name: string, returns: string | null, args: string[]) => (...args: number[]) => unknown;

/** The module object: Emscripten fills in the config object the factory is given and resolves with it. */
interface ThreadedModule {
  mainScriptUrlOrBlob: string;
  locateFile(file: string): string;
  instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void): object;
  onAbort(what: unknown): void;
  printErr(text: string): void;
  PThread: PThreadApi;
  cwrap: CWrap;
  tfjs: TfjsBridge;
}

type Factory = (config: Partial<ThreadedModule>) => Promise<ThreadedModule>;

/** The threaded build in use, and its failure routing, for setWasmThreads. */
let running: { readonly module: ThreadedModule; readonly failures: Failures } | undefined;

/** Start the build from `dir`, make it the `wasm` backend, and return its thread count; undo everything on failure. */
async function startThreaded(dir: string, threads: number, timeoutMs: number): Promise<number> {
  requireSharedMemory();
  const restoreProcess = processStateRestorer();
  const module: Partial<ThreadedModule> = {};
  const failures = new Failures();
  try {
    const started = await startModule(module, failures, dir, timeoutMs);
    const count = await registerBackend(started, threads);
    releaseWorkers(started, failures);
    running = { module: started, failures };
    return count;
  } catch (error) {
    failures.abandon();
    module.PThread?.terminateAllThreads();
    restoreProcess();
    throw error;
  }
}

/** The build's memory is a shared WebAssembly.Memory: without it (no SharedArrayBuffer) nothing can start. */
function requireSharedMemory(): void {
  if (typeof SharedArrayBuffer !== 'function') throw new Error('SharedArrayBuffer is not available in this runtime');
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('this runtime has no shared WebAssembly memory');
}

/**
 * Emscripten's main script, on the main thread, adds process listeners (rethrowing uncaught errors) and
 * a global `Worker`: an attempt that fails must not leave them behind.
 */
function processStateRestorer(): () => void {
  const events = ['uncaughtException', 'unhandledRejection'];
  const listeners = (event: string) => process.listeners(event as 'uncaughtException') as ((...args: unknown[]) => void)[];
  const before = new Map(events.map((e) => [e, new Set(listeners(e))]));
  const hadWorker = 'Worker' in globalThis;
  return () => {
    for (const e of events) {
      for (const l of listeners(e)) if (!before.get(e)?.has(l)) process.removeListener(e, l);
    }
    if (!hadWorker) delete (globalThis as { Worker?: unknown }).Worker;
  };
}

/**
 * Run the Emscripten factory with a configuration Node can serve, and wait until the module and its
 * pre-made pthread workers are loaded, a failure, or the timeout, whichever comes first.
 */
async function startModule(config: Partial<ThreadedModule>, failures: Failures, dir: string, timeoutMs: number): Promise<ThreadedModule> {
  const file = (name: string): string => path.join(dir, name);
  const factory = require(file(THREADED_FILES.main)) as Factory;
  const workerFile = path.join(__dirname, WORKER_FILE);
  if (!fs.existsSync(workerFile)) throw new Error(`cannot find ${workerFile}`);
  const log: string[] = [];
  const watch = failures.watch();
  Object.assign(config, {
    mainScriptUrlOrBlob: file(THREADED_FILES.main),
    locateFile: (name: string) => (name.endsWith('.worker.js') ? workerFile : file(name)),
    instantiateWasm: (imports, receive) => {
      // The build caps its threads at min(asked, logical cores / 2), the cores read once from this import
      // as the module starts. Report enough for the largest pool, so that the count asked for is used.
      const env = { ...(imports.env as WebAssembly.ModuleImports), emscripten_num_logical_cores: () => 2 * MAX_WASM_THREADS };
      WebAssembly.instantiate(fs.readFileSync(file(THREADED_FILES.binary)), { ...imports, env })
        .then(({ instance, module }) => receive(instance, module))
        .catch((error: unknown) => failures.report(error));
      return {};
    },
    onAbort: (what) => failures.report(new Error(`the module aborted: ${String(what)}`)),
    // Emscripten's error lines become part of the reason while starting; later they go to stderr as usual.
    printErr: (text) => (failures.waiting() ? log.push(text) : process.stderr.write(text + '\n')),
  } satisfies Partial<ThreadedModule>);
  let timer: NodeJS.Timeout | undefined;
  try {
    const ready = factory(config);
    // An abandoned start-up may still settle later: it must not become an unhandled rejection.
    ready.catch(() => undefined);
    if (config.PThread) failures.attach(config.PThread);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`it did not start within ${timeoutMs} ms`)), timeoutMs);
    });
    return await Promise.race([ready, watch.failed, timeout]);
  } catch (error) {
    const detail = log.length > 0 ? ` (${log.join('; ').slice(0, 300)})` : '';
    throw new Error(`${error instanceof Error ? error.message : String(error)}${detail}`);
  } finally {
    clearTimeout(timer);
    watch.stop();
  }
}

/** Wrap the module in tfjs-backend-wasm's BackendWasm, make it the active `wasm` backend, check it; restore the stock registration on failure. */
async function registerBackend(module: ThreadedModule, threads: number): Promise<number> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  module.tfjs = bridge(module.cwrap);
  // BackendWasm's constructor creates the thread pool with the count set here (module state in the package).
  wasm.setThreadsCount(threads);
  let backend: InstanceType<typeof wasm.BackendWasm>;
  try {
    backend = new wasm.BackendWasm(module as unknown as ConstructorParameters<typeof wasm.BackendWasm>[0]);
  } finally {
    wasm.setThreadsCount(-1);
  }
  const stock = tf.findBackendFactory('wasm');
  if (!stock) throw new Error('the stock wasm backend is not registered');
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => backend, WASM_PRIORITY);
  try {
    if (!(await tf.setBackend('wasm')) || tf.getBackend() !== 'wasm') throw new Error("tf.setBackend('wasm') failed");
    await tf.ready();
    const count = module.tfjs.getThreadsCount();
    const expected = Math.min(threads, MAX_WASM_THREADS);
    if (count !== expected) throw new Error(`its thread pool has ${count} threads, expected ${expected}`);
    checkExactProduct();
    return count;
  } catch (error) {
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', stock, WASM_PRIORITY);
    throw error;
  }
}

/** The functions tfjs-backend-wasm's init() wraps (backend_wasm.js): BackendWasm needs exactly these. */
function bridge(cwrap: CWrap): TfjsBridge {
  return {
    init: cwrap('init', null, []),
    initWithThreadsCount: cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: cwrap('get_threads_count', 'number', []) as () => number,
    registerTensor: cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: cwrap('dispose_data', null, ['number']),
    dispose: cwrap('dispose', null, []),
  };
}

/**
 * One product through the pool, against the exact answer: small integers (|entries| ≤ 4, inner size
 * 128) keep every partial sum an integer below 2^24, exact in float32 in any order of summation, so
 * any difference is a wrong result, not rounding. 128 × 128 spans many of XNNPACK's tiles: every
 * thread computes part of it.
 */
function checkExactProduct(): void {
  const n = 128;
  const a = Float32Array.from({ length: n * n }, (_, i) => ((i * 7) % 9) - 4);
  const b = Float32Array.from({ length: n * n }, (_, i) => ((i * 5) % 9) - 4);
  const c = tf.tidy(() => tf.matMul(tf.tensor2d(a, [n, n]), tf.tensor2d(b, [n, n])).dataSync());
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      if (c[i * n + j] !== s) throw new Error(`a check product is wrong at (${i}, ${j}): ${c[i * n + j]} instead of ${s}`);
    }
  }
}

/**
 * Let the process exit while the pool's threads wait for work (Emscripten refs a worker while it runs a
 * pthread, and the pool's threads never end), and end the spare pre-made workers.
 */
function releaseWorkers(module: ThreadedModule, failures: Failures): void {
  for (const worker of module.PThread.runningWorkers) worker.unref();
  for (const worker of module.PThread.unusedWorkers) failures.end(worker);
  module.PThread.unusedWorkers.length = 0;
}

/** Make and load idle workers until there are `n` (a new pool takes its threads from them). */
async function ensureIdleWorkers(module: ThreadedModule, failures: Failures, n: number): Promise<void> {
  const { PThread } = module;
  while (PThread.unusedWorkers.length < n) {
    PThread.allocateUnusedWorker();
    const worker = PThread.unusedWorkers[PThread.unusedWorkers.length - 1];
    const watch = failures.watch();
    try {
      await Promise.race([new Promise<void>((resolve) => PThread.loadWasmModuleToWorker(worker, () => resolve())), watch.failed]);
    } finally {
      watch.stop();
    }
  }
}
