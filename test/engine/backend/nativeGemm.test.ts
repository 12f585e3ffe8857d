import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '../../../src/engine/backend';
import { GEMM_KERNEL, hasNativeGemm } from '../../../src/engine/backend/gemm';
import { blasCandidates, loadKoffi, openBlas, SMALL_PRODUCT_FLOPS } from '../../../src/engine/backend/blasLibrary';
import { heapGemmKernels, isHeapBackend } from '../../../src/engine/backend/heapGemmKernels';
import { installNativeGemm, nativeGemmStatus, uninstallNativeGemm, type GemmPath } from '../../../src/engine/backend/nativeGemm';
import { selfCheckGemm } from '../../../src/engine/backend/gemmSelfCheck';
import { asSgemm, type CblasSgemm, fakeKoffi, missingKoffi, referenceCblasSgemm, transposeIgnoringSgemm } from '../../helpers/fakeBlas';
import { withNativeGemm } from '../../helpers/nativePaths';

// Everything that can stop the native path leaves the stock kernels registered — the very same kernel
// objects — and says why.

let stockBatchMatMul: tf.KernelConfig | undefined;

before(async () => {
  await initBackend('wasm', { nativeGemm: false });
  stockBatchMatMul = tf.getKernel('BatchMatMul', 'wasm');
});

function assertStockKernels(): void {
  assert.equal(tf.getKernel('BatchMatMul', 'wasm'), stockBatchMatMul, 'the stock BatchMatMul is registered');
  assert.equal(tf.getKernel(GEMM_KERNEL, 'wasm'), undefined, 'no NtkGemm kernel');
  assert.equal(hasNativeGemm(), false);
  assert.equal(nativeGemmStatus(), undefined);
  const product = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])).dataSync());
  assert.deepEqual(Array.from(product), [19, 22, 43, 50], 'products still work');
}

function assertStock(status: GemmPath, cause: string, reason: RegExp): void {
  assert.equal(status.path, 'stock', JSON.stringify(status));
  if (status.path !== 'stock') return;
  assert.equal(status.cause, cause);
  assert.match(status.reason, reason);
  assertStockKernels();
}

test('koffi missing: the stock kernels stay, and the reason says how to install it', () => {
  assertStock(installNativeGemm({ loadKoffi: missingKoffi }), 'koffi', /koffi is not installed/);
  // The real loader's message, where koffi is absent, names the package to install.
  const real = loadKoffi();
  if (!real.ok) assert.match(real.reason, /npm install koffi/);
});

test('no library with cblas_sgemm: every candidate tried in order, each failure named', () => {
  const loaded: string[] = [];
  const koffi = fakeKoffi({ 'libmissing.so': 'cannot load', 'libnosgemm.so': 'no cblas_sgemm' }, loaded);
  assertStock(installNativeGemm({ loadKoffi: koffi, libraries: ['libmissing.so', 'libnosgemm.so'] }), 'library', /libmissing\.so: .*cannot open.*; libnosgemm\.so: does not export cblas_sgemm/);
  assert.deepEqual(loaded, ['libmissing.so', 'libnosgemm.so']);
});

test('the first candidate that exports cblas_sgemm wins', () => {
  const loaded: string[] = [];
  const koffi = fakeKoffi({ 'libnosgemm.so': 'no cblas_sgemm', 'libgood.so': referenceCblasSgemm, 'liblater.so': referenceCblasSgemm }, loaded);
  withNativeGemm({ loadKoffi: koffi, libraries: ['libmissing.so', 'libnosgemm.so', 'libgood.so', 'liblater.so'] }, (status) => {
    assert.equal(status.library, 'libgood.so');
    assert.deepEqual(status.kernels, ['BatchMatMul', GEMM_KERNEL]);
    assert.ok(status.selfCheck.products >= 10 && status.selfCheck.worstRatio <= 1, JSON.stringify(status.selfCheck));
    assert.equal(status.threads, null, 'the fake has no thread getter');
  });
  assert.deepEqual(loaded, ['libmissing.so', 'libnosgemm.so', 'libgood.so']);
  assertStockKernels();
});

test('a product that fails the start-up check is not used: stock kernels back, the failing case named', () => {
  const koffi = fakeKoffi({ 'libwrong.so': transposeIgnoringSgemm });
  assertStock(installNativeGemm({ loadKoffi: koffi, libraries: ['libwrong.so'] }), 'self-check', /start-up check .*transposeB=true.*off by .*× twice the float32 bound.*libwrong\.so left unused/);
});

test('the self-check passes the right product and fails a wrong one, directly', () => {
  const swapIn = (sgemm: typeof referenceCblasSgemm) => () => {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    for (const k of heapGemmKernels('wasm', asSgemm(sgemm))) tf.registerKernel(k);
  };
  const restore = () => {
    for (const name of ['BatchMatMul', GEMM_KERNEL]) if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(stockBatchMatMul as tf.KernelConfig);
  };
  try {
    const good = selfCheckGemm(swapIn(referenceCblasSgemm));
    assert.ok(good.ok && good.worstRatio <= 1, JSON.stringify(good));
  } finally {
    restore();
  }
  try {
    const bad = selfCheckGemm(swapIn(transposeIgnoringSgemm));
    assert.equal(bad.ok, false);
  } finally {
    restore();
  }
  assertStockKernels();
});

test('uninstall puts the very same stock kernel back; install is idempotent', () => {
  const options = { loadKoffi: fakeKoffi({ lib: referenceCblasSgemm }), libraries: ['lib'] };
  const first = installNativeGemm(options);
  assert.equal(first.path, 'native');
  assert.equal(installNativeGemm(options), first, 'a second install returns the installed status');
  assert.notEqual(tf.getKernel('BatchMatMul', 'wasm'), stockBatchMatMul);
  assert.ok(hasNativeGemm());
  uninstallNativeGemm();
  assertStockKernels();
  uninstallNativeGemm(); // a no-op
  assertStockKernels();
});

test('a backend without a linear heap keeps its own product', async () => {
  assert.equal(isHeapBackend(tf.backend()), true, 'wasm');
  assert.equal(isHeapBackend(tf.findBackend('cpu')), false, 'cpu');
  await tf.setBackend('cpu');
  try {
    const status = installNativeGemm({ loadKoffi: fakeKoffi({ lib: referenceCblasSgemm }), libraries: ['lib'] });
    assert.equal(status.path, 'stock');
    assert.equal(status.path === 'stock' && status.cause, 'backend');
    assert.equal(tf.getKernel(GEMM_KERNEL, 'cpu'), undefined);
  } finally {
    await tf.setBackend('wasm');
  }
  assertStockKernels();
});

test('the library candidates: NTKEXP_BLAS first (alone), `none` turns the path off, then per platform', () => {
  assert.deepEqual(blasCandidates({ NTKEXP_BLAS: '/opt/blas/libmyblas.so' }, 'linux'), { ok: true, value: ['/opt/blas/libmyblas.so'] });
  assert.deepEqual(blasCandidates({ NTKEXP_BLAS: 'none' }, 'linux'), { ok: false, off: true, reason: 'turned off by NTKEXP_BLAS=none' });
  assert.deepEqual(blasCandidates({}, 'linux'), { ok: true, value: ['libopenblas.so.0', 'libopenblas.so', 'libblas.so.3'] });
  assert.deepEqual(blasCandidates({}, 'darwin'), { ok: true, value: ['/System/Library/Frameworks/Accelerate.framework/Accelerate'] });
  assert.deepEqual(blasCandidates({}, 'win32'), { ok: true, value: ['libopenblas.dll'] });
  const other = blasCandidates({}, 'aix');
  assert.equal(other.ok, false);
  assert.match(other.ok ? '' : other.reason, /NTKEXP_BLAS/);
});

test('threads: the count asked for is set through OpenBLAS\'s own setter and read back (system BLAS)', () => {
  assert.throws(() => installNativeGemm({ threads: 0 }), /positive integer/);
  withNativeGemm({ threads: 1 }, (status) => {
    if (!/openblas/i.test(status.library)) {
      console.log(`${status.library} is not OpenBLAS: ${status.threadControl}`);
      return;
    }
    assert.equal(status.threads, 1);
    assert.equal(status.threadControl, 'openblas_set_num_threads(1)', 'one thread: no per-product choice to make');
    assert.equal(installNativeGemm({}), status, 'no thread count asked: the installed path as it is');
    const two = installNativeGemm({ threads: 2 });
    assert.equal(two.path === 'native' && two.threads, 2, 'another count: installed again with it');
    assert.equal(two.path === 'native' && two.threadControl, `openblas_set_num_threads(2); one thread below ${SMALL_PRODUCT_FLOPS.toExponential(0)} flops`);
  });
});

test('threads by product size: below SMALL_PRODUCT_FLOPS one thread, at or above it the count asked, the setter called only on a change', () => {
  const calls: number[] = [];
  let threads = 8;
  const functions = { openblas_set_num_threads: (n: unknown) => void calls.push((threads = Number(n))), openblas_get_num_threads: () => threads };
  const sizes: number[] = [];
  const noProduct: CblasSgemm = (_o, _a, _b, M, N, K) => void sizes.push(2 * M * N * K);
  const koffi = fakeKoffi({ lib: noProduct }, [], functions)();
  assert.ok(koffi.ok);
  const opened = openBlas(koffi.value, ['lib'], 3);
  assert.ok(opened.ok, opened.ok ? '' : opened.reason);
  assert.deepEqual(calls, [3], 'the count asked is set when the library opens');
  const side = Math.ceil(Math.cbrt(SMALL_PRODUCT_FLOPS / 2));
  const run = (M: number, N: number, K: number): void => {
    const big = new Float32Array(M * K + K * N + M * N);
    opened.value.sgemm(false, false, M, N, K, 1, big, K, big, N, 0, big, N);
  };
  // Just below and just at the bound, in each order, and runs of the same size.
  const small = [side - 1, side - 1, side - 1] as const;
  const large = [side, side, side] as const;
  assert.ok(2 * small[0] ** 3 < SMALL_PRODUCT_FLOPS && 2 * large[0] ** 3 >= SMALL_PRODUCT_FLOPS);
  for (const shape of [small, small, large, large, small, large]) run(...shape);
  assert.deepEqual(calls, [3, 1, 3, 1, 3], 'one call per change of size class, none for repeats');
  assert.equal(sizes.length, 6, 'every product ran');
  // A single-threaded request makes no per-product choice.
  calls.length = 0;
  const one = openBlas(koffi.value, ['lib'], 1);
  assert.ok(one.ok);
  run(...large);
  assert.deepEqual(calls, [1]);
});

test('a real library without cblas_sgemm is refused by the real koffi (system libc)', () => {
  const koffi = loadKoffi();
  if (!koffi.ok || process.platform !== 'linux') {
    console.log(`not checked here: ${koffi.ok ? 'not Linux' : koffi.reason}`);
    return;
  }
  assertStock(installNativeGemm({ libraries: ['libc.so.6'] }), 'library', /libc\.so\.6: does not export cblas_sgemm/);
});
