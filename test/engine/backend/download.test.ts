import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { downloadConcatenated } from '../../../src/engine/backend/download';
import { isHeapBackend } from '../../../src/engine/backend/heapGemmKernels';
import { Rng } from '../../../src/engine/rng';

// downloadConcatenated reads a wasm tensor's bytes from the heap directly: the result must be, value
// for value, what concatenating on the backend and downloading gives, for every kind of tensor a
// product hands it (several shapes, a reshape sharing its source's data, an empty tensor, one made
// after the heap grew), and a tensor it cannot read that way (int32) must take the backend route.

before(async () => {
  await initBackend('wasm', { nativeGemm: false });
});

const rng = new Rng(11, 'download-test');
const reference = (ts: tf.Tensor[]): Float32Array => Float32Array.from(tf.tidy(() => tf.concat(ts.map((t) => tf.reshape(t, [-1])))).dataSync());

test('the wasm backend is a heap backend (the route under test is taken)', () => {
  assert.ok(isHeapBackend(tf.backend()));
});

test('concatenation from the heap equals the backend concatenation for every kind of tensor', () => {
  const a = tf.tensor2d(rng.fillNormal(new Float32Array(37 * 5)), [37, 5]);
  const b = tf.tensor1d(rng.fillNormal(new Float32Array(7)));
  const shared = tf.reshape(a, [5, 37]); // same data as a
  const empty = tf.zeros([0, 3]);
  const scalar = tf.scalar(-2.5);
  // Grow the heap by far more than it holds, then make one more tensor: views are taken per tensor.
  const big = tf.zeros([8_000_000]);
  const late = tf.tensor2d(rng.fillNormal(new Float32Array(12)), [3, 4]);
  const ts = [a, b, shared, empty, scalar, late];
  const got = downloadConcatenated(ts);
  assert.deepEqual(Array.from(got), Array.from(reference(ts)));
  assert.equal(got.length, 37 * 5 * 2 + 7 + 1 + 12);
  // The result is a copy: changing it leaves the tensors unchanged.
  got.fill(0);
  assert.equal(a.dataSync()[3] === 0 && a.dataSync()[4] === 0, false);
  tf.dispose([...ts, big]);
});

test('a tensor the heap route cannot read (int32) takes the backend route, converted to float32', () => {
  const i = tf.tensor1d([1, -2, 3], 'int32');
  const f = tf.tensor1d([0.5, 1.5]);
  const got = downloadConcatenated([f, i]);
  assert.ok(got instanceof Float32Array);
  assert.deepEqual(Array.from(got), [0.5, 1.5, 1, -2, 3]);
  tf.dispose([i, f]);
});
