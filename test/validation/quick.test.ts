import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIGURES, parseSets, report, validate } from '../../scripts/validate/index';
import { surfaces } from '../../scripts/validate/figures';

// `npm run validate -- --quick` inside the test suite: the paper's figures at reduced size, each target
// as stated in its section of the report (quick mode's targets are looser than full mode's and say so).

test('quick validation: every figure meets its stated quick-mode targets', { timeout: 20 * 60 * 1000 }, async (t) => {
  const results = await validate('quick', Object.keys(FIGURES), mkdtempSync(join(tmpdir(), 'ntkexp-validate-')), undefined, (m) => t.diagnostic(m));
  const text = report(results, 'quick');
  assert.match(text, /^# Validation/);
  // Figure 2 also reports its ratios against the width (quick mode: 100 and 250), each with a number.
  const fig2 = results.find((r) => r.id === 'fig2');
  assert.ok(fig2, 'fig2 ran');
  assert.match(fig2.body, /log-log slopes over these widths: ‖IS‖_F\/\(‖I‖_F‖S‖_F\) -?\d/);
  assert.match(fig2.body, /\n\| 100 \| \d[^\n]*\n\| 250 \| \d/);
  for (const r of results) {
    for (const c of r.checks) {
      t.diagnostic(`${r.id}: ${c.name}: ${c.passed ? 'met' : 'MISSED'} — ${c.detail}`);
      assert.ok(c.passed, `${r.id}: ${c.name}: ${c.detail}`);
    }
  }
});

test('--set: values read as JSON or words, malformed ones refused with an example', () => {
  assert.deepEqual(parseSets(['--only', 'fig1', '--set', 'measure.points=6', '--set', 'sweep.width=[125,250]', '--set', 'network.activation=tanh']), {
    'measure.points': 6,
    'sweep.width': [125, 250],
    'network.activation': 'tanh',
  });
  assert.throws(() => parseSets(['--set', 'points=6']), /expected block\.key=value, e\.g\. --set measure\.points=6/);
});

test('--set overrides reach the run and are printed in the report; an unknown setting is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-validate-set-'));
  const [fig3] = await validate('quick', ['fig3'], dir, undefined, () => undefined, { 'surface.grid': 9 });
  assert.match(fig3.command, /^npm run validate -- --quick --set surface\.grid=9$/);
  assert.match(fig3.settings, /surface\.grid = 9/);
  assert.doesNotMatch(fig3.settings, /surface\.grid = 11/);
  for (const activation of ['smooth_relu', 'normalized_smooth_relu']) {
    const [surface] = surfaces(join(dir, 'fig3', `activation=${activation}`));
    assert.equal(surface.x.length, 9, `${activation}: the surface was computed on the overridden 9 × 9 grid`);
  }
  await assert.rejects(validate('quick', ['fig3'], dir, undefined, () => undefined, { 'surface.gird': 9 }), /override surface\.gird: no such setting/);
});
