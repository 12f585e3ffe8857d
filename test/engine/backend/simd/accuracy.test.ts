import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ULP_BOUND, accuracy, float32Ulp, probeInputs, sameValue, ulpError } from '../../../../src/engine/backend/simd/accuracy';
import { instantiateKernels } from '../../../../src/engine/backend/simd/install';
import { UNARY_KERNELS } from '../../../../src/engine/backend/simd/unaryKernels';
import { sweepInputs } from './sweep';

// The kernels on their own (no TensorFlow.js): a WebAssembly.Memory of ours, the module over it.
const W = (globalThis as any).WebAssembly;

function runner(shared: boolean, capacity: number) {
  const pages = Math.ceil((8 * capacity + 128) / 65536);
  const memory = shared ? new W.Memory({ initial: pages, maximum: 65536, shared: true }) : new W.Memory({ initial: pages });
  const exports = instantiateKernels(memory);
  const base = 16;
  let flag = 0;
  const run = (exportName: string, x: Float32Array, offset = 0): Float32Array => {
    const xAt = base + 4 * offset; // an offset that is not a multiple of 16 bytes: unaligned vectors
    const yAt = xAt + 4 * x.length;
    new Float32Array(memory.buffer, xAt, x.length).set(x);
    const after = new Float32Array(memory.buffer, yAt + 4 * x.length, 4);
    after.fill(12345);
    flag = exports[exportName](xAt, yAt, x.length);
    assert.deepEqual(Array.from(after), [12345, 12345, 12345, 12345], `${exportName} wrote past the end of its ${x.length} outputs`);
    return new Float32Array(memory.buffer, yAt, x.length).slice();
  };
  return Object.assign(run, { flag: () => flag });
}

/** The inputs a kernel computes itself: all of them, or those within its limit. */
function inRange(limit: number | undefined, x: Float32Array): Float32Array {
  return limit === undefined ? x : x.filter((v) => !(Math.abs(v) > limit));
}

test('ulpError measures in float32 ulps, exactly for special values, with overflow to Inf exact', () => {
  assert.equal(float32Ulp(1), 2 ** -23);
  assert.equal(float32Ulp(1.999), 2 ** -23);
  assert.equal(float32Ulp(2), 2 ** -22);
  assert.equal(float32Ulp(1e-40), 2 ** -149);
  assert.equal(ulpError(1, 1 + 2 ** -24), 0.5);
  assert.equal(ulpError(2 ** -149, 1.5 * 2 ** -149), 0.5);
  assert.equal(ulpError(NaN, NaN), 0);
  assert.equal(ulpError(0, NaN), Infinity);
  assert.equal(ulpError(Infinity, Infinity), 0);
  assert.equal(ulpError(-Infinity, Infinity), Infinity);
  assert.equal(ulpError(Infinity, Math.exp(89)), 0); // beyond 2^128: Inf is the right float32
  assert.equal(ulpError(3.4028234663852886e38, Math.exp(89)), 1); // FLT_MAX is one step (2^104) below 2^128
  assert.equal(ulpError(Infinity, 3.4028234663852886e38), 1);
  assert.ok(sameValue(NaN, NaN) && !sameValue(0, -0) && sameValue(-0, -0));
});

test(`every kernel is within ${ULP_BOUND} ulp of the float64 reference over the dense float32 sweep`, (t) => {
  const sweep = sweepInputs();
  const run = runner(false, sweep.length + 16);
  for (const k of UNARY_KERNELS) {
    const x = inRange(k.limit, sweep);
    const r = accuracy(k.kernelName, x, run(k.exportName, x));
    assert.equal(run.flag(), 0, `${k.kernelName} reported an input beyond its limit`);
    t.diagnostic(`${k.kernelName}: max ${r.maxUlp.toFixed(6)} ulp at x = ${r.at} over ${x.length} inputs`);
    assert.ok(r.maxUlp <= ULP_BOUND, `${k.kernelName}: ${r.maxUlp} ulp at x = ${r.at}`);
  }
});

test('the kernels give the same results over a shared memory (the threaded build) and at any length and alignment', () => {
  const probeAll = probeInputs();
  const plain = runner(false, 2 * probeAll.length + 64);
  const shared = runner(true, 2 * probeAll.length + 64);
  for (const k of UNARY_KERNELS) {
    const probe = inRange(k.limit, probeAll);
    const whole = plain(k.exportName, probe);
    const r = accuracy(k.kernelName, probe, whole);
    assert.ok(r.maxUlp <= ULP_BOUND, `${k.kernelName}: ${r.maxUlp} ulp at ${r.at}`);
    assert.deepEqual(shared(k.exportName, probe), whole, `${k.kernelName} over a shared memory`);
    // Lengths 1..9 at every offset mod 4: the tails of two and one, and no write past the end.
    for (let n = 1; n <= 9; n++) {
      for (let offset = 0; offset < 4; offset++) {
        const part = probe.subarray(100, 100 + n);
        const y = plain(k.exportName, part, offset);
        assert.deepEqual(y, whole.subarray(100, 100 + n), `${k.kernelName}, n = ${n}, offset ${offset}`);
      }
    }
  }
});

test('sin and cos report an input beyond their range reduction (|x| > 2^19), in any lane and in the tails', () => {
  const run = runner(false, 64);
  for (const k of UNARY_KERNELS.filter((u) => u.limit !== undefined)) {
    for (let n = 1; n <= 9; n++) {
      const x = Float32Array.from({ length: n }, (_, i) => i - 3);
      run(k.exportName, x);
      assert.equal(run.flag(), 0, `${k.kernelName}, n = ${n}, all within`);
      for (let at = 0; at < n; at++) {
        for (const big of [k.limit! * 1.0000001 + 1, -Infinity, 3e38]) {
          const y = Float32Array.from(x);
          y[at] = big;
          run(k.exportName, y);
          assert.equal(run.flag(), 1, `${k.kernelName}, n = ${n}, x[${at}] = ${big}`);
        }
      }
    }
    run(k.exportName, Float32Array.of(k.limit!, -k.limit!, NaN));
    assert.equal(run.flag(), 0, `${k.kernelName}: ±2^19 and NaN are within`);
  }
});
