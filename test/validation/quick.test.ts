import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIGURES, report, validate } from '../../scripts/validate/index';

// `npm run validate -- --quick` inside the test suite: the paper's figures at reduced size, each target
// as stated in its section of the report (quick mode's targets are looser than full mode's and say so).

test('quick validation: every figure meets its stated quick-mode targets', { timeout: 20 * 60 * 1000 }, async (t) => {
  const results = await validate('quick', Object.keys(FIGURES), mkdtempSync(join(tmpdir(), 'ntkexp-validate-')), undefined, (m) => t.diagnostic(m));
  const text = report(results, 'quick');
  assert.match(text, /^# Validation/);
  for (const r of results) {
    for (const c of r.checks) {
      t.diagnostic(`${r.id}: ${c.name}: ${c.passed ? 'met' : 'MISSED'} — ${c.detail}`);
      assert.ok(c.passed, `${r.id}: ${c.name}: ${c.detail}`);
    }
  }
});
