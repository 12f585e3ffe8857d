import * as tf from '@tensorflow/tfjs-core';
import { assembleWat } from '../../linalg/simd/assemble';
import { simdPolicy } from '../../linalg/simd/arena';
import { accuracy, accuracyFailure, probeInputs } from './accuracy';
import { UNARY_KERNELS, type UnaryExport, type UnaryKernel, type UnaryKernelName, unaryModuleWat } from './unaryKernels';

/**
 * Installs the WebAssembly SIMD element-wise kernels (unaryKernels.ts) as the wasm backend's kernels
 * for their op names, replacing tfjs-wasm's scalar libm loops. They work in place on the backend's
 * heap: the module imports the backend's own WebAssembly.Memory (plain in the single-threaded build,
 * shared in the threaded one), and each call passes the tensors' current byte offsets, so heap growth
 * changes nothing (no view is kept).
 *
 * Every kernel is checked at start-up against the float64 reference and the stock kernel on a probe
 * set (accuracy.ts); any failure, a heap that cannot be found, no SIMD, or `NTKEXP_SIMD=0` keeps the
 * stock kernels, and the reason is recorded (`elementwiseInfo()`, reported with the backend).
 */

export interface ElementwiseInfo {
  /** 'simd' when at least one kernel was replaced, else 'stock'. */
  readonly path: 'simd' | 'stock';
  /** Ops now running on the SIMD kernels. */
  readonly kernels: readonly string[];
  /** Why some or all stock kernels were kept. */
  readonly reasons: readonly string[];
}

/**
 * The replaced kernels. Sigmoid is not among them: tfjs-wasm's comes from XNNPACK and measured faster
 * than the float64 SIMD one (0.9 against 2.3 ns/element, bench `elementwise`); the kernel stays for
 * that comparison. Erf has no SIMD kernel yet (two polynomial pieces and an exponential: ~1.8× at best).
 */
export const REPLACED: readonly UnaryKernelName[] = ['Exp', 'Log', 'Log1p', 'Softplus', 'Tanh', 'Atan', 'Sin', 'Cos'];

/** The tf op that runs each kernel (for the tests and the bench, which compare the two paths). */
export const TF_OP: Record<UnaryKernelName, (x: tf.Tensor) => tf.Tensor> = {
  Exp: tf.exp,
  Log: tf.log,
  Log1p: tf.log1p,
  Softplus: tf.softplus,
  Tanh: tf.tanh,
  Sigmoid: tf.sigmoid,
  Atan: tf.atan,
  Sin: tf.sin,
  Cos: tf.cos,
};

interface WasmMemoryLike {
  readonly buffer: ArrayBufferLike;
}

/** The parts of tfjs-wasm's BackendWasm used here (it exposes no public API for kernels like these). */
interface WasmBackendHandle {
  readonly wasm?: {
    readonly asm?: { readonly memory?: WasmMemoryLike };
    readonly wasmMemory?: WasmMemoryLike;
    readonly HEAPU8?: Uint8Array;
  };
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

const stockConfigs = new Map<string, tf.KernelConfig>();
const instances = new WeakMap<WasmMemoryLike, Record<string, UnaryExport>>();
let info: ElementwiseInfo | undefined;

/** What `installSimdKernels` did (undefined before it ran). */
export function elementwiseInfo(): ElementwiseInfo | undefined {
  return info;
}

/**
 * The backend's heap: the Memory the Emscripten module exports (single-threaded build) or the one it
 * created and shares with its workers (threaded build), checked to be the memory under HEAPU8.
 */
function heapMemory(backend: WasmBackendHandle): WasmMemoryLike {
  const memory = backend.wasm?.asm?.memory ?? backend.wasm?.wasmMemory;
  if (!memory || !(memory.buffer instanceof ArrayBuffer || isShared(memory.buffer))) throw new Error('the wasm backend exposes no WebAssembly.Memory');
  if (backend.wasm?.HEAPU8?.buffer !== memory.buffer) throw new Error("the wasm backend's Memory is not the one under its heap views");
  return memory;
}

function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}

/** The kernels' exports, instantiated over `memory`. Throws where WebAssembly SIMD is missing. */
export function instantiateKernels(memory: WasmMemoryLike, kernels: readonly UnaryKernel[] = UNARY_KERNELS): Record<string, UnaryExport> {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) throw new Error('no WebAssembly in this runtime');
  const bytes = assembleWat(unaryModuleWat(kernels), { sharedMemory: isShared(memory.buffer) });
  if (!wasm.validate(bytes)) throw new Error('this runtime does not validate WebAssembly SIMD');
  return new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports as Record<string, UnaryExport>;
}

/**
 * A kernelFunc running `run` on float32 inputs and the stock kernel on anything else. When `run`
 * reports an input beyond the kernel's limit, the call is redone with the kernel's float64 `beyond`
 * over views of the heap (made now: the heap may have grown since the last call).
 */
function simdKernelFunc(stock: tf.KernelConfig, run: UnaryExport, kernel: UnaryKernel, memory: WasmMemoryLike): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as WasmBackendHandle;
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype !== 'float32') return stock.kernelFunc(args);
    const out = backend.makeOutput(x.shape, 'float32');
    const n = tf.util.sizeFromShape(x.shape);
    if (n === 0) return out;
    const xAt = backend.dataIdMap.get(x.dataId)!.memoryOffset;
    const yAt = backend.dataIdMap.get(out.dataId)!.memoryOffset;
    if (run(xAt, yAt, n) !== 0) {
      const f = kernel.beyond;
      if (!f) throw new Error(`${kernel.kernelName}: the SIMD kernel has a limit but no float64 path beyond it`);
      const heap = memory.buffer; // the Memory's current buffer (Emscripten's views may lag a growth by a worker)
      const xs = new Float32Array(heap, xAt, n);
      const ys = new Float32Array(heap, yAt, n);
      for (let i = 0; i < n; i++) ys[i] = f(xs[i]);
    }
    return out;
  };
}

/** Runs a kernel config on a 1-D float32 tensor of `values` and reads the result back. */
function runOn(config: tf.KernelConfig, values: Float32Array): Float32Array {
  const x = tf.tensor1d(values, 'float32');
  try {
    const out = config.kernelFunc({ inputs: { x }, attrs: {}, backend: tf.backend() }) as tf.TensorInfo;
    const t = tf.engine().makeTensorFromTensorInfo(out);
    try {
      return t.dataSync() as Float32Array;
    } finally {
      t.dispose();
    }
  } finally {
    x.dispose();
  }
}

/**
 * Replaces the wasm backend's kernels for `names` (default: REPLACED) by the SIMD ones (from
 * `candidates`, default the real ones; the tests pass broken ones) that pass the start-up check. Call
 * with the wasm backend active; safe to call again (it reinstalls).
 */
export function installSimdKernels(names: readonly UnaryKernelName[] = REPLACED, candidates: readonly UnaryKernel[] = UNARY_KERNELS): ElementwiseInfo {
  restoreStockKernels();
  const reasons: string[] = [];
  const installed: string[] = [];
  const done = (): ElementwiseInfo => (info = { path: installed.length ? 'simd' : 'stock', kernels: installed, reasons });
  if (!simdPolicy.enabled) {
    reasons.push('NTKEXP_SIMD=0');
    return done();
  }
  let exports: Record<string, UnaryExport>;
  let memory: WasmMemoryLike;
  try {
    if (tf.getBackend() !== 'wasm') throw new Error(`the active backend is ${tf.getBackend()}, not wasm`);
    memory = heapMemory(tf.backend() as unknown as WasmBackendHandle);
    // One instance per heap for the real kernels (a reinstall, as the tests and the bench do, reuses it).
    exports = candidates === UNARY_KERNELS ? (instances.get(memory) ?? instances.set(memory, instantiateKernels(memory)).get(memory)!) : instantiateKernels(memory, candidates);
  } catch (error) {
    reasons.push(`SIMD kernels unavailable: ${error instanceof Error ? error.message : String(error)}`);
    return done();
  }
  const probe = probeInputs();
  for (const name of names) {
    const kernel = candidates.find((k) => k.kernelName === name);
    const stock = tf.getKernel(name, 'wasm');
    if (!kernel || !stock) {
      reasons.push(`${name}: ${kernel ? 'no stock kernel to replace' : 'no SIMD kernel'}`);
      continue;
    }
    const config: tf.KernelConfig = { kernelName: name, backendName: 'wasm', kernelFunc: simdKernelFunc(stock, exports[kernel.exportName], kernel, memory) };
    let failure: string | undefined;
    try {
      // A kernel with a limit is checked within it (the SIMD path) and on the whole probe (its float64 path).
      const limit = kernel.limit;
      const probes = limit === undefined ? [probe] : [probe.filter((v) => !(Math.abs(v) > limit)), probe];
      for (const p of probes) failure ??= accuracyFailure(name, accuracy(name, p, runOn(config, p), runOn(stock, p)));
    } catch (error) {
      failure = `${name}: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (failure) {
      reasons.push(`start-up check failed, stock kernel kept: ${failure}`);
      continue;
    }
    stockConfigs.set(name, stock);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
    installed.push(name);
  }
  return done();
}

/** Puts tfjs-wasm's own kernels back (for comparisons in one process: tests, the bench). */
export function restoreStockKernels(): void {
  for (const [name, stock] of stockConfigs) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(stock);
  }
  stockConfigs.clear();
  if (info) info = { path: 'stock', kernels: [], reasons: ['stock kernels restored'] };
}
