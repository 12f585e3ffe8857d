import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandSweeps, resolve } from '../../src/format/index';
import { CALIBRATION_STEPS, calibrate } from '../../src/run/calibrate';
import { NOMINAL_RATES } from '../../src/run/costRates';
import { estimateRun, type RunEstimate } from '../../src/run/estimate';
import { runSize } from '../../src/run/runSize';
import { tinyExperiment } from './helpers';

// The calibration's short run in real engines: a measurement at each end, or, when the model puts a
// measurement above two minutes, one at the start and the steps timed after it (measureOnce). The
// calibration checks that the engines took exactly the measurements its figures divide by.

const task = expandSweeps(resolve(tinyExperiment({ trials: 3, steps: 200 })).experiments[0])[0];
const nominal = estimateRun(runSize(task), NOMINAL_RATES.wasm);

/** The same estimate with measurements `seconds` long each (a wide network's, as the model sees it). */
function withMeasurement(e: RunEstimate, seconds: number): RunEstimate {
  return { ...e, phases: e.phases.map((p) => (p.phase === 'measurements' ? { ...p, seconds: seconds * e.measurements } : p)) };
}

test('a short measurement: 30 steps between a measurement at each end, every phase timed', { timeout: 120_000 }, async () => {
  const { calibration: c, short } = await calibrate({ task, estimate: nominal, engines: 1, threads: 1 });
  assert.equal(c.steps, CALIBRATION_STEPS);
  assert.equal(Number(short.train.steps), CALIBRATION_STEPS);
  assert.equal(c.measurements, 2);
  assert.ok(c.stepSeconds > 0 && c.measurementSeconds > 0 && c.prepareSeconds > 0, JSON.stringify(c));
  assert.ok(c.applications !== undefined && c.applications > 0);
  assert.match(c.shortRun, /^[0-9a-f]{64}$/);
});

test('a long measurement: taken once, at the start, and the same 30 steps timed after it', { timeout: 120_000 }, async () => {
  const long = withMeasurement(nominal, 600);
  const { calibration: c, short } = await calibrate({ task, estimate: long, engines: 2, threads: 1 });
  assert.equal(c.measurements, 1, 'one measurement');
  assert.equal(c.steps, CALIBRATION_STEPS, 'and the steps, timed');
  assert.equal(Number(short.train.steps), CALIBRATION_STEPS);
  assert.ok(c.stepSeconds > 0 && c.measurementSeconds > 0, JSON.stringify(c));
  assert.equal(c.engines, 2);
  // Another short run, another fingerprint: a saved calibration of one is not taken for the other.
  const { calibration: other } = await calibrate({ task, estimate: nominal, engines: 2, threads: 1 });
  assert.notEqual(other.shortRun, c.shortRun);
});
