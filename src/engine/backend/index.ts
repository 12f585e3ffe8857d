import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { installNativeGemm, nativeGemmLoadable, type GemmPath, type NativeGemmOptions } from './nativeGemm';
import { type ElementwiseInfo, installSimdKernels } from './simd/install';
import { requestedThreads, type ThreadsRequest } from './threadCount';
import { activateWasmThreads, type WasmThreadsOptions } from './wasmThreads';

/**
 * TensorFlow.js backend selection, best available first (DESIGN.md "Process model"):
 *   tensorflow  `@tensorflow/tfjs-node`, an optional dependency (its install downloads libtensorflow,
 *               which fails offline; the product installs and works without it),
 *   wasm        `@tensorflow/tfjs-backend-wasm` with SIMD, its .wasm files read from the installed
 *               package or, once bundled, from beside the bundle — never from the network; its
 *               threaded build on the cores this process may use (wasmThreads.ts; NTKEXP_THREADS or
 *               the caller sets the count), else, with the reason, its single-threaded build,
 *   cpu         plain JavaScript, always there, slow.
 * `NTKEXP_BACKEND=tensorflow|wasm|cpu` (or the caller) forces one; a forced backend that cannot load is
 * an error that says how to install it. The chosen backend is reported with every result.
 *
 * Under a backend whose tensors live in one heap (wasm), the matrix products then move to the system
 * BLAS where koffi and a BLAS are installed (nativeGemm.ts), after a start-up check against the stock
 * kernel; otherwise the stock kernels stay and `gemm` says why.
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  readonly name: BackendName;
  /** TensorFlow.js version. */
  readonly version: string;
  /** Where the wasm binaries came from, for the wasm backend. */
  readonly wasmDir?: string;
  /** Why better backends were passed over (empty when the first choice loaded). */
  readonly skipped: readonly string[];
  /** Threads of the wasm backend's kernels (1: its single-threaded build). */
  readonly threads?: number;
  /** Why the wasm backend's kernels run on one thread; absent when they run on more. */
  readonly threadsSkipped?: string;
  /** Which matrix product runs: the native BLAS path, or the backend's own and why. */
  readonly gemm: GemmPath;
  /** Which element-wise kernels run on the SIMD path (wasm heap backends), and why others do not. */
  readonly elementwise: ElementwiseInfo;
}

export interface BackendOptions {
  /**
   * Threads for the products (the wasm backend's threaded build, the native BLAS): an integer ≥ 1.
   * Default: NTKEXP_THREADS, else the cores this process may use (threadCount.ts).
   */
  readonly threads?: number;
  /** Where the wasm backend's threaded build comes from, and how long it may take to start (wasmThreads.ts). */
  readonly wasm?: WasmThreadsOptions;
  /** The native GEMM path's options, or false to keep the backend's own product. */
  readonly nativeGemm?: NativeGemmOptions | false;
}

/** How to make each backend loadable (in errors for a forced backend, and in `ntkexp doctor`). */
export const INSTALL_HINT: Record<BackendName, string> = {
  tensorflow:
    'install it with `npm install @tensorflow/tfjs-node` (it downloads libtensorflow, so it needs network access and a supported platform), or choose NTKEXP_BACKEND=wasm',
  wasm: 'reinstall the project (`npm install`): @tensorflow/tfjs-backend-wasm is a regular dependency',
  cpu: 'reinstall the project (`npm install`): @tensorflow/tfjs-backend-cpu is a regular dependency',
};

/**
 * Which product runs, named as the bench names its records: `native` (the system BLAS under the wasm
 * backend), `wasm_threads` (the threaded wasm build), `wasm1` (its single-threaded build), or the
 * backend's own (`tensorflow`, `cpu`). Every started message, run.json and measurement record says it,
 * so that a figure can be traced to the path that computed it.
 */
export type PathName = 'native' | 'wasm_threads' | 'wasm1' | 'tensorflow' | 'cpu';

export interface ComputePath {
  readonly path: PathName;
  /** Threads of the products (the BLAS's or the wasm pool's); 1 for a single-threaded path. */
  readonly threads: number;
  /** One line for people: backend, product, threads, element-wise kernels. */
  readonly summary: string;
}

export function computePath(info: BackendInfo): ComputePath {
  const wasmThreads = info.threads ?? 1;
  if (info.gemm.path === 'native') {
    const threads = info.gemm.threads ?? wasmThreads;
    return { path: 'native', threads, summary: `${info.name}, native GEMM (${blasName(info.gemm)}, ${threads} thread${threads > 1 ? 's' : ''})${elementwise(info)}` };
  }
  if (info.name !== 'wasm') return { path: info.name, threads: wasmThreads, summary: `${info.name} (its own kernels)` };
  const path: PathName = wasmThreads > 1 ? 'wasm_threads' : 'wasm1';
  return { path, threads: wasmThreads, summary: `wasm ${wasmThreads > 1 ? `threaded build, ${wasmThreads} threads` : 'single-threaded build'}, stock GEMM${elementwise(info)}` };
}

function elementwise(info: BackendInfo): string {
  const n = info.elementwise.kernels.length;
  return n ? `, ${n} SIMD element-wise kernel${n > 1 ? 's' : ''}` : '';
}

/** "OpenBLAS 0.3.21" of "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64", else the file. */
function blasName(gemm: { readonly description?: string; readonly library: string }): string {
  return gemm.description ? gemm.description.split(/\s+/).slice(0, 2).join(' ') : path.basename(gemm.library);
}

let active: BackendInfo | undefined;

/** Parse a backend name from a flag or the environment; throws on anything else. */
export function parseBackendName(value: string, origin: string): BackendName {
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`${origin}: unknown backend '${value}', expected one of ${BACKENDS.join(', ')}`);
}

/**
 * Initialize TensorFlow.js once per process. `forced` (or NTKEXP_BACKEND) pins a backend; otherwise
 * the best one that loads wins. The options apply to the first call (the one that loads).
 */
export async function initBackend(forced?: BackendName, options: BackendOptions = {}): Promise<BackendInfo> {
  const requested = forced ?? (process.env.NTKEXP_BACKEND ? parseBackendName(process.env.NTKEXP_BACKEND, 'NTKEXP_BACKEND') : undefined);
  if (active) {
    if (requested && requested !== active.name) {
      throw new Error(`backend '${active.name}' is already active in this process; cannot switch to '${requested}'`);
    }
    return active;
  }
  const order = requested ? [requested] : BACKENDS;
  // A malformed thread count is the caller's error, not a reason to pass over the wasm backend.
  const threads = requestedThreads(options.threads);
  const skipped: string[] = [];
  for (const name of order) {
    let loaded: Loaded;
    try {
      // The native product takes the threads when it will be there: the wasm pool would only contend with it.
      const wasmThreads = name === 'wasm' && threads.threads > 1 && options.nativeGemm !== false && nativeGemmLoadable(options.nativeGemm) ? { threads: 1, origin: 'native' as const } : threads;
      loaded = await load(name, wasmThreads, options.wasm);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      if (requested) throw new Error(`backend '${name}' is not available (${reason}): ${INSTALL_HINT[name]}`);
      skipped.push(`${name}: ${reason}`);
      continue;
    }
    const gemm: GemmPath = options.nativeGemm === false ? { path: 'stock', cause: 'off', reason: 'the native product was not requested' } : installNativeGemm({ threads: threads.threads, ...options.nativeGemm });
    // The fast paths replace kernels of backends that hold their tensors in a wasm heap (each checks its
    // own capability, checks itself against the stock kernels, and keeps them with the reason otherwise).
    const elementwise = installSimdKernels();
    active = { name, version: tf.version_core, ...loaded, skipped, gemm, elementwise };
    return active;
  }
  throw new Error(`no TensorFlow.js backend could be loaded: ${skipped.join('; ')}`);
}

/** The active backend, or undefined before `initBackend`. */
export function activeBackend(): BackendInfo | undefined {
  return active;
}

type Loaded = Pick<BackendInfo, 'wasmDir' | 'threads' | 'threadsSkipped'>;

async function load(name: BackendName, threads: ThreadsRequest, wasmOptions?: WasmThreadsOptions): Promise<Loaded> {
  switch (name) {
    case 'tensorflow': {
      // A computed specifier keeps bundlers from trying to inline the optional native package.
      const moduleName = '@tensorflow/tfjs-node';
      require(moduleName);
      await setBackend('tensorflow');
      return {};
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const dir = wasmBinaryDir();
      wasm.setWasmPaths(dir + path.sep);
      const threaded = await activateWasmThreads(threads, wasmOptions);
      if (threaded.threadsSkipped === undefined) return { wasmDir: threaded.dir, threads: threaded.threads };
      await setBackend('wasm');
      return { wasmDir: dir, threads: 1, threadsSkipped: threaded.threadsSkipped };
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      await setBackend('cpu');
      return {};
  }
}

async function setBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}

/**
 * The folder holding `tfjs-backend-wasm-simd.wasm`: beside the running bundle when the build copied
 * them there (the VSIX has no node_modules), else the installed package's dist/.
 */
export function wasmBinaryDir(): string {
  const file = 'tfjs-backend-wasm-simd.wasm';
  const candidates: string[] = [];
  if (typeof __dirname === 'string') candidates.push(__dirname, path.join(__dirname, 'wasm'));
  try {
    candidates.push(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/' + file)));
  } catch {
    // not installed as a package: only the bundle's copy can serve
  }
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, file))) return dir;
  }
  throw new Error(`cannot find ${file} (looked in ${candidates.join(', ')})`);
}
