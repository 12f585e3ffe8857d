/**
 * The webview's data model under Node: validation of every message, means and standard errors over
 * trials against hand computation, incremental ingest equal to batch ingest in any order, the sweep's
 * deviation and slope, and the pure geometry (contours, decimation, axis arithmetic).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orNaN, type EngineMessage, type MeasurementRecord } from '../../src/contracts/engineMessages';
import { summarizeRun, summarizeSweep } from '../../src/run/summary';
import { chooseLogLabels, linthreshFor, symexp, symlog } from '../../webview/charts/scaleMath';
import { contourLevels, contourSegments } from '../../webview/model/contours';
import { REPORT_FORMAT } from '../../src/contracts/report';
import { loadReportData } from '../../webview/model/reportData';
import { RunModel } from '../../webview/model/runModel';
import { linearFit, logLogFit } from '../../src/analysis/fit';
import { meanStderr } from '../../src/analysis/overTrials';
import { decimateLog } from '../../webview/model/decimate';
import { deviationAgainstWidth, limitAgainstTime, seriesPerRun, widthOf } from '../../webview/model/sweep';
import { plotTime, timeAxis } from '../../webview/model/time';
import { MATRICES } from '../../webview/model/types';
import { validateEngineMessage, validatePanelMessage, validateRunInfo } from '../../webview/model/validate';
import { Workspace } from '../../webview/model/workspace';
import { readFixtureRun, readFixtureSweep } from '../../scripts/panelHarness';

const run = readFixtureRun();
const measurements = run.records.filter((m): m is MeasurementRecord & { trial: number } => m.type === 'measurement');

function modelOf(records: readonly EngineMessage[]): RunModel {
  const m = new RunModel(run.info.id);
  for (const r of records) m.ingest(r);
  return m;
}

/** Everything the charts read from a model, as plain data (for deep comparisons). */
function shaped(m: RunModel): unknown {
  const kmax = m.kmax();
  const steps = m.steps().length;
  return {
    steps: [...m.steps()],
    trials: m.trials(),
    axis: m.axis(),
    moments: MATRICES.map((A) => Array.from({ length: kmax }, (_, k) => m.moments(A, k + 1))),
    top: MATRICES.map((A) => m.top(A)),
    orthogonality: m.orthogonality(),
    loss: m.loss(),
    density: Array.from({ length: steps }, (_, i) => m.density(i)),
    rayleigh: Array.from({ length: steps }, (_, i) => m.rayleigh(i)),
    ntk: Array.from({ length: steps }, (_, i) => m.ntk(i)),
    surfaces: m.surfaces(),
    deviation: MATRICES.map((A) => Array.from({ length: kmax }, (_, k) => m.deviation(A, k + 1))),
  };
}

/** A deterministic shuffle (the fixture's order must not matter). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

test('every record, run.json and summary of the recorded runs passes validation', () => {
  for (const r of run.records) {
    const v = validateEngineMessage(r);
    assert.ok(v.ok, v.ok ? '' : v.error);
  }
  assert.ok(validateRunInfo(run.info).ok);
  for (const r of readFixtureSweep().runs) for (const m of r.records) assert.ok(validateEngineMessage(m).ok);
  assert.ok(measurements.length === 24 && run.records.some((r) => r.type === 'surface') && run.records.some((r) => r.type === 'theory'));
});

test('malformed messages are rejected with a reason that says where and what', () => {
  const good = measurements[3];
  const bad: [unknown, RegExp][] = [
    [null, /expected an object with a string "type"/],
    ['measurement', /expected an object/],
    [{ type: 'bogus', trial: 0 }, /unknown type "bogus"/],
    [{ ...good, trial: -1 }, /measurement\.trial: expected a non-negative integer, got -1/],
    [{ ...good, trial: 1.5 }, /measurement\.trial/],
    [{ ...good, t: -2 }, /measurement\.t: expected t ≥ 0/],
    [{ ...good, moments: { ...good.moments, H: [1, 'x'] } }, /measurement\.moments\.H\[1\]: expected a number or null, got "x"/],
    [{ ...good, moments: { I: good.moments.I, S: good.moments.S } }, /measurement\.moments\.H: expected an array, got nothing/],
    [{ ...good, moments_stderr: undefined }, /measurement\.moments_stderr: expected an object/],
    [{ ...good, loss: '0.3' }, /measurement\.loss/],
    [{ ...good, density: { H: { x: [1, 2, 3], y: [1, 2] } } }, /measurement\.density\.H: x has 3 entries but y has 2/],
    [{ ...good, orthogonality: { IS: 0.1, IS_stderr: 0.01, rayleigh: { I: [[1, 2, 3]], S: [] } } }, /rayleigh\.I\[0\]: expected an array of 2/],
    [{ ...good, exact: 'no' }, /measurement\.exact: expected true or false/],
    [{ ...good, elapsed_ms: Infinity }, /measurement\.elapsed_ms: expected a finite number/],
    [{ type: 'surface', trial: 0, step: 1, directions: ['I1', 'I2'], x: [0, 1], y: [0, 1], loss: [[1, 2]], curvature: [1, 1] }, /surface\.loss: expected 2 rows/],
    [{ type: 'surface', trial: 0, step: 1, directions: ['I1', 'I2'], x: [0, 1], y: [0, 1], loss: [[1, 2], [3]], curvature: [1, 1] }, /surface\.loss\[1\]: expected 2 values/],
    [{ type: 'log', trial: 0, level: 'loud', message: 'x' }, /log\.level: expected "info" or "warning" or "error"/],
    [{ type: 'theory', trial: 0, lines: { loss: 'mse', mode: 'discrete', kmax: 4, steps: [0], times: [0], warnings: 'none' } }, /theory\.lines\.warnings: expected an array/],
  ];
  for (const [value, reason] of bad) {
    const v = validateEngineMessage(value);
    assert.equal(v.ok, false, `accepted ${JSON.stringify(value)?.slice(0, 80)}`);
    if (!v.ok) assert.match(v.error, reason);
  }
  // Panel envelopes: a batch keeps its readable members and names the first bad one (one bad record does not hide a run).
  const batch = validatePanelMessage({ type: 'batch', messages: [good, { ...good, step: 'x' }, good] });
  assert.ok(batch.ok && batch.value.type === 'batch');
  assert.equal(batch.ok && batch.value.type === 'batch' && batch.value.messages.length, 2);
  assert.equal(batch.ok && batch.skipped?.count, 1);
  assert.match((batch.ok && batch.skipped?.first) || '', /^batch\.messages\[1\]: measurement\.step: expected a non-negative integer, got "x"$/);
  assert.ok(!validatePanelMessage({ type: 'batch', messages: 'all' }).ok, 'a batch without an array is still refused');
  assert.ok(!validatePanelMessage({ type: 'runInfo', info: { ...run.info, trials: 'all' } }).ok);
  assert.ok(validatePanelMessage({ type: 'reset' }).ok);
  // JSON writes an undefined prediction (NaN) as null: accepted, and not drawn.
  assert.ok(validateEngineMessage({ ...good, theory: { H: [null, 1, 1, 1], I: [1, 1, 1, 1], S: [null, null, null, null] } }).ok);
});

test('means and standard errors over two trials match a hand computation', () => {
  const m = modelOf(run.records);
  assert.deepEqual(m.trials(), [0, 1]);
  const steps = [...new Set(measurements.map((r) => r.step))].sort((a, b) => a - b);
  assert.deepEqual([...m.steps()], steps);
  for (const A of MATRICES) {
    for (let k = 1; k <= 4; k++) {
      const series = m.moments(A, k);
      assert.equal(series.mean.length, steps.length);
      steps.forEach((step, i) => {
        const [a, b] = [0, 1].map((trial) => orNaN(measurements.find((r) => r.trial === trial && r.step === step)!.moments[A][k - 1]));
        // Two values: mean (a + b)/2, sample sd |a − b|/√2, standard error |a − b|/2.
        const p = series.mean[i];
        assert.ok(Math.abs(p.y - (a + b) / 2) <= 1e-12 * Math.abs(a + b) + 1e-300, `${A}${k} step ${step}`);
        assert.ok(Math.abs(p.hi - p.y - Math.abs(a - b) / 2) <= 1e-12 * (Math.abs(a) + Math.abs(b)) + 1e-300);
        assert.ok(Math.abs(p.y - p.lo - Math.abs(a - b) / 2) <= 1e-12 * (Math.abs(a) + Math.abs(b)) + 1e-300);
        assert.equal(p.n, 2);
        // The spread band: mean ± the sample sd |a − b|/√2 (√n times the standard error).
        const sp = series.spread[i];
        assert.equal(sp.y, p.y);
        assert.ok(Math.abs(sp.hi - sp.y - Math.abs(a - b) / Math.SQRT2) <= 1e-12 * (Math.abs(a) + Math.abs(b)) + 1e-300);
        assert.ok(Math.abs(sp.y - sp.lo - Math.abs(a - b) / Math.SQRT2) <= 1e-12 * (Math.abs(a) + Math.abs(b)) + 1e-300);
      });
      // Each trial's own line holds its own values.
      assert.deepEqual(
        series.trials.map((s) => s.points.map((p) => p.y)),
        [0, 1].map((trial) => measurements.filter((r) => r.trial === trial).sort((x, y) => x.step - y.step).map((r) => r.moments[A][k - 1])),
      );
    }
  }
  // The summary the generator wrote (runFiles.ts definitions) agrees.
  for (const s of run.summary!.steps) {
    const i = m.steps().indexOf(s.step);
    const [mean, se] = [orNaN(s.mean.H[1]), orNaN(s.stderr.H[1])];
    assert.ok(Math.abs(m.moments('H', 2).mean[i].y - mean) < 1e-12 * Math.abs(mean));
    assert.ok(Math.abs(m.moments('H', 2).mean[i].hi - m.moments('H', 2).mean[i].y - se) < 1e-9 * se);
  }
  // ‖IS‖/(‖I‖‖S‖): same rule.
  const last = steps.length - 1;
  const [o0, o1] = [0, 1].map((trial) => orNaN(measurements.find((r) => r.trial === trial && r.step === steps[last])!.orthogonality!.IS));
  assert.ok(Math.abs(m.orthogonality()[last].y - (o0 + o1) / 2) < 1e-15);
});

test("with one trial the band is that trial's own estimator standard error, and the theory is its path-wise line", () => {
  const m = modelOf(run.records.filter((r) => r.trial === 0));
  const records = measurements.filter((r) => r.trial === 0).sort((a, b) => a.step - b.step);
  const series = m.moments('H', 3);
  records.forEach((r, i) => {
    assert.equal(series.mean[i].y, r.moments.H[2]);
    assert.ok(Math.abs(series.mean[i].hi - series.mean[i].y - orNaN(r.moments_stderr.H[2])) <= 1e-12 * Math.abs(orNaN(r.moments.H[2])));
    assert.equal(series.mean[i].n, 1);
  });
  // One trial has no spread over trials: no band is drawn for it.
  assert.deepEqual(series.spread, []);
  assert.equal(series.theory.kind, 'path-wise');
  assert.deepEqual(
    series.theory.points.map((p) => p.y),
    records.map((r) => r.theory!.H[2]),
  );
  // Tr(I^k) is exact (stderr 0): a zero-width band.
  assert.ok(m.moments('I', 2).mean.every((p) => p.lo === p.y && p.hi === p.y));
  assert.ok(Math.abs(m.orthogonality()[2].hi - m.orthogonality()[2].y - orNaN(records[2].orthogonality!.IS_stderr)) < 1e-15);
  // Over two trials the theory is the expectation.
  const both = modelOf(run.records).moments('H', 3).theory;
  assert.equal(both.kind, 'expected');
  assert.deepEqual(
    both.points.map((p) => p.y),
    records.map((r) => r.expected!.H[2]),
  );
});

test('t = 0 is drawn at η/2 and every other time where it is', () => {
  const m = modelOf(run.records);
  const axis = m.axis();
  assert.equal(axis.eta, 1);
  assert.equal(axis.zeroAt, 0.5);
  assert.deepEqual(
    m.moments('I', 1).mean.map((p) => p.x),
    [...m.steps()].map((s) => (s === 0 ? 0.5 : s)),
  );
  assert.deepEqual(timeAxis([{ step: 0, t: 0 }, { step: 4, t: 0.2 }]), { eta: 0.05, zeroAt: 0.025 });
  assert.deepEqual(timeAxis([{ step: 0, t: 0 }]), { eta: 1, zeroAt: 0.5 });
  assert.equal(plotTime(0, { eta: 0.05, zeroAt: 0.025 }), 0.025);
  assert.equal(plotTime(3, { eta: 0.05, zeroAt: 0.025 }), 3);
});

test('ingesting one record at a time, in any order, with reads in between, gives what ingesting all at once gives', () => {
  const batch = shaped(modelOf(run.records));
  for (const seed of [1, 7, 42]) {
    const m = new RunModel(run.info.id);
    let versions = 0;
    shuffled(run.records, seed).forEach((r, i) => {
      assert.ok(m.ingest(r));
      assert.ok(m.version > versions, 'the version grows with each message');
      versions = m.version;
      if (i % 5 === 0) shaped(m); // reads fill the caches, which later ingests must invalidate
    });
    assert.deepEqual(shaped(m), batch, `order ${seed}`);
  }
  // A replay of the same records (a panel reopened) changes nothing.
  const m = modelOf(run.records);
  for (const r of run.records) m.ingest(r);
  assert.deepEqual(shaped(m), batch);
});

test('reading twice without an ingest returns the cached series; an ingest recomputes only what changed', () => {
  const m = modelOf(run.records.slice(0, 20));
  const first = m.moments('H', 1);
  assert.equal(m.moments('H', 1), first);
  const before = m.aggregates();
  const next = run.records.slice(20).find((r) => r.type === 'measurement')!;
  m.ingest(next);
  const after = m.aggregates();
  const changed = after.filter((a, i) => before[i] !== a).map((a) => a.step);
  assert.ok(changed.length <= 1, `recomputed steps ${changed.join(', ')}`);
  if (changed.length === 1) assert.equal(changed[0], (next as MeasurementRecord).step);
  assert.notEqual(m.moments('H', 1), first);
});

test('the other series: top eigenvalues, density, Rayleigh quotients, NTK spectrum, loss, surfaces', () => {
  const m = modelOf(run.records);
  const last = m.steps().length - 1;
  const final = measurements.filter((r) => r.step === m.steps()[last]);
  assert.equal(m.top('I').length, 5);
  assert.ok(Math.abs(m.top('I')[0][last].y - (orNaN(final[0].top!.I![0]) + orNaN(final[1].top!.I![0])) / 2) < 1e-15);
  assert.deepEqual(
    m.density(last).map((s) => s.trial),
    [0, 1],
  );
  assert.equal(m.density(last)[0].points.length, final[0].density!.H.x.length);
  assert.equal(m.rayleigh(last).I.length, 10);
  assert.deepEqual(m.rayleigh(last).S[0], { x: final[0].orthogonality!.rayleigh.S[0][0], y: final[0].orthogonality!.rayleigh.S[0][1], trial: 0 });
  const ntk = m.ntk(0);
  assert.equal(ntk.empirical.length, 12);
  assert.equal(ntk.empirical[0].x, 1);
  assert.deepEqual(
    ntk.limit.map((p) => p.y),
    measurements[0].ntk!.limit_eigenvalues,
  );
  const loss = m.loss();
  assert.equal(loss.mean.length, m.steps().length);
  assert.equal(loss.theory.kind, 'expected');
  assert.equal(loss.theory.points.length, m.steps().length);
  assert.deepEqual(
    m.surfaces().map((s) => s.trial),
    [0, 1],
  );
  assert.equal(m.clampIndex(99), last);
  assert.equal(m.lastIndexWith('density'), last);
});

test('progress messages make a denser loss curve, thinned on a log scale', () => {
  const m = modelOf(run.records);
  for (let step = 0; step <= 1000; step++) m.ingest({ type: 'progress', trial: 0, step, steps: 1000, loss: 1 / (1 + step), measurements: 0, measurements_total: 12, elapsed_ms: step });
  const trial0 = m.loss().trials.find((s) => s.trial === 0)!;
  assert.ok(trial0.points.length > 100 && trial0.points.length <= 1001, `${trial0.points.length} points`);
  assert.ok(trial0.points.every((p, i) => i === 0 || p.x > trial0.points[i - 1].x), 'sorted, unique');
  assert.equal(m.trialStates().get(0)!.status, 'running');
  m.ingest({ type: 'finished', trial: 0, steps: 1000, loss: 0.001, elapsed_ms: 1 });
  assert.equal(m.trialStates().get(0)!.status, 'finished');
});

test('statistics helpers', () => {
  assert.deepEqual(meanStderr([1, 2, 3, 4]), { mean: 2.5, stderr: Math.sqrt(5 / 3 / 4), n: 4 });
  assert.deepEqual(meanStderr([7], 0.3), { mean: 7, stderr: 0.3, n: 1 });
  assert.ok(Number.isNaN(meanStderr([]).mean));
  const fit = linearFit([0, 1, 2, 3], [1, 3, 5, 7])!;
  assert.equal(fit.slope, 2);
  assert.equal(fit.intercept, 1);
  assert.equal(fit.slopeStderr, 0);
  const ll = logLogFit([10, 100, 1000].map((x) => ({ x, y: 5 / Math.sqrt(x) })))!;
  assert.ok(Math.abs(ll.slope + 0.5) < 1e-12);
  const long = Array.from({ length: 5000 }, (_, i) => ({ x: i, y: i === 2500 ? 100 : Math.sin(i) }));
  const thin = decimateLog(long, 100);
  assert.ok(thin.length < 500);
  assert.ok(thin.some((p) => p.y === 100), 'a spike survives');
  assert.equal(thin[0].x, 0);
  assert.equal(thin[thin.length - 1].x, 4999);
});

test('a width sweep: one series per run, ordered by width, and the deviation from theory with its log-log slope', () => {
  const sweep = readFixtureSweep();
  const ws = new Workspace();
  ws.ingest({ type: 'sweepInfo', info: sweep.info });
  for (const r of sweep.runs) {
    ws.ingest({ type: 'runInfo', info: r.info });
    ws.ingest({ type: 'batch', messages: r.records });
  }
  assert.deepEqual(
    ws.runs().map((r) => widthOf(r, ws)),
    [32, 128, 512],
  );
  const per = seriesPerRun(ws, 'H', 2);
  assert.deepEqual(
    per.map((s) => s.label),
    ['width = 32', 'width = 128', 'width = 512'],
  );
  const devs = deviationAgainstWidth(ws, 'H', 4);
  assert.equal(devs.length, 4);
  // By hand for k = 1: mean over steps of |mean over trials − expected| / scale, the scale being the
  // largest |expected| over the run (src/analysis/deviation.ts), then the slope.
  const hand = sweep.runs.map((r) => {
    const ms = r.records.filter((m): m is MeasurementRecord & { trial: number } => m.type === 'measurement');
    const steps = [...new Set(ms.map((m) => m.step))];
    const at = steps.map((s) => ms.filter((m) => m.step === s));
    const scale = Math.max(...at.map((list) => Math.abs(orNaN(list[0].expected!.H[0]))));
    const devAt = at.map((list) => Math.abs(list.reduce((a, m) => a + orNaN(m.moments.H[0]), 0) / list.length - orNaN(list[0].expected!.H[0])) / scale);
    return { x: Number(r.info.varied!.width), y: devAt.reduce((a, b) => a + b, 0) / devAt.length };
  });
  devs[0].points.forEach((p, i) => {
    assert.equal(p.x, hand[i].x);
    assert.ok(Math.abs(p.y - hand[i].y) < 1e-12 * hand[i].y);
  });
  // The panel and summary.json (sweep-summary.json's deviationH) apply one rule: the same figures for every k.
  const summary = summarizeSweep(
    'sweep',
    sweep.runs.map((r) => ({ id: r.info.id, varied: r.info.varied!, summary: summarizeRun(r.info, r.records, 0) })),
  );
  for (const d of devs) {
    d.points.forEach((p, i) => {
      const s = summary.runs[i].deviationH[d.k - 1];
      assert.ok(s !== null && Math.abs(p.y - s) <= 1e-12 * s, `k = ${d.k}, width ${p.x}: panel ${p.y}, summary.json ${s}`);
    });
  }
  const slope = logLogFit(hand)!.slope;
  assert.ok(Math.abs(devs[0].fit!.slope - slope) < 1e-12);
  // The finite-width corrections shrink with width (the theory says like n^(−1/2)).
  for (const d of devs) assert.ok(d.fit!.slope < -0.2 && d.fit!.slope > -1, `k = ${d.k}: slope ${d.fit!.slope}`);
});

test("the sweep's own infinite-width limit: the panel and sweep-summary.json give the same m∞ ± s.e., and a hand fit agrees", () => {
  const sweep = readFixtureSweep();
  const ws = new Workspace();
  for (const r of sweep.runs) {
    ws.ingest({ type: 'runInfo', info: r.info });
    ws.ingest({ type: 'batch', messages: r.records });
  }
  const summary = summarizeSweep(
    'sweep',
    sweep.runs.map((r) => ({ id: r.info.id, varied: r.info.varied!, summary: summarizeRun(r.info, r.records, 0) })),
  );
  assert.equal(summary.limits?.length, 1);
  const g = summary.limits![0];
  assert.deepEqual(g.widths, [32, 128, 512]);
  const stepsOf = (r: (typeof sweep.runs)[number]) => [...new Set(r.records.filter((m) => m.type === 'measurement').map((m) => (m as MeasurementRecord).step))].sort((a, b) => a - b);
  assert.deepEqual(g.steps, stepsOf(sweep.runs[0]));
  for (const A of MATRICES) {
    for (let k = 1; k <= 4; k++) {
      const panel = limitAgainstTime(ws, A, k);
      assert.equal(panel.length, 1);
      g.steps.forEach((step, j) => {
        const e = g[A][k - 1][j];
        const f = e.fits.find((x) => x.exponent === e.better) ?? e.fits[0];
        const p = panel[0].points.find((q) => q.step === step)!;
        assert.ok(p && f.limit !== null, `${A}${k} step ${step}`);
        assert.ok(Math.abs(p.y - f.limit!) <= 1e-12 * Math.max(1, Math.abs(f.limit!)), `${A}${k} step ${step}: panel ${p.y}, summary ${f.limit}`);
        assert.equal(p.exponent, f.exponent);
        // The expectation beside it is the runs' own.
        const run0 = summarizeRun(sweep.runs[0].info, sweep.runs[0].records, 0).steps[j];
        assert.equal(e.expected, run0.expected ? run0.expected[A][k - 1] : null);
      });
    }
  }
  // By hand for Tr(H) at the last step with p = 1/2: weighted least squares over x = n^(−1/2).
  const j = g.steps.length - 1;
  const pts = sweep.runs.map((r) => {
    const s = summarizeRun(r.info, r.records, 0).steps[j];
    return { x: Number(r.info.varied!.width) ** -0.5, y: orNaN(s.mean.H[0]), w: 1 / orNaN(s.stderr.H[0]) ** 2 };
  });
  const S = pts.reduce((a, p) => a + p.w, 0);
  const Sx = pts.reduce((a, p) => a + p.w * p.x, 0);
  const Sxx = pts.reduce((a, p) => a + p.w * p.x * p.x, 0);
  const Sy = pts.reduce((a, p) => a + p.w * p.y, 0);
  const Sxy = pts.reduce((a, p) => a + p.w * p.x * p.y, 0);
  const hand = (Sxx * Sy - Sx * Sxy) / (S * Sxx - Sx * Sx);
  const half = g.H[0][j].fits.find((f) => f.exponent === 0.5)!;
  assert.ok(Math.abs(half.limit! - hand) <= 1e-10 * Math.abs(hand), `${half.limit} vs ${hand}`);
  // Tr(I) at width → ∞ is the theory's Tr(Θ)/N-type expectation: the sweep's limit sits within a few
  // standard errors of it at t = 0 (widths 32–512, 3 trials each: a loose statistical check, 5 s.e.).
  const i0 = g.I[0][0];
  const f0 = i0.fits.find((f) => f.exponent === i0.better) ?? i0.fits[0];
  assert.ok(i0.expected !== null && f0.stderr !== null && Math.abs(f0.limit! - i0.expected) <= 5 * f0.stderr, `m∞ ${f0.limit} ± ${f0.stderr}, expected ${i0.expected}`);
});

test('a sweep over width and another setting fits each group of widths on its own; one width alone is no fit', () => {
  const sweep = readFixtureSweep();
  const ws = new Workspace();
  for (const act of ['tanh', 'softplus']) {
    for (const r of sweep.runs) {
      const id = `${r.info.id}-${act}`;
      ws.ingest({ type: 'runInfo', info: { ...r.info, id, varied: { width: r.info.varied!.width, activation: act } } });
      ws.ingest({ type: 'batch', messages: r.records.map((m) => ({ ...m, run: id })) });
    }
  }
  const devs = deviationAgainstWidth(ws, 'H', 4);
  assert.deepEqual(
    devs.map((d) => `${d.group} k=${d.k} n=${d.points.length}`),
    ['activation = tanh k=1 n=3', 'activation = tanh k=2 n=3', 'activation = tanh k=3 n=3', 'activation = tanh k=4 n=3', 'activation = softplus k=1 n=3', 'activation = softplus k=2 n=3', 'activation = softplus k=3 n=3', 'activation = softplus k=4 n=3'],
  );
  const single = new Workspace();
  for (const act of ['tanh', 'softplus']) {
    const r = sweep.runs[0];
    single.ingest({ type: 'runInfo', info: { ...r.info, id: act, varied: { activation: act } } });
    single.ingest({ type: 'batch', messages: r.records.map((m) => ({ ...m, run: act })) });
  }
  assert.deepEqual(deviationAgainstWidth(single, 'H', 4), []);
  assert.equal(seriesPerRun(single, 'H', 1).length, 2);
});

test('a report payload loads into a workspace; a malformed record is skipped and counted, not fatal', () => {
  const ws = new Workspace();
  const records: unknown[] = [...run.records, { ...measurements[0], moments: 'oops' }];
  const problems = loadReportData({ format: REPORT_FORMAT, generated: '', generator: '', runs: [{ info: run.info, records, summary: run.summary }] }, ws);
  assert.equal(problems.length, 1);
  assert.equal(problems[0], `run ${run.info.id}: 1 record could not be read and is not shown (first: record ${records.length - 1}: measurement.moments: expected an object, got "oops")`);
  assert.deepEqual(shaped(ws.get(run.info.id)!), shaped(modelOf(run.records)));
  assert.throws(() => loadReportData({ format: 'something else' }, new Workspace()), /not an ntkexp report/);
  // Messages without a run id go to the only run there is.
  const one = new Workspace();
  one.ingest({ type: 'runInfo', info: run.info });
  one.ingest({ ...measurements[0], run: undefined });
  assert.deepEqual(one.runIds(), [run.info.id]);
});

test('a batch with unreadable records in the middle: the rest is drawn as if they were not there, and counted once', () => {
  const records = [...run.records];
  const bad: unknown[] = [
    { type: 'bogus', trial: 0 },
    { ...measurements[2], moments: { ...measurements[2].moments, H: ['x'] } },
    { ...measurements[5], t: 'later' },
    'not a record',
  ];
  const mixed: unknown[] = [...records];
  bad.forEach((b, i) => mixed.splice(5 + i * 7, 0, b));
  const checked = validatePanelMessage({ type: 'batch', messages: mixed });
  assert.ok(checked.ok && checked.value.type === 'batch');
  assert.equal(checked.skipped?.count, bad.length);
  assert.match(checked.skipped?.first ?? '', /^batch\.messages\[5\]: message: unknown type "bogus"/);
  const ws = new Workspace();
  ws.ingest({ type: 'runInfo', info: run.info });
  ws.ingest(checked.value);
  ws.skipped(checked.skipped!);
  assert.deepEqual(shaped(ws.get(run.info.id)!), shaped(modelOf(records)), 'the good records are all there');
  // A second batch with a bad record: one notice, the count summed, the first reason kept.
  const again = validatePanelMessage({ type: 'batch', messages: [measurements[0], { type: 'measurement' }] });
  assert.ok(again.ok && again.skipped);
  ws.skipped(again.skipped);
  assert.deepEqual(ws.notices(), [`live updates: 5 records could not be read and are not shown (first: ${checked.skipped?.first})`]);
  // Notices from the extension (a damaged file it read) are shown once each; a reset forgets all.
  ws.ingest({ type: 'notice', text: '/r/series.jsonl: 2 records could not be read and are not shown (first: line 3: not JSON)' });
  ws.ingest({ type: 'notice', text: '/r/series.jsonl: 2 records could not be read and are not shown (first: line 3: not JSON)' });
  assert.equal(ws.notices().length, 2);
  ws.ingest({ type: 'reset' });
  assert.deepEqual(ws.notices(), []);
});

test('contour lines of a paraboloid lie on circles', () => {
  const axis = Array.from({ length: 41 }, (_, i) => -1 + i / 20);
  const z = axis.map((y) => axis.map((x) => x * x + y * y));
  for (const level of contourLevels(0, 1, 4)) {
    const segments = contourSegments(axis, axis, z, level);
    assert.ok(segments.length > 20);
    for (const [x1, y1, x2, y2] of segments) {
      for (const r of [Math.hypot(x1, y1), Math.hypot(x2, y2)]) assert.ok(Math.abs(r - Math.sqrt(level)) < 0.01, `r = ${r} at level ${level}`);
    }
  }
  // A saddle cell splits by its centre; a missing corner skips the cell.
  assert.equal(contourSegments([0, 1], [0, 1], [[1, 0], [0, 1]], 0.5).length, 2);
  assert.equal(contourSegments([0, 1], [0, 1], [[1, null], [0, 1]], 0.5).length, 0);
  assert.deepEqual(contourLevels(0, 10, 4), [2, 4, 6, 8]);
});

test('axis arithmetic: symmetric log, its threshold, and log tick labels', () => {
  for (const v of [-1e-6, -3, 0, 0.5, 1e4]) assert.ok(Math.abs(symexp(symlog(v, 1e-3), 1e-3) - v) <= 1e-9 * Math.max(1, Math.abs(v)));
  assert.equal(linthreshFor([0.02, -3e-5, 0]), 1e-5);
  assert.equal(linthreshFor([0.02, -3e-12]), 1e-6); // at most four decades below the largest
  assert.equal(linthreshFor([0, 0]), 1);
  assert.deepEqual(chooseLogLabels(0.5, 1000, 5), [1, 10, 100, 1000]);
  assert.deepEqual(chooseLogLabels(0.5, 1000, 8), [1, 3, 10, 30, 100, 300, 1000]);
  assert.deepEqual(chooseLogLabels(1e-12, 1, 5), [1e-12, 1e-9, 1e-6, 1e-3, 1]);
  assert.deepEqual(chooseLogLabels(0.7, 4, 12), [0.7, 0.8, 0.9, 1, 2, 3, 4]);
  assert.deepEqual(chooseLogLabels(1.1, 1.4, 5), [1.1, 1.2, 1.3, 1.4]);
});

test('mean field: the panel model compares √w·Tr(S) and w·Tr(S²) with the limits exactly as summary.json does', () => {
  const w = 400;
  const records: EngineMessage[] = [0, 1, 2].flatMap((trial) =>
    [0, 5].map((step) => {
      const moments = { H: [0.01 + 0.001 * trial, 1e-4], I: [0.003, 1e-5], S: [(0.002 - 0.001 * trial) * (step + 1), 2e-6 + 1e-7 * trial] };
      const record: MeasurementRecord = {
        type: 'measurement', run: run.info.id, trial, step, t: step, loss: 1, moments, moments_stderr: { H: [1e-9, 1e-9], I: [1e-9, 1e-9], S: [1e-9, 1e-9] }, exact: false, elapsed_ms: 1,
        ...(step === 0 ? { expected: { H: [0.003, 1.25e-6], I: [0.003, 1e-5], S: [0, 1.25e-6] }, mean_field: { width: w, trace_s_std: 0.0015 } } : {}),
      };
      return record as EngineMessage;
    }),
  );
  const mf = modelOf(records).meanField()!;
  const scaled = [0, 1, 2].map((t) => Math.sqrt(w) * (0.002 - 0.001 * t));
  const mean = scaled.reduce((a, b) => a + b, 0) / 3;
  const sd = Math.sqrt(scaled.reduce((a, b) => a + (b - mean) ** 2, 0) / 2);
  assert.equal(mf.width, w);
  assert.ok(Math.abs(orNaN(mf.sqrt_w_trace_s.mean) - mean) < 1e-15);
  assert.ok(Math.abs(orNaN(mf.sqrt_w_trace_s.spread) - sd) < 1e-15);
  assert.ok(Math.abs(orNaN(mf.sqrt_w_trace_s.stderr) - sd / Math.sqrt(3)) < 1e-15);
  assert.ok(Math.abs(orNaN(mf.sqrt_w_trace_s.limit_std) - Math.sqrt(w) * 0.0015) < 1e-15);
  assert.ok(Math.abs(orNaN(mf.w_trace_s2.limit) - w * 1.25e-6) < 1e-15);
  assert.ok(Math.abs(orNaN(mf.w_trace_s2.mean) - w * 2.1e-6) < 1e-15);
  // Only the step-0 records count; a run without mean-field records has none.
  assert.equal(modelOf(measurements).meanField(), undefined);
});
