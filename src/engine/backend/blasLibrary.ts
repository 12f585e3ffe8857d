import * as path from 'node:path';
import * as fs from 'node:fs';

/**
 * The system's BLAS, reached through koffi (an N-API foreign-function interface: one prebuilt binary
 * per platform serves Node and Electron alike, with no compiler at install time). Both are optional:
 * every step that can fail — koffi missing, no library, a library without `cblas_sgemm` — is returned
 * as a reason, never thrown, so that the caller keeps the stock kernels.
 *
 * Which library, first match wins:
 *   NTKEXP_BLAS=/path/to/lib   that library only (an explicit choice is not silently replaced);
 *                              NTKEXP_BLAS=none turns the native path off;
 *   Linux                      libopenblas.so.0, libopenblas.so, libblas.so.3 (whichever exports
 *                              cblas_sgemm: Debian's libopenblas0-pthread, or the BLAS alternative);
 *   macOS                      Accelerate;
 *   Windows                    libopenblas.dll on PATH.
 */

/** The part of koffi's API used here (koffi is optional, so its types are not imported). */
export interface KoffiModule {
  load(file: string): KoffiLibrary;
}
export interface KoffiLibrary {
  func(signature: string): (...args: unknown[]) => unknown;
  unload(): void;
}

/**
 * C = alpha·op(A)·op(B) + beta·C, row-major, on float32 views (no copies: koffi passes a typed array's
 * address). lda, ldb, ldc are the row strides of the stored matrices.
 */
export type Sgemm = (
  transposeA: boolean,
  transposeB: boolean,
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

export interface Blas {
  /** The library as loaded (a path or a name the loader resolved). */
  readonly library: string;
  /** What the library says it is (OpenBLAS's build configuration), when it can say. */
  readonly description?: string;
  readonly sgemm: Sgemm;
  /** Threads the library uses after the request; null when it offers no way to read them. */
  readonly threads: number | null;
  /** How the thread count was set, or why it could not be. */
  readonly threadControl: string;
}

export type Opened<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string; readonly off?: boolean };

// CBLAS enumerations (cblas.h; the same values in OpenBLAS, Accelerate, MKL, reference CBLAS).
const CBLAS_ROW_MAJOR = 101;
const CBLAS_NO_TRANS = 111;
const CBLAS_TRANS = 112;

const SGEMM_SIGNATURE =
  'void cblas_sgemm(int order, int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc)';

/**
 * koffi, lazily: the copy the build put beside the bundle (dist/native/, for the VSIX, which has no
 * node_modules) first, else the installed package.
 */
export function loadKoffi(): Opened<KoffiModule> {
  const candidates: string[] = [];
  if (typeof __dirname === 'string') candidates.push(path.join(__dirname, 'native', 'koffi'));
  const bundled = candidates.find((c) => fs.existsSync(path.join(c, 'package.json')));
  // A computed specifier keeps bundlers from inlining the optional package (its binary is per platform).
  const specifier = bundled ?? 'koffi';
  try {
    return { ok: true, value: require(specifier) as KoffiModule };
  } catch (error) {
    return { ok: false, reason: `koffi is not installed (${firstLine(error)}): install it with \`npm install koffi\`` };
  }
}

/** The libraries to try, in order, or the reason there are none. */
export function blasCandidates(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Opened<readonly string[]> {
  const named = env.NTKEXP_BLAS?.trim();
  if (named === 'none') return { ok: false, off: true, reason: 'turned off by NTKEXP_BLAS=none' };
  if (named) return { ok: true, value: [named] };
  switch (platform) {
    case 'linux':
      return { ok: true, value: ['libopenblas.so.0', 'libopenblas.so', 'libblas.so.3'] };
    case 'darwin':
      return { ok: true, value: ['/System/Library/Frameworks/Accelerate.framework/Accelerate'] };
    case 'win32':
      return { ok: true, value: ['libopenblas.dll'] };
    default:
      return { ok: false, reason: `no known system BLAS on ${platform}: name one with NTKEXP_BLAS=/path/to/library` };
  }
}

/**
 * Libraries that exported cblas_sgemm stay loaded for the life of the process, and are reused when
 * the path is installed again: OpenBLAS starts worker threads when it loads, and unloading a library
 * whose threads still exist is not safe.
 */
const kept = new WeakMap<KoffiModule, Map<string, KoffiLibrary>>();

/** The first candidate that loads and exports cblas_sgemm, with `threads` requested through its own setter. */
export function openBlas(koffi: KoffiModule, candidates: readonly string[], threads?: number): Opened<Blas> {
  const failures: string[] = [];
  let libraries = kept.get(koffi);
  if (!libraries) kept.set(koffi, (libraries = new Map()));
  for (const library of candidates) {
    let lib = libraries.get(library);
    if (!lib) {
      try {
        lib = koffi.load(library);
      } catch (error) {
        failures.push(`${library}: ${firstLine(error)}`);
        continue;
      }
    }
    const sgemmC = optionalFunc(lib, SGEMM_SIGNATURE);
    if (!sgemmC) {
      failures.push(`${library}: does not export cblas_sgemm`);
      lib.unload();
      continue;
    }
    libraries.set(library, lib);
    const control = controlThreads(lib, threads);
    const perCall = control.setThreads && threads !== undefined && threads > 1 ? threadsBySize(control.setThreads, threads) : undefined;
    const sgemm: Sgemm = (tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) => {
      perCall?.(M, N, K);
      sgemmC(CBLAS_ROW_MAJOR, tA ? CBLAS_TRANS : CBLAS_NO_TRANS, tB ? CBLAS_TRANS : CBLAS_NO_TRANS, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    };
    const config = optionalFunc(lib, 'const char *openblas_get_config()');
    const description = config ? String(config()).trim() : undefined;
    return { ok: true, value: { library, description, sgemm, threads: control.threads, threadControl: control.threadControl + (perCall ? `; one thread below ${SMALL_PRODUCT_FLOPS.toExponential(0)} flops` : '') } };
  }
  return { ok: false, reason: `no BLAS with cblas_sgemm found (${failures.join('; ')})${installHint()}` };
}

/** OpenBLAS's own setter (no environment variables: they would leak into child processes such as NumPy's). */
function controlThreads(lib: KoffiLibrary, threads: number | undefined): { threads: number | null; threadControl: string; setThreads?: (n: number) => void } {
  const set = optionalFunc(lib, 'void openblas_set_num_threads(int n)');
  const get = optionalFunc(lib, 'int openblas_get_num_threads()');
  if (threads !== undefined && set) set(threads);
  const now = get ? Number(get()) : null;
  const setThreads = set && ((n: number) => void set(n));
  if (threads === undefined) return { threads: now, threadControl: 'the library default' };
  if (setThreads) return { threads: now, threadControl: `openblas_set_num_threads(${threads})`, setThreads };
  return { threads: now, threadControl: `not set: the library has no thread setter (asked for ${threads}); it uses its default` };
}

/**
 * Products smaller than this run on one thread. Measured here by hand (no bench record; see
 * docs/PERFORMANCE.md, "The product paths"): a small
 * network's products (32 × 256 · 256 × 256, 4 Mflop) gain nothing from a second thread that has to be
 * woken, and its spinning takes the core from the rest of the step (the quickstart ran in 18 s with two
 * BLAS threads on every product, 9.5 s with one); the Figure-1 products (≥ 100 Mflop) run 1.5-2× faster
 * on two.
 */
export const SMALL_PRODUCT_FLOPS = 5e7;

/** Before each product, the thread count its size calls for (the setter is called only when it changes). */
function threadsBySize(setThreads: (n: number) => void, threads: number): (M: number, N: number, K: number) => void {
  let current = threads;
  return (M, N, K) => {
    const want = 2 * M * N * K < SMALL_PRODUCT_FLOPS ? 1 : threads;
    if (want !== current) setThreads((current = want));
  };
}

function optionalFunc(lib: KoffiLibrary, signature: string): ((...args: unknown[]) => unknown) | undefined {
  try {
    return lib.func(signature);
  } catch {
    return undefined;
  }
}

function installHint(): string {
  switch (process.platform) {
    case 'linux':
      return ': install OpenBLAS (Debian/Ubuntu: `apt-get install libopenblas0-pthread`) or name a library with NTKEXP_BLAS=/path';
    case 'win32':
      return ': put OpenBLAS\'s libopenblas.dll on PATH or name it with NTKEXP_BLAS=C:\\path\\libopenblas.dll';
    default:
      return ': name a library with NTKEXP_BLAS=/path';
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
