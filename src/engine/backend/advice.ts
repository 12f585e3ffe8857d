import type { BackendInfo } from './index';
import { INSTALL_HINT } from './index';

/**
 * For `ntkexp doctor`: each faster path this process is not using, why (the reason its loader gave),
 * and what a person can do about it. Chosen from the recorded causes, not from backend names: a
 * backend with its own product has nothing to gain from the native one, and a path that is in use
 * gets no line.
 */
export interface PathAdvice {
  /** The faster path: `tensorflow`, `native`, `wasm_threads`, `simd`. */
  readonly path: string;
  readonly why: string;
  /** What to do, or undefined when nothing can be done (the path does not apply here). */
  readonly enable?: string;
}

export function fasterPathsUnused(info: BackendInfo): PathAdvice[] {
  const out: PathAdvice[] = [];
  for (const skipped of info.skipped) {
    const [name, ...rest] = skipped.split(': ');
    if (name === 'tensorflow') out.push({ path: 'tensorflow', why: rest.join(': '), enable: INSTALL_HINT.tensorflow });
  }
  const gemm = info.gemm;
  if (gemm.path === 'stock') {
    const enable: Record<typeof gemm.cause, string | undefined> = {
      backend: undefined,
      off: 'unset NTKEXP_BLAS (or name a library with NTKEXP_BLAS=/path/to/libopenblas.so)',
      koffi: 'install the optional dependency: `npm install koffi` (prebuilt for Linux, macOS and Windows; no compiler needed)',
      library: 'install a BLAS with cblas_sgemm (Debian/Ubuntu: `apt-get install libopenblas0-pthread`; macOS: Accelerate is found by itself) or name one with NTKEXP_BLAS=/path',
      'self-check': 'the library gave wrong products and is not used: name another one with NTKEXP_BLAS=/path, and please report it with the reason',
    };
    if (gemm.cause !== 'backend') out.push({ path: 'native', why: gemm.reason, enable: enable[gemm.cause] });
  }
  // One wasm thread is the right choice beside the native product; otherwise it is a path unused.
  if (info.name === 'wasm' && gemm.path !== 'native' && (info.threads ?? 1) < 2 && info.threadsSkipped) {
    const enable = /NTKEXP_THREADS/.test(info.threadsSkipped)
      ? 'unset NTKEXP_THREADS or set it above 1'
      : /requested/.test(info.threadsSkipped)
        ? 'ask for more threads (`--threads N`, the ntkexp.threads setting)'
        : /one core/.test(info.threadsSkipped)
          ? 'give the process more than one core (CPU affinity, container limits)'
          : undefined;
    out.push({ path: 'wasm_threads', why: info.threadsSkipped, enable });
  }
  for (const reason of info.elementwise.reasons) out.push({ path: 'simd', why: reason });
  return out;
}
