import type { KoffiModule, Opened, Sgemm } from '../../src/engine/backend/blasLibrary';

/**
 * Stand-ins for koffi and a system BLAS, so that the native path's plumbing (kernels, start-up check,
 * fallback) is tested on every machine: a koffi whose one "library" exports `cblas_sgemm` as the
 * plain row-major triple loop below (float64 accumulation), or a deliberately wrong one.
 */
const ROW_MAJOR = 101;
const TRANS = 112;
const NO_TRANS = 111;

export type CblasSgemm = (
  order: number,
  transA: number,
  transB: number,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Float32Array,
  lda: number,
  B: Float32Array,
  ldb: number,
  beta: number,
  C: Float32Array,
  ldc: number,
) => void;

export const referenceCblasSgemm: CblasSgemm = (order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) => {
  if (order !== ROW_MAJOR) throw new Error('fake cblas_sgemm: row-major only');
  const a = (i: number, k: number) => (transA === TRANS ? A[k * lda + i] : A[i * lda + k]);
  const b = (k: number, j: number) => (transB === TRANS ? B[j * ldb + k] : B[k * ldb + j]);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a(i, k) * b(k, j);
      // BLAS semantics: beta = 0 does not read C.
      C[i * ldc + j] = alpha * s + (beta === 0 ? 0 : beta * C[i * ldc + j]);
    }
  }
};

/** The same product with op(B) taken as B whatever transB says: the kind of bug the self-check catches. */
export const transposeIgnoringSgemm: CblasSgemm = (order, transA, _transB, M, N, K, alpha, A, lda, B, _ldb, beta, C, ldc) =>
  referenceCblasSgemm(order, transA, NO_TRANS, M, N, K, alpha, A, lda, B, N, beta, C, ldc);

/** A CBLAS-style function as the kernels' row-major `Sgemm`. */
export function asSgemm(cblas: CblasSgemm): Sgemm {
  return (tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) => cblas(ROW_MAJOR, tA ? TRANS : NO_TRANS, tB ? TRANS : NO_TRANS, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

/** What a fake library is: one that exports `cblas_sgemm` as the given function, one without it, or none. */
export type FakeLibrary = CblasSgemm | 'no cblas_sgemm' | 'cannot load';

/**
 * A koffi over fake libraries by name; `loaded` collects the names it was asked to load. `functions`
 * (by C name, e.g. openblas_set_num_threads) are what every library that loads exports besides cblas_sgemm.
 */
export function fakeKoffi(libraries: Record<string, FakeLibrary>, loaded: string[] = [], functions: Record<string, (...args: unknown[]) => unknown> = {}): () => Opened<KoffiModule> {
  const koffi: KoffiModule = {
    load(file) {
      loaded.push(file);
      const lib = libraries[file];
      if (lib === undefined || lib === 'cannot load') throw new Error(`${file}: cannot open shared object file (simulated)`);
      return {
        func(signature: string) {
          if (typeof lib === 'function' && /\bcblas_sgemm\(/.test(signature)) return lib as (...args: unknown[]) => unknown;
          const extra = Object.entries(functions).find(([name]) => new RegExp(`\\b${name}\\(`).test(signature));
          if (extra) return extra[1];
          throw new Error(`fake library ${file} has no ${signature}`);
        },
        unload() {},
      };
    },
  };
  return () => ({ ok: true, value: koffi });
}

export const missingKoffi = (): Opened<KoffiModule> => ({ ok: false, reason: 'koffi is not installed (simulated)' });
