import assert from 'node:assert/strict';
import { installNativeGemm, uninstallNativeGemm, type GemmPath, type NativeGemmOptions } from '../../src/engine/backend/nativeGemm';
import { fakeKoffi, referenceCblasSgemm } from './fakeBlas';

/**
 * The native GEMM path under test, twice: through a fake koffi whose BLAS is the JavaScript reference
 * (the kernels' layout, batching and scaling, on every machine), and through the real koffi and system
 * BLAS (CI installs both: koffi from the lock file, OpenBLAS from scripts/ci-packages.txt).
 */
export const NATIVE_PATHS: readonly { readonly label: string; readonly options: NativeGemmOptions }[] = [
  { label: 'reference sgemm via a fake koffi', options: { loadKoffi: fakeKoffi({ 'reference-blas': referenceCblasSgemm }), libraries: ['reference-blas'] } },
  { label: 'system BLAS via koffi', options: {} },
];

/**
 * `fn` with the native kernels installed, then the stock ones back. Where the path cannot start
 * because koffi or a BLAS is not installed on this machine, it says why and runs nothing (the caller
 * asserts nothing then); any other failure to start — the start-up check above all — fails the test.
 */
export function withNativeGemm<T>(options: NativeGemmOptions, fn: (status: GemmPath & { path: 'native' }) => T): T | undefined {
  const status = installNativeGemm(options);
  if (status.path !== 'native') {
    assert.ok(status.cause === 'koffi' || status.cause === 'library', `the native GEMM did not start: ${status.reason}`);
    assert.ok(!options.loadKoffi, `the fake BLAS always starts: ${status.reason}`);
    console.log(`native GEMM not installed here, nothing checked: ${status.reason}`);
    return undefined;
  }
  try {
    return fn(status);
  } finally {
    uninstallNativeGemm();
  }
}
