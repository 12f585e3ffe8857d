import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measurementCount, measurementSteps } from '../../src/engine/train/schedule';

test('measurement steps: points distinct, increasing, from 0 to the last step', () => {
  for (const steps of [1, 2, 5, 19, 20, 100, 1000, 12345]) {
    for (const points of [2, 3, 5, 20, 50]) {
      for (const spacing of ['log', 'linear'] as const) {
        const s = measurementSteps(steps, { points, spacing });
        assert.equal(s[0], 0);
        assert.equal(s[s.length - 1], steps);
        assert.equal(s.length, Math.min(points, steps + 1), `steps ${steps} points ${points} ${spacing}: ${s}`);
        for (let i = 1; i < s.length; i++) assert.ok(s[i] > s[i - 1]);
      }
    }
  }
});

test('log spacing is geometric away from the start; linear is even; every counts by its stride', () => {
  assert.deepEqual(measurementSteps(1000, { points: 5, spacing: 'log' }), [0, 6, 32, 178, 1000]);
  assert.deepEqual(measurementSteps(100, { points: 5, spacing: 'linear' }), [0, 25, 50, 75, 100]);
  assert.deepEqual(measurementSteps(10, { points: 20, spacing: 'log', every: 4 }), [0, 4, 8, 10]);
  assert.deepEqual(measurementSteps(0, { points: 20, spacing: 'log' }), [0]);
});

test('measurementCount is the length of measurementSteps, and needs no array for a schedule too long to hold', () => {
  for (const steps of [0, 1, 2, 7, 100, 1001]) {
    for (const m of [{ points: 2 }, { points: 5 }, { points: 5000 }, { points: 3, every: 1 }, { points: 3, every: 3 }, { points: 3, every: 7 }, { points: 3, every: 5000 }]) {
      const measure = { spacing: 'log' as const, ...m };
      assert.equal(measurementCount(steps, measure), measurementSteps(steps, measure).length, `steps ${steps} ${JSON.stringify(m)}`);
    }
  }
  assert.equal(measurementCount(1e9, { points: 20, every: 1 }), 1e9 + 1);
  assert.equal(measurementCount(2 ** 53 - 1, { points: 20 }), 20);
  assert.throws(() => measurementSteps(1e9, { points: 20, spacing: 'log', every: 1 }), /1000000001 measurements are more than a schedule holds/);
});
