import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineCompute } from '../../src/run/compute';

const native = { path: 'native', threads: 2, summary: 'wasm, native GEMM (OpenBLAS 0.3.21, 2 threads)' };
const wasm1 = { path: 'wasm1', threads: 1, summary: 'wasm single-threaded build, stock GEMM' };

test('combineCompute: engines (or shards) that agree give their product; ones that differ are all named, never one for all', () => {
  assert.equal(combineCompute([]), undefined);
  assert.equal(combineCompute([undefined, undefined]), undefined, 'runs made before the path was recorded stay without one');
  assert.deepEqual(combineCompute([native, native, undefined]), native);
  assert.deepEqual(combineCompute([native, wasm1, native]), { path: 'native+wasm1', threads: 1, summary: `${native.summary} + ${wasm1.summary}` });
  assert.equal(combineCompute([{ ...native, threads: 1, summary: 'x' }, native])?.threads, 1, 'the smallest thread count');
});
