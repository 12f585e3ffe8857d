import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIGURES, parseSets, report, validate } from '../../scripts/validate/index';
import { finishedRun, loadExample, surfaces } from '../../scripts/validate/figures';
import { readFileSync } from 'node:fs';

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
  // Beyond the paper (issue 18): the per-layer Figure 1 and the catapult ran with their targets.
  for (const id of ['per-layer', 'edge-of-stability']) assert.ok((results.find((r) => r.id === id)?.checks.length ?? 0) >= 3, `${id} ran`);
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

test('--reuse reads finished runs back instead of running them again, only when the settings are the same', { timeout: 10 * 60 * 1000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-validate-reuse-'));
  const [first] = await validate('quick', ['ntk-drift'], dir, undefined, () => undefined);
  const started = Date.now();
  const [again] = await validate('quick', ['ntk-drift'], dir, undefined, () => undefined, {}, true);
  const seconds = (Date.now() - started) / 1000;
  assert.match(again.settings, /re-rendered with `--reuse` from 4 finished runs made earlier/);
  assert.deepEqual(again.checks, first.checks, 'the same runs give the same figures');
  assert.ok(seconds < first.seconds / 2, `re-rendering took ${seconds.toFixed(1)} s against ${first.seconds.toFixed(1)} s for the runs`);
  // another setting, or another text of the example, is never taken for the stored run
  const file = join(__dirname, '..', '..', 'examples', 'fig1-smooth-relu.ntkexp');
  const stored = join(dir, 'ntk-drift', 'fig1-smooth-relu', 'width=100');
  const settings = { 'data.samples': 64, 'data.size': 7, 'train.steps': 100, 'settings.trials': 2, 'measure.points': 2, 'measure.probes': 2, 'measure.top': 0, 'network.width': 100 };
  assert.ok(finishedRun(stored, readFileSync(file, 'utf8'), loadExample('fig1-smooth-relu.ntkexp', settings)[0]), 'the stored run matches its own settings');
  assert.equal(finishedRun(stored, readFileSync(file, 'utf8'), loadExample('fig1-smooth-relu.ntkexp', { ...settings, 'network.width': 101 })[0]), undefined);
  assert.equal(finishedRun(stored, `${readFileSync(file, 'utf8')}\n# edited\n`, loadExample('fig1-smooth-relu.ntkexp', settings)[0]), undefined);
});
