import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BackendInfo } from '../../../src/engine/backend';
import { computePath } from '../../../src/engine/backend';
import { fasterPathsUnused } from '../../../src/engine/backend/advice';
import type { StockCause } from '../../../src/engine/backend/nativeGemm';

// Start-up records as initBackend makes them, one per cause: every cause the loaders can give maps
// to a line (or, where nothing applies, to none), and the recorded path follows the record.
const base: BackendInfo = {
  name: 'wasm',
  version: '4.22.0',
  skipped: ["tensorflow: Cannot find module '@tensorflow/tfjs-node'"],
  threads: 2,
  gemm: { path: 'stock', cause: 'off', reason: 'turned off by NTKEXP_BLAS=none' },
  elementwise: { path: 'simd', kernels: ['Exp'], reasons: [] },
};
const native: BackendInfo['gemm'] = { path: 'native', library: 'libopenblas.so.0', description: 'OpenBLAS 0.3.21 DYNAMIC_ARCH', threads: 2, threadControl: 'openblas_set_num_threads(2)', kernels: ['BatchMatMul', 'NtkGemm'], selfCheck: { products: 11, worstRatio: 0.1 }, startMs: 300 };

test('every cause of the stock product gives its own remedy; a backend with its own product gives none', () => {
  const expected: Record<StockCause, RegExp | undefined> = {
    off: /unset NTKEXP_BLAS/,
    koffi: /npm install koffi/,
    library: /apt-get install libopenblas0-pthread/,
    'self-check': /name another one/,
    backend: undefined,
  };
  for (const [cause, remedy] of Object.entries(expected) as [StockCause, RegExp | undefined][]) {
    const lines = fasterPathsUnused({ ...base, gemm: { path: 'stock', cause, reason: `reason ${cause}` } });
    const line = lines.find((l) => l.path === 'native');
    if (remedy === undefined) assert.equal(line, undefined, cause);
    else {
      assert.equal(line?.why, `reason ${cause}`);
      assert.match(line?.enable ?? '', remedy, cause);
    }
  }
});

test('the passed-over tensorflow backend says how to install it; the wasm thread count is judged by who set it', () => {
  assert.match(fasterPathsUnused(base).find((l) => l.path === 'tensorflow')?.enable ?? '', /npm install @tensorflow\/tfjs-node/);
  const cases: [string, RegExp | undefined][] = [
    ['NTKEXP_THREADS=1', /unset NTKEXP_THREADS/],
    ['one thread requested', /--threads N/],
    ['this process may use one core', /more than one core/],
    ['the threaded build did not start: worker failed', undefined],
  ];
  for (const [threadsSkipped, remedy] of cases) {
    const line = fasterPathsUnused({ ...base, threads: 1, threadsSkipped }).find((l) => l.path === 'wasm_threads');
    assert.equal(line?.why, threadsSkipped);
    if (remedy) assert.match(line?.enable ?? '', remedy);
    else assert.equal(line?.enable, undefined);
  }
  const besideNative = { ...base, threads: 1, threadsSkipped: 'the native product has the threads', gemm: native };
  assert.deepEqual(fasterPathsUnused(besideNative).map((l) => l.path), ['tensorflow'], 'one wasm thread beside the native product is not a path missed');
});

test('computePath: native, wasm_threads, wasm1 and a backend of its own, each with the threads that compute', () => {
  assert.deepEqual(
    [
      computePath({ ...base, threads: 1, gemm: native }),
      computePath(base),
      computePath({ ...base, threads: 1 }),
      computePath({ ...base, name: 'cpu', threads: undefined, gemm: { path: 'stock', cause: 'backend', reason: 'own' } }),
    ].map((c) => [c.path, c.threads]),
    [['native', 2], ['wasm_threads', 2], ['wasm1', 1], ['cpu', 1]],
  );
  assert.match(computePath({ ...base, threads: 1, gemm: native }).summary, /^wasm, native GEMM \(OpenBLAS 0\.3\.21, 2 threads\), 1 SIMD element-wise kernel$/);
});
