import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';

test('the same seed and path give the same stream; different paths differ', () => {
  const a = new Rng(7, 'trial', 1);
  const b = new Rng(7, 'trial', 1);
  const c = new Rng(7, 'trial', 2);
  const xa = Array.from({ length: 5 }, () => a.nextUint32());
  const xb = Array.from({ length: 5 }, () => b.nextUint32());
  const xc = Array.from({ length: 5 }, () => c.nextUint32());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test('normal() has mean 0 and variance 1 within 4 standard errors (n = 200000, seed 1)', () => {
  const rng = new Rng(1);
  const n = 200000;
  let s = 0;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    s += z;
    s2 += z * z;
    s4 += z ** 4;
  }
  const mean = s / n;
  const variance = s2 / n;
  // sd of the sample mean is 1/√n; of the sample second moment √(2/n).
  assert.ok(Math.abs(mean) < 4 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 4 * Math.sqrt(2 / n), `variance ${variance}`);
  // E Z^4 = 3 with sd √(96/n).
  assert.ok(Math.abs(s4 / n - 3) < 4 * Math.sqrt(96 / n), `fourth moment ${s4 / n}`);
});

test('uniform() lies in [0, 1) and its mean is 1/2 within 4 standard errors', () => {
  const rng = new Rng(3);
  const n = 100000;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1);
    s += u;
  }
  assert.ok(Math.abs(s / n - 0.5) < 4 * Math.sqrt(1 / 12 / n));
});

test('rejects a negative or fractional seed with a message', () => {
  assert.throws(() => new Rng(-1), /seed must be an integer/);
  assert.throws(() => new Rng(1.5), /seed must be an integer/);
});

test('fillRademacher: ±1 only, balanced within 4 standard errors, the same for the same seed', () => {
  const a = new Rng(11).fillRademacher(new Float32Array(100003));
  const b = new Rng(11).fillRademacher(new Float32Array(100003));
  assert.deepEqual(a, b);
  let sum = 0;
  for (const x of a) {
    assert.ok(x === 1 || x === -1);
    sum += x;
  }
  assert.ok(Math.abs(sum) < 4 * Math.sqrt(a.length), `sum ${sum}`);
});
