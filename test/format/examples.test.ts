import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, expandSweeps, parse, resolve, withCsvLoaded } from '../../src/format/index';
import { compileExperiment } from '../../src/run/compile';
import { docExamples, exampleFiles } from './helpers';

test('NTKEXP.md has at least one ntkexp example', () => {
  assert.ok(docExamples().length >= 1);
});

for (const ex of docExamples()) {
  test(`${ex.name}: parses without syntax errors and checks without errors`, () => {
    assert.deepEqual(parse(ex.text).diagnostics, []);
    const diagnostics = check(ex.text);
    assert.deepEqual(
      diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    // The complete example defines `swish` and `logcosh` to show the syntax without using them: the
    // only diagnostics allowed are those two unused-definition warnings.
    for (const d of diagnostics) assert.equal(d.code, 'unused-definition', d.message);
  });
}

for (const ex of exampleFiles()) {
  test(`${ex.name}: checks with no diagnostic at all`, () => {
    assert.deepEqual(check(ex.text, { path: ex.path }), []);
  });

  test(`${ex.name}: resolves, expands and compiles to engine configs`, () => {
    const { experiments, diagnostics } = resolve(ex.text, { path: ex.path });
    assert.deepEqual(diagnostics, []);
    assert.ok(experiments.length >= 1);
    for (const exp of experiments) {
      // JSON-serializable: a round trip through JSON changes nothing.
      assert.deepEqual(JSON.parse(JSON.stringify(exp)), exp);
      for (const point of expandSweeps(exp)) {
        const loaded = point.data.source === 'csv' ? withCsvLoaded(point, readFileSync(join(String(point.dataFolder), String(point.data.path)), 'utf8')) : point;
        const config = compileExperiment(loaded);
        assert.equal(config.name, point.name);
        assert.equal(config.network.widths.length, config.network.depth - 1);
        assert.equal(config.network.activation.scalar.length, 4);
      }
    }
  });
}

test("the complete examples of NTKEXP.md and docs/FORMAT.md expand into their six sweep points, named by their settings", () => {
  const expected: Record<string, string> = { 'NTKEXP.md': 'normalized_smooth_relu', 'FORMAT.md': 'swish' };
  for (const [page, second] of Object.entries(expected)) {
    const ex = docExamples().find((e) => e.name.startsWith(page));
    assert.ok(ex, page);
    const [fig1] = resolve(ex.text).experiments;
    const names = expandSweeps(fig1).map((p) => p.name);
    assert.deepEqual(
      names,
      [250, 500, 1000].flatMap((w) => [`fig1[width=${w},activation=smooth_relu]`, `fig1[width=${w},activation=${second}]`]),
      page,
    );
  }
});
