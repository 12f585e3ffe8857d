import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleWat } from '../../../src/engine/linalg/simd/assemble';
import { arenaOf, chunks, exportVector, simdPolicy, VectorArena } from '../../../src/engine/linalg/simd/arena';
import { combine, combineInPlace, orthogonalize, orthogonalizeKnown, orthogonalizeStats, orthonormalityDefect } from '../../../src/engine/linalg/basis';
import { axpy, dot, scale } from '../../../src/engine/linalg/operator';
import { Rng } from '../../../src/engine/rng';

// An odd length (a padded tail of 13 floats) and chunks far smaller than it, so every kernel crosses
// chunk boundaries and the padding.
const n = 4099;
simdPolicy.minSize = 0;
Object.assign(chunks, { dots: 256, update: 128, fused: 200, combine: 64 });

function arena(capacity: number): VectorArena {
  const a = VectorArena.forOperator({ size: n, precision: 'float32' }, capacity);
  assert.ok(a, 'WebAssembly SIMD is available in Node 20');
  return a;
}

function randomIn(a: VectorArena, rng: Rng): Float32Array {
  const v = a.alloc()!;
  rng.fillNormal(v);
  return v;
}

/** Float64 reference of Σ_i a_i b_i over exact products (what both paths approximate). */
function exactDot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function padding(v: Float32Array): Float32Array {
  return new Float32Array(v.buffer, v.byteOffset + 4 * v.length, 16 - (v.length % 16));
}

test('the assembler encodes immediates and control flow correctly, and rejects what it does not know', () => {
  const bytes = assembleWat(`(module (memory (import "env" "memory") 1)
    (func $f (export "f") (param $x i32) (result i32) (local $i i32) (local $s i32)
      (block $done (loop $L
        (br_if $done (i32.ge_u (local.get $i) (local.get $x)))
        (local.set $s (i32.add (local.get $s) (i32.const -300)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $L)))
      (i32.add (local.get $s) (i32.const 1000000)))
    (func $g (export "g") (param $a i32) (f64.store offset=8 (local.get $a) (f64.add (f64.load (local.get $a)) (f64.const 0.25)))))`);
  const memory = new (globalThis as any).WebAssembly.Memory({ initial: 1, maximum: 1 });
  const { f, g } = new (globalThis as any).WebAssembly.Instance(new (globalThis as any).WebAssembly.Module(bytes), { env: { memory } }).exports;
  assert.equal(f(7), 1000000 - 2100);
  const f64 = new Float64Array(memory.buffer);
  f64[2] = 1.5;
  g(16);
  assert.equal(f64[3], 1.75);
  assert.throws(() => assembleWat('(module (func $h (i32.popcnt (i32.const 1))))'), /unsupported instruction i32.popcnt/);
  assert.throws(() => assembleWat('(module (func $h (local.get $nope)))'), /unknown local \$nope/);
});

test('the assembler encodes v128 constants of every shape, lane stores and a shared memory import', () => {
  const W = (globalThis as any).WebAssembly;
  const text = `(module (memory (import "env" "memory") 1)
    (func $k (export "k") (param $a i32)
      (v128.store (local.get $a) (v128.const i32x4 1 -2 0x7fc00000 0xffffffff))
      (v128.store offset=16 (local.get $a) (v128.const i64x2 0x3ff0000000000000 -1))
      (v128.store offset=32 (local.get $a) (v128.const f64x2 -0.25 Infinity))
      (v128.store offset=48 (local.get $a) (v128.const f32x4 1.5 -0 -Infinity 3e-45)))
    (func $lanes (export "lanes") (param $a i32)
      (v128.store32_lane offset=64 0 (local.get $a) (f32x4.mul (v128.load32_zero (local.get $a)) (v128.const f32x4 2 2 2 2)))
      (v128.store64_lane offset=72 1 (local.get $a) (v128.load (local.get $a)))))`;
  for (const shared of [false, true]) {
    const memory = shared ? new W.Memory({ initial: 1, maximum: 65536, shared: true }) : new W.Memory({ initial: 1 });
    assert.equal(memory.buffer instanceof SharedArrayBuffer, shared);
    const { k, lanes } = new W.Instance(new W.Module(assembleWat(text, { sharedMemory: shared })), { env: { memory } }).exports;
    k(0);
    const i32 = new Int32Array(memory.buffer, 0, 20);
    assert.deepEqual(Array.from(i32.subarray(0, 4)), [1, -2, 0x7fc00000, -1]);
    assert.deepEqual(Array.from(new Float64Array(memory.buffer, 16, 4)), [1, NaN, -0.25, Infinity]); // the bits of −1 are a NaN
    const f32 = Array.from(new Float32Array(memory.buffer, 48, 4));
    assert.ok(f32[0] === 1.5 && Object.is(f32[1], -0) && f32[2] === -Infinity && f32[3] === Math.fround(3e-45), String(f32));
    lanes(0);
    assert.equal(i32[16], 2); // 1 (as float32 bits, i.e. 1e-45) doubled: the denormal 2e-45
    assert.deepEqual(Array.from(i32.subarray(18, 20)), [0x7fc00000, -1]); // lanes 2 and 3 of the first vector
  }
  // A module that imports a plain memory does not link against a shared one, and the other way round.
  const plainModule = new W.Module(assembleWat(text));
  assert.throws(() => new W.Instance(plainModule, { env: { memory: new W.Memory({ initial: 1, maximum: 65536, shared: true }) } }), /memory/i);
  const sharedModule = new W.Module(assembleWat(text, { sharedMemory: true }));
  assert.throws(() => new W.Instance(sharedModule, { env: { memory: new W.Memory({ initial: 1 }) } }), /memory/i);
  assert.throws(() => assembleWat('(module (func $c (drop (v128.const f64x2 1))))'), /unsupported instruction drop|v128.const needs/);
  assert.throws(() => assembleWat('(module (func $c (v128.store (i32.const 0) (v128.const f16x8 1 1 1 1 1 1 1 1))))'), /v128.const needs a shape/);
});

test('dots and dotsMany accumulate exact products in float64: equal to the reference to 1e-13 relative', () => {
  const a = arena(16);
  const rng = new Rng(1);
  const V = Array.from({ length: 7 }, () => randomIn(a, rng));
  const W = Array.from({ length: 3 }, () => randomIn(a, rng));
  const many = a.dotsMany(V, W);
  W.forEach((w, q) => {
    const single = a.dots(V, w);
    V.forEach((v, j) => {
      const ref = exactDot(v, w);
      assert.ok(Math.abs(single[j] - ref) <= 1e-13 * Math.sqrt(exactDot(v, v) * exactDot(w, w)), `dot ${j}: ${single[j]} vs ${ref}`);
      assert.equal(many[q][j], single[j]);
    });
  });
});

test('subtract rounds once: w − V h equals fround of the float64 result exactly; padding stays zero', () => {
  const a = arena(16);
  const rng = new Rng(2);
  const V = Array.from({ length: 6 }, () => randomIn(a, rng));
  const w = randomIn(a, rng);
  const h = Array.from({ length: 6 }, () => rng.normal());
  const ref = Float64Array.from(w);
  V.forEach((v, j) => v.forEach((x, i) => (ref[i] -= h[j] * x)));
  a.subtract(w, V, h);
  // The float64 sum of 7 terms can differ from the reference's order by an ulp of float64, which
  // only rarely moves the float32 rounding: allow one float32 ulp.
  for (let i = 0; i < n; i++) assert.ok(Math.abs(w[i] - Math.fround(ref[i])) <= 1.2e-7 * Math.abs(ref[i]), `element ${i}`);
  assert.ok(padding(w).every((x) => x === 0));
});

test('subtractThenDots gives the updated w, its dots with V and its squared norm in one sweep', () => {
  const a = arena(16);
  const rng = new Rng(3);
  const V = Array.from({ length: 5 }, () => randomIn(a, rng));
  const w = randomIn(a, rng);
  const copy = a.copyIn(w)!;
  const h = [0.5, -1, 2, 0.25, -0.75];
  const { dots, normSquared } = a.subtractThenDots(w, V, h);
  a.subtract(copy, V, h);
  assert.deepEqual(Array.from(w), Array.from(copy));
  const after = a.dots(V, w);
  dots.forEach((d, j) => assert.ok(Math.abs(d - after[j]) <= 1e-12 * Math.sqrt(normSquared), `dot ${j}`));
  assert.ok(Math.abs(normSquared - exactDot(w, w)) <= 1e-12 * normSquared);
});

test('combine forms V S in float64 (one rounding), also over its own inputs, and writes zero padding', () => {
  const a = arena(20);
  const rng = new Rng(4);
  const m = 9;
  const V = Array.from({ length: m }, () => randomIn(a, rng));
  const S = Float64Array.from({ length: m * m }, () => rng.normal());
  const cols = [4, 0, 7, 2, 8];
  const ref = cols.map((c) => {
    const y = new Float64Array(n);
    V.forEach((v, j) => v.forEach((x, i) => (y[i] += S[j * m + c] * x)));
    return y;
  });
  const out = combine({ size: n, precision: 'float32' }, V, S, m, cols) as Float32Array[];
  assert.ok(out.every((y) => a.owns(y)), 'the outputs are formed in the arena');
  const close = (y: Float32Array, r: Float64Array): boolean => y.every((x, i) => Math.abs(x - r[i]) <= 1.2e-7 * Math.abs(r[i]) + 1e-30);
  out.forEach((y, l) => assert.ok(close(y, ref[l]), `output ${l}`));
  const inPlace = combineInPlace(V, S, m, cols) as Float32Array[];
  inPlace.forEach((y, l) => {
    assert.equal(y, V[l], 'written over the first vectors of V');
    assert.ok(close(y, ref[l]), `in place ${l}`);
    assert.ok(padding(y).every((x) => x === 0));
  });
});

test('dot, axpy and scale dispatch to the kernels for arena vectors with the JavaScript results', () => {
  const a = arena(8);
  const rng = new Rng(5);
  const x = randomIn(a, rng);
  const y = randomIn(a, rng);
  const [px, py] = [Float32Array.from(x), Float32Array.from(y)];
  assert.ok(Math.abs(dot(x, y) - dot(px, py)) <= 1e-12 * Math.sqrt(dot(px, px) * dot(py, py)));
  axpy(0.37, x, y);
  axpy(0.37, px, py);
  assert.deepEqual(Array.from(y), Array.from(py), 'axpy: float64 product and sum, one rounding, as in JavaScript');
  scale(-1.7, x);
  scale(-1.7, px);
  assert.deepEqual(Array.from(x), Array.from(px));
});

test('slots: alloc until full, release gives back, foreign vectors are ignored, double release throws, exports are plain copies', () => {
  const a = arena(3);
  const v = [a.alloc()!, a.alloc()!, a.alloc()!];
  assert.equal(a.alloc(), undefined, 'full');
  assert.equal(a.copyIn(new Float32Array(n)), undefined);
  a.release(v[1]);
  assert.equal(a.available, 1);
  const again = a.alloc()!;
  assert.ok(again.every((x) => x === 0), 'a reused slot comes back zeroed');
  a.release(new Float32Array(n));
  // A part of a slot is not a slot: no kernel may treat it as one.
  assert.equal(arenaOf(again.subarray(4)), undefined);
  assert.equal(arenaOf(again, again.subarray(0, n - 1)), undefined);
  assert.equal(arenaOf(again), a);
  a.release(again);
  assert.throws(() => a.release(again), /not an allocated slot/);
  v[0][5] = 3;
  const out = exportVector(v[0]);
  assert.notEqual(out.buffer, v[0].buffer);
  assert.equal(arenaOf(out), undefined);
  assert.equal(out[5], 3);
});

test('allocForWrite: a reused slot keeps its old entries (the caller overwrites them) and comes back with zero padding; copyIn copies exactly', () => {
  const a = arena(1);
  const rng = new Rng(4);
  const v = randomIn(a, rng);
  // Dirty the padding as no kernel or view can, to show allocForWrite restores the kernels' precondition.
  padding(v).fill(7);
  a.release(v);
  const w = a.allocForWrite()!;
  assert.equal(w.byteOffset, v.byteOffset, 'the same slot');
  assert.ok(padding(w).every((x) => x === 0), 'padding zeroed');
  assert.equal(w[3], v[3], 'entries left as they were');
  a.release(w);
  const source = rng.fillNormal(new Float32Array(n));
  const c = a.copyIn(source)!;
  assert.deepEqual(c, source);
  assert.ok(padding(c).every((x) => x === 0));
  a.release(c);
  const z = a.alloc()!;
  assert.ok(z.every((x) => x === 0), 'alloc still zeroes every entry');
});

test('orthogonalize in an arena: orthogonal to float32 working precision even for a w almost inside span(Q)', () => {
  const a = arena(24);
  const rng = new Rng(6);
  const Q: Float32Array[] = [];
  for (let i = 0; i < 12; i++) {
    const v = randomIn(a, rng);
    orthogonalize(v, Q);
    scale(1 / Math.sqrt(dot(v, v)), v);
    Q.push(v);
  }
  assert.ok(orthonormalityDefect(Q, rng) < 1e-6);
  // w = Σ c_i q_i + 1e-3 · (random): its norm drops by 1000× in the first pass.
  const c = Q.map(() => rng.normal());
  const w = a.alloc()!;
  Q.forEach((q, i) => axpy(c[i], q, w));
  const noise = randomIn(a, rng);
  axpy(1e-3 / Math.sqrt(dot(noise, noise)), noise, w);
  const plain = Float32Array.from(w);
  const h = orthogonalize(w, Q);
  const hp = orthogonalize(plain, Q.map((q) => Float32Array.from(q)));
  const wn = Math.sqrt(dot(w, w));
  for (const q of Q) assert.ok(Math.abs(dot(q, w)) <= 2 ** -24 * wn * 1.001, `qᵀw/‖w‖ = ${dot(q, w) / wn}`);
  c.forEach((ci, i) => assert.ok(Math.abs(h[i] - hp[i]) <= 1e-6 * Math.abs(ci) + 1e-9, `coefficient ${i}: ${h[i]} vs JavaScript ${hp[i]}`));
  // A w that is not in an arena with Q takes the JavaScript path and still works.
  const mixed = Float32Array.from(plain);
  orthogonalize(mixed, Q);
  for (const q of Q) assert.ok(Math.abs(dot(q, mixed)) <= 1e-6 * Math.sqrt(dot(mixed, mixed)));
});

test('orthonormalityDefect in an arena agrees with the float64 JavaScript check', () => {
  const a = arena(12);
  const rng = new Rng(7);
  const Q: Float32Array[] = [];
  for (let i = 0; i < 6; i++) {
    const v = randomIn(a, rng);
    orthogonalize(v, Q);
    scale(1 / Math.sqrt(dot(v, v)), v);
    Q.push(v);
  }
  // Spoil one vector by 1e-3 along another: both checks must see it.
  axpy(1e-3, Q[0], Q[3]);
  const inArena = orthonormalityDefect(Q, new Rng(8));
  const plain = orthonormalityDefect(Q.map((q) => Float32Array.from(q)), new Rng(8));
  assert.ok(inArena > 1e-4 && Math.abs(inArena - plain) <= 1e-6, `${inArena} vs ${plain}`);
  assert.equal(a.available, 12 - 6, 'the scratch vector was given back');
});

test('orthogonalizeKnown: a right guess takes one pass; a wrong one falls back to the measured passes; both end orthogonal', () => {
  const a = arena(40);
  const rng = new Rng(9);
  const Q: Float32Array[] = [];
  for (let i = 0; i < 10; i++) {
    const v = randomIn(a, rng);
    orthogonalize(v, Q);
    scale(1 / Math.sqrt(dot(v, v)), v);
    Q.push(v);
  }
  const c = Q.map(() => rng.normal());
  const make = (noise: number): Float32Array => {
    const w = a.alloc()!;
    Q.forEach((q, i) => axpy(c[i], q, w));
    const r = randomIn(a, rng);
    axpy(noise / Math.sqrt(dot(r, r)), r, w);
    a.release(r);
    return w;
  };
  // The coefficients returned are Qᵀw₀ (c plus the noise's share), to float32 accuracy.
  const check = (w: Float32Array, expected: Float64Array, total: Float64Array, label: string): void => {
    const wn = Math.sqrt(dot(w, w));
    for (const q of Q) assert.ok(Math.abs(dot(q, w)) <= 2 ** -24 * wn, `${label}: qᵀw/‖w‖ = ${dot(q, w) / wn}`);
    expected.forEach((e, i) => assert.ok(Math.abs(total[i] - e) <= 1e-6 * (Math.abs(e) + 1), `${label}: coefficient ${i}: ${total[i]} vs ${e}`));
  };
  // Right guess for all but the last two (measured): like a Lanczos step.
  Object.assign(orthogonalizeStats, { calls: 0, secondPasses: 0, knownAccepted: 0 });
  const known = Float64Array.from(c);
  known[8] = known[9] = 0;
  const w1 = make(0.5);
  const e1 = a.dots(Q, w1);
  check(w1, e1, orthogonalizeKnown(w1, Q, known, { from: 8, to: 10 }), 'right guess');
  assert.equal(orthogonalizeStats.knownAccepted, 1, 'accepted after one reorthogonalization pass');
  // A wrong guess (zeros) for a w almost inside span(Q): the pass loses most of the norm, so the
  // measured second pass follows.
  const w2 = make(1e-4);
  const e2 = a.dots(Q, w2);
  check(w2, e2, orthogonalizeKnown(w2, Q, new Float64Array(10), { from: 0, to: 0 }), 'wrong guess');
  assert.equal(orthogonalizeStats.knownAccepted, 1);
  assert.equal(orthogonalizeStats.calls, 1, 'fell back to the measured passes');
  // Outside an arena it is orthogonalize (the JavaScript reference), whatever the guess.
  const plainQ = Q.map((q) => Float32Array.from(q));
  const w3 = Float32Array.from(make(0.5));
  const w4 = Float32Array.from(w3);
  assert.deepEqual(Array.from(orthogonalizeKnown(w3, plainQ, new Float64Array(10), { from: 0, to: 0 })), Array.from(orthogonalize(w4, plainQ)));
  assert.deepEqual(Array.from(w3), Array.from(w4));
});
