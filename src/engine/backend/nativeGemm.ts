import * as tf from '@tensorflow/tfjs-core';
import { blasCandidates, loadKoffi, openBlas, type Blas, type KoffiModule, type Opened } from './blasLibrary';
import { heapGemmKernels, isHeapBackend } from './heapGemmKernels';
import { selfCheckGemm } from './gemmSelfCheck';

/**
 * The native GEMM path: the active backend keeps every kernel but its matrix products, `BatchMatMul`
 * and `NtkGemm` (gemm.ts), which call the system BLAS on views into the backend's heap
 * (heapGemmKernels.ts; koffi and the library: blasLibrary.ts). Optional end to end: whatever fails —
 * a backend without a linear heap, koffi missing, no library, the start-up self-check — leaves the
 * stock kernels in place and says why, so a result is never computed by a product that was not
 * checked against the stock one.
 */
export interface NativeGemmOptions {
  /** BLAS threads, through the library's own setter; default: the library's default (all cores). */
  readonly threads?: number;
  /** Libraries to try instead of NTKEXP_BLAS and the platform's (blasLibrary.ts). */
  readonly libraries?: readonly string[];
  /** How koffi is loaded (tests simulate its absence with one that fails). */
  readonly loadKoffi?: () => Opened<KoffiModule>;
}

export type GemmPath =
  | {
      readonly path: 'native';
      readonly library: string;
      readonly description?: string;
      readonly threads: number | null;
      readonly threadControl: string;
      /** The kernels replaced or added on the backend. */
      readonly kernels: readonly string[];
      /** Products compared at start-up and the worst difference as a fraction of its float32 bound. */
      readonly selfCheck: { readonly products: number; readonly worstRatio: number };
      readonly startMs: number;
    }
  | { readonly path: 'stock'; readonly cause: StockCause; readonly reason: string };

/**
 * Why the stock product runs: the backend has its own (not a heap backend), the native path was turned
 * off, koffi or a BLAS is not installed, or the native product failed its start-up check (a fault to
 * report, not a missing install).
 */
export type StockCause = 'backend' | 'off' | 'koffi' | 'library' | 'self-check';

interface Installed {
  readonly status: GemmPath & { path: 'native' };
  readonly backendName: string;
  readonly kernels: readonly tf.KernelConfig[];
  readonly stock: readonly tf.KernelConfig[];
}

let installed: Installed | undefined;

/**
 * Put the native kernels under the active backend, or say why not (the stock kernels then stay). Once
 * installed, a second call returns the same status, unless it asks for another thread count: then the
 * path is installed again with it.
 */
export function installNativeGemm(options: NativeGemmOptions = {}): GemmPath {
  if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 1)) {
    throw new RangeError(`BLAS threads must be a positive integer, got ${options.threads}`);
  }
  if (installed) {
    if (options.threads === undefined || options.threads === installed.status.threads) return installed.status;
    uninstallNativeGemm();
  }
  const t0 = performance.now();
  const backendName = tf.getBackend();
  if (!isHeapBackend(tf.backend())) {
    return { path: 'stock', cause: 'backend', reason: `backend '${backendName}' keeps tensors outside a linear heap: it has its own matrix product` };
  }
  const opened = openConfiguredBlas(options);
  if (!opened.ok) return { path: 'stock', cause: opened.cause, reason: opened.reason };
  const blas = opened.value;

  const kernels = heapGemmKernels(backendName, blas.sgemm);
  const stock = kernels.map((k) => tf.getKernel(k.kernelName, backendName)).filter((k): k is tf.KernelConfig => k !== undefined);
  const check = selfCheckGemm(() => swap(backendName, stock, kernels));
  if (!check.ok) {
    swap(backendName, kernels, stock);
    return { path: 'stock', cause: 'self-check', reason: `the native product failed its start-up check against the stock kernel (${check.reason}); ${blas.library} left unused` };
  }
  const status: GemmPath & { path: 'native' } = {
    path: 'native',
    library: blas.library,
    description: blas.description,
    threads: blas.threads,
    threadControl: blas.threadControl,
    kernels: kernels.map((k) => k.kernelName),
    selfCheck: { products: check.products, worstRatio: check.worstRatio },
    startMs: performance.now() - t0,
  };
  installed = { status, backendName, kernels, stock };
  return status;
}

/**
 * Whether koffi and a BLAS load (the library stays loaded for installNativeGemm), before any backend
 * is chosen: the wasm backend then starts its single-threaded build and leaves the threads to the BLAS.
 * The start-up check still decides whether the product is used.
 */
export function nativeGemmLoadable(options: NativeGemmOptions = {}): boolean {
  return openConfiguredBlas(options).ok;
}

/** koffi, then the first BLAS of the options' (or the platform's) candidates, or why not. */
function openConfiguredBlas(options: NativeGemmOptions): { ok: true; value: Blas } | { ok: false; cause: StockCause; reason: string } {
  const koffi = (options.loadKoffi ?? loadKoffi)();
  if (!koffi.ok) return { ok: false, cause: 'koffi', reason: koffi.reason };
  const candidates = options.libraries ? { ok: true as const, value: options.libraries } : blasCandidates();
  if (!candidates.ok) return { ok: false, cause: candidates.off ? 'off' : 'library', reason: candidates.reason };
  const opened = openBlas(koffi.value, candidates.value, options.threads);
  return opened.ok ? opened : { ok: false, cause: 'library', reason: opened.reason };
}

/** Back to the stock kernels (the bench compares both paths in one process). */
export function uninstallNativeGemm(): void {
  if (!installed) return;
  const { backendName, kernels, stock } = installed;
  swap(backendName, kernels, stock);
  installed = undefined;
}

/** The native path's status while it is installed. */
export function nativeGemmStatus(): GemmPath | undefined {
  return installed?.status;
}

/** Unregister `from`'s kernels and register `to`'s for the backend. */
function swap(backendName: string, from: readonly tf.KernelConfig[], to: readonly tf.KernelConfig[]): void {
  for (const k of from) if (tf.getKernel(k.kernelName, backendName)) tf.unregisterKernel(k.kernelName, backendName);
  for (const k of to) tf.registerKernel(k);
}
