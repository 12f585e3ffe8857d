import { test } from 'node:test';
import assert from 'node:assert/strict';
import { largestMagnitude } from '../../src/format/magnitude';
import { normalizeRows } from '../../src/engine/data/dataset';
import { CsvError, MAX_SWEEP_POINTS, csvToPoints, expandSweeps, parseCsv, resolve, withCsvLoaded } from '../../src/format/index';
import { compileExperiment } from '../../src/run/compile';
import type { ResolvedExperiment } from '../../src/format/index';

function one(text: string, path?: string): ResolvedExperiment {
  const r = resolve(text, path ? { path } : {});
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(r.experiments.length, 1);
  return r.experiments[0];
}

test('a minimal experiment resolves with every default filled', () => {
  assert.deepEqual(one('experiment tiny { data circle {} }'), {
    name: 'tiny',
    experiment: 'tiny',
    varied: {},
    settings: { title: 'tiny', seed: 0, trials: 1, loss: 'mse' },
    data: { source: 'circle', samples: 64, target: 'sin(3 * gamma)', normalize: true, noise: 0 },
    network: { depth: 3, width: 500, activation: 'smooth_relu', beta: 0.1, parametrization: 'ntk' },
    train: { learning_rate: 1.0, steps: 1000, optimizer: 'gd', batch_size: 32, momentum: 0.9, nesterov: false, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    measure: { points: 20, spacing: 'log', every: null, moments: 4, probes: 30, top: 10, bottom: 0, density: 0, orthogonality: true, theory: true, layers: false, exact: 'auto' },
    surface: null,
    sweep: [],
    definitions: [],
  });
});

test('written values win over defaults; constant expressions are folded; targets keep canonical text', () => {
  const e = one('experiment e {\n  seed = 2 * 3\n  data disk { target = x1*x2 + 1; noise = 1e-2 }\n  train { learning_rate = 1 / 4 }\n  measure { exact = false; every = 5 }\n}\n');
  assert.equal(e.settings.seed, 6);
  assert.equal(e.data.target, 'x1 * x2 + 1');
  assert.equal(e.data.noise, 0.01);
  assert.equal(e.train.learning_rate, 0.25);
  assert.equal(e.measure.exact, false);
  assert.equal(e.measure.every, 5);
});

test('a file with errors resolves to no experiment, with its diagnostics', () => {
  const r = resolve('experiment e { data circle { samples = 0 } }');
  assert.deepEqual(r.experiments, []);
  assert.equal(r.diagnostics[0].code, 'range');
});

test('sweeps expand into the cartesian product, first key slowest, named by their settings', () => {
  const e = one('experiment s {\n  data circle {}\n  sweep {\n    width = [100, [50, 60]]\n    activation = [tanh, erf]\n    samples = [8]\n  }\n}\n');
  const points = expandSweeps(e);
  assert.deepEqual(
    points.map((p) => p.name),
    ['s[width=100,activation=tanh,samples=8]', 's[width=100,activation=erf,samples=8]', 's[width=[50,60],activation=tanh,samples=8]', 's[width=[50,60],activation=erf,samples=8]'],
  );
  assert.deepEqual(points[3].varied, { width: [50, 60], activation: 'erf', samples: 8 });
  assert.deepEqual(points[3].network.width, [50, 60]);
  assert.equal(points[3].network.activation, 'erf');
  assert.equal(points[3].data.samples, 8);
  for (const p of points) assert.deepEqual(p.sweep, []);
  assert.deepEqual(expandSweeps(points[0]), [points[0]], 'a concrete experiment expands to itself');
});

test('a sweep with too many combinations is refused', () => {
  const values = `[${Array.from({ length: 101 }, (_, i) => i + 1).join(', ')}]`;
  const e = one(`experiment big {\n  data circle {}\n  sweep {\n    seed = ${values}\n    steps = ${values}\n  }\n}\n`);
  assert.ok(101 * 101 > MAX_SWEEP_POINTS);
  assert.throws(() => expandSweeps(e), /10201 combinations/);
});

test('compileExperiment builds the engine config: widths per layer, objects for names, directions', () => {
  const text = [
    'activation swish(x) = x * sigmoid(x)',
    'loss half(y, t) = 0.5 * (y - t)^2',
    'experiment e {',
    '  data points { inputs = [[1, 0], [0, 1]]; targets = [1, -1] }',
    '  network { depth = 4; width = 8; activation = swish; parametrization = mean_field }',
    '  loss = half',
    '  measure { every = 10; exact = true }',
    '  surface { directions = [S2, random] }',
    '}',
  ].join('\n');
  const config = compileExperiment(one(text));
  assert.deepEqual(config.network.widths, [8, 8, 8]);
  assert.equal(config.network.activation.name, 'swish');
  assert.equal(config.network.parametrization, 'mean_field');
  assert.equal(config.loss.name, 'half');
  assert.deepEqual(config.data, { source: 'points', inputs: [[1, 0], [0, 1]], targets: [[1], [-1]], normalize: true, noise: 0 });
  assert.equal(config.measure.every, 10);
  assert.equal(config.measure.exact, true);
  assert.deepEqual(config.surface?.directions, [{ kind: 'S', index: 2 }, { kind: 'random' }]);
  assert.equal(compileExperiment(one('experiment e { data circle {} }')).measure.every, undefined);
});

test('compileExperiment compiles targets and refuses an unexpanded sweep', () => {
  const e = one('experiment e {\n  data gaussian { dim = 3; target = x1 * x3 }\n  sweep { seed = [1, 2] }\n}\n');
  assert.throws(() => compileExperiment(e), /still has a sweep/);
  const config = compileExperiment(expandSweeps(e)[1]);
  assert.equal(config.seed, 2);
  assert.equal(config.data.source, 'gaussian');
  if (config.data.source === 'gaussian') assert.equal(config.data.target.evaluate({ x1: 2, x2: 5, x3: 4 }), 8);
});

test('csv data: the folder the path is confined to, the columns, and the points loaded by the caller', () => {
  const e = one('experiment c {\n  data csv "sub/d.csv" { target = y; features = [b, a] }\n}\n', '/home/u/exp/run.ntkexp');
  assert.equal(e.data.source, 'csv');
  assert.equal(e.data.path, 'sub/d.csv');
  assert.equal(e.dataFolder, '/home/u/exp');
  assert.equal(one('experiment c {\n  data csv "d.csv" { target = y }\n}\n').dataFolder, undefined, 'no file path, no folder');
  assert.throws(() => compileExperiment(e), /load its rows first with withCsvLoaded/);
  const loaded = withCsvLoaded(e, 'a,b,y\n1,2,3\n4,5,6\n');
  assert.equal(loaded.dataFolder, undefined, 'the rows replace the file');
  assert.deepEqual(compileExperiment(loaded).data, { source: 'points', inputs: [[2, 1], [5, 4]], targets: [[3], [6]], normalize: true, noise: 0 });
  assert.deepEqual(JSON.parse(JSON.stringify(loaded)), loaded);
});

test("sgd's batch against a csv file's rows, known only once it is read: refused with the numbers and what to do", () => {
  const e = one('experiment c {\n  data csv "d.csv" { target = y }\n  train { optimizer = sgd; batch_size = 3 }\n}\n', '/home/u/exp/run.ntkexp');
  assert.throws(() => compileExperiment(withCsvLoaded(e, 'a,y\n1,2\n3,4\n')), /train\.batch_size = 3 is larger than the training set \(2 samples\): use at most 2, or `optimizer = gd`/);
  assert.equal(compileExperiment(withCsvLoaded(e, 'a,y\n1,2\n3,4\n5,6\n')).train.batchSize, 3);
});

test('csv values whose squares overflow are refused with the file, line, column and what to do; the largest usable ones work', () => {
  const name = 'csv file d.csv';
  const refused = (text: string, target: string | string[] = 'y'): string => {
    try {
      csvToPoints(parseCsv(text, name), { target }, name);
    } catch (e) {
      assert.ok(e instanceof CsvError);
      return e.message;
    }
    return assert.fail(`accepted ${JSON.stringify(text)}`);
  };
  // One value too large to square, as a feature or as a target, of either sign.
  assert.match(refused('a,b,y\n1,2,3\n1e308,1,2\n'), /^csv file d\.csv, line 3, column 1 \(`a`\): `1e308` is too large: the squares of the 2 input values .* rescale the column/);
  assert.match(refused('a,y\n1,2\n3,-1e200\n'), /^csv file d\.csv, line 3, column 2 \(`y`\): `-1e200` is too large: the squares of all 2 target values/);
  // Each square finite, their sum not: 3 × (1.2e154)² > Number.MAX_VALUE.
  assert.match(refused('a,b,c,y\n1.2e154,1.2e154,1.2e154,1\n'), /line 2, column 1 \(`a`\): `1.2e154` is too large/);
  assert.match(refused('a,y1,y2\n1,1.2e154,1\n2,1.2e154,1\n', ['y1', 'y2']), /line 2, column 2 \(`y1`\)/);
  // Kept: empty cells and non-numbers have their own messages.
  assert.match(refused('a,y\n,1\n'), /line 2: column `a` holds ``, expected a number/);
  assert.match(refused('a,y\n1e999,1\n'), /line 2: column `a` holds `1e999`, expected a number/);
  // The largest usable values normalize to finite, nonzero rows and have a finite sum of squared targets.
  const big = largestMagnitude(3);
  const { inputs, targets } = csvToPoints(parseCsv(`a,b,c,y\n${big},${-big},${big},${largestMagnitude(1)}\n`), { target: 'y' });
  const normalized = normalizeRows(Float64Array.from(inputs.flat()), 3);
  assert.ok(normalized.every((v) => Number.isFinite(v) && Math.abs(v) > 0.5), String(normalized));
  assert.ok(Number.isFinite(targets[0][0] ** 2));
});

test('parseCsv: quotes, doubled quotes, embedded commas and newlines, CRLF, a BOM, blank lines', () => {
  const t = parseCsv('\ufeffname,"x, y",z\r\n"a ""b""",1,"2\n3"\r\n\r\nc,4,5\r\n');
  assert.deepEqual(t.header, ['name', 'x, y', 'z']);
  assert.deepEqual(t.rows, [
    ['a "b"', '1', '2\n3'],
    ['c', '4', '5'],
  ]);
  assert.deepEqual(t.lines, [2, 5]);
});

test('csv errors name the file, the line and what was expected', () => {
  assert.throws(() => parseCsv(''), CsvError);
  assert.throws(() => parseCsv('a,b\n1\n'), /line 2: 1 fields but the header has 2 columns/);
  assert.throws(() => parseCsv('a,a\n1,2\n'), /column `a` appears twice/);
  assert.throws(() => parseCsv('a,b\n"1,2\n'), /not closed/);
  const t = parseCsv('a,b,y\n1,x,3\n');
  assert.throws(() => csvToPoints(t, { target: 'y' }), /line 2: column `b` holds `x`, expected a number/);
  assert.throws(() => csvToPoints(t, { target: 'z' }), /no column `z`.*a, b, y/);
  assert.deepEqual(csvToPoints(parseCsv('a,y1,y2\n1,2,3\n'), { target: ['y1', 'y2'] }), { inputs: [[1]], targets: [[2, 3]] });
});
