import { broadcast_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { GEMM_KERNEL } from './gemm';
import type { Sgemm } from './blasLibrary';

/**
 * `BatchMatMul` and `NtkGemm` (gemm.ts's contract) for a backend whose tensors live in one linear heap
 * — the wasm backend: the kernels hand a native sgemm float32 views straight into the WebAssembly
 * memory, so nothing is copied in or out.
 *
 * The heap can grow (and its old buffer be detached) whenever the backend allocates, so views are made
 * after the output is allocated, in each call, from the backend's current buffer; a tensor's offset is
 * looked up per call too (the backend owns it).
 */

/** What the kernels need of the backend: allocation and a view of a tensor's bytes in the heap. */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): ArrayBufferView;
}

/** Whether `backend` has what the kernels need (a capability test, not a name test). */
export function isHeapBackend(backend: unknown): backend is HeapBackend {
  const b = backend as Partial<HeapBackend> | null;
  return typeof b?.makeOutput === 'function' && typeof b?.typedArrayFromHeap === 'function';
}

export function heapGemmKernels(backendName: string, blasSgemm: Sgemm): KernelConfig[] {
  const sgemm = checked(blasSgemm);
  return [
    { kernelName: 'BatchMatMul', backendName, kernelFunc: batchMatMul(sgemm) },
    { kernelName: GEMM_KERNEL, backendName, kernelFunc: ntkGemm(sgemm) },
  ];
}

interface Operand {
  /** Rows and columns of op(X). */
  readonly rows: number;
  readonly cols: number;
  /** Row stride of X as stored (row-major). */
  readonly ld: number;
}

/** op(X) of the last two dimensions of a rank ≥ 2 tensor. */
function operand(x: TensorInfo, transpose: boolean, name: string): Operand {
  const r = x.shape.length;
  if (r < 2) throw new Error(`matMul: ${name} must have rank ≥ 2, got shape [${x.shape}]`);
  const [m, n] = [x.shape[r - 2], x.shape[r - 1]];
  return transpose ? { rows: n, cols: m, ld: Math.max(1, n) } : { rows: m, cols: n, ld: Math.max(1, n) };
}

function requireFloat32(...xs: TensorInfo[]): void {
  for (const x of xs) if (x.dtype !== 'float32') throw new Error(`matMul: only float32 tensors are supported, got ${x.dtype}`);
}

function f32(backend: HeapBackend, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/**
 * `sgemm` with every view checked to hold what BLAS will touch: it gets bare pointers, so a view too
 * short — one made before the heap grew is detached and has length 0 — would make it read or write
 * beyond the tensor (a wrong result or a crash) instead of an error.
 */
function checked(sgemm: Sgemm): Sgemm {
  return (tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) => {
    const need = (rows: number, ld: number, cols: number) => (rows - 1) * ld + cols;
    const [aRows, aCols] = tA ? [K, M] : [M, K];
    const [bRows, bCols] = tB ? [N, K] : [K, N];
    if (A.length < need(aRows, lda, aCols) || B.length < need(bRows, ldb, bCols) || C.length < need(M, ldc, N)) {
      throw new Error(`sgemm views too short for ${M}×${K}·${K}×${N} (a heap view made before the heap grew?)`);
    }
    sgemm(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  };
}

/** For each output batch, the index of the batch of an input broadcast to it (NumPy rules). */
function batchIndices(outShape: readonly number[], inShape: readonly number[]): Int32Array {
  const count = util.sizeFromShape(outShape as number[]);
  const out = new Int32Array(count);
  const offset = outShape.length - inShape.length;
  for (let flat = 0; flat < count; flat++) {
    let rest = flat;
    let index = 0;
    let stride = 1;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const coord = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
      const di = d - offset;
      if (di >= 0) {
        if (inShape[di] !== 1) index += coord * stride;
        stride *= inShape[di];
      }
    }
    out[flat] = index;
  }
  return out;
}

function batchMatMul(sgemm: Sgemm): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const heap = backend as HeapBackend;
    requireFloat32(a, b);
    const A = operand(a, transposeA, 'a');
    const B = operand(b, transposeB, 'b');
    if (A.cols !== B.rows) {
      throw new Error(`Error in matMul: inner shapes (${A.cols}) and (${B.rows}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
    }
    const [M, K, N] = [A.rows, A.cols, B.cols];
    const aBatch = a.shape.slice(0, -2);
    const bBatch = b.shape.slice(0, -2);
    const batch = broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
    const out = heap.makeOutput([...batch, M, N], 'float32');
    const batches = util.sizeFromShape(batch);
    if (batches * M * N === 0) return out;
    // Views only now: makeOutput may have grown the heap.
    const C = f32(heap, out);
    if (K === 0) {
      C.fill(0);
      return out;
    }
    const Av = f32(heap, a);
    const Bv = f32(heap, b);
    const aSize = M * K;
    const bSize = K * N;
    const cSize = M * N;
    const aOfOut = batchIndices(batch, aBatch);
    const bOfOut = batchIndices(batch, bBatch);
    if (!transposeA && util.sizeFromShape(bBatch) === 1 && util.sizeFromShape(aBatch) === batches) {
      // One B for every batch of a row-major A: the batches are consecutive rows of one product.
      sgemm(false, transposeB, batches * M, N, K, 1, Av, A.ld, Bv, B.ld, 0, C, N);
      return out;
    }
    for (let i = 0; i < batches; i++) {
      const ai = aOfOut[i] * aSize;
      const bi = bOfOut[i] * bSize;
      sgemm(transposeA, transposeB, M, N, K, 1, Av.subarray(ai, ai + aSize), A.ld, Bv.subarray(bi, bi + bSize), B.ld, 0, C.subarray(i * cSize, (i + 1) * cSize), N);
    }
    return out;
  };
}

function ntkGemm(sgemm: Sgemm): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { a, b, c } = inputs as { a: TensorInfo; b: TensorInfo; c?: TensorInfo };
    const { transposeA, transposeB, alpha, beta } = attrs as { transposeA: boolean; transposeB: boolean; alpha: number; beta: number };
    const heap = backend as HeapBackend;
    requireFloat32(a, b, ...(c ? [c] : []));
    if (a.shape.length !== 2 || b.shape.length !== 2) throw new Error(`${GEMM_KERNEL}: a and b must be 2-D, got [${a.shape}] and [${b.shape}]`);
    const A = operand(a, transposeA, 'a');
    const B = operand(b, transposeB, 'b');
    if (A.cols !== B.rows) throw new Error(`${GEMM_KERNEL}: inner dimensions differ: op(a) is ${A.rows}×${A.cols}, op(b) is ${B.rows}×${B.cols}`);
    const [M, K, N] = [A.rows, A.cols, B.cols];
    if (c && (c.shape.length !== 2 || c.shape[0] !== M || c.shape[1] !== N)) {
      throw new Error(`${GEMM_KERNEL}: c must be ${M}×${N} (the result's shape), got [${c.shape}]`);
    }
    const out = heap.makeOutput([M, N], 'float32');
    if (M * N === 0) return out;
    const C = f32(heap, out);
    // beta = 0 ignores C0 as BLAS does (the stock composition in gemm.ts skips it too).
    const withC = c !== undefined && beta !== 0;
    if (withC) C.set(f32(heap, c)); // C0 is never modified: the product accumulates into the copy.
    if (K === 0) {
      if (withC) for (let i = 0; i < C.length; i++) C[i] *= beta;
      else C.fill(0);
      return out;
    }
    sgemm(transposeA, transposeB, M, N, K, alpha, f32(heap, a), A.ld, f32(heap, b), B.ld, withC ? beta : 0, C, N);
    return out;
  };
}
