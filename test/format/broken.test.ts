import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIAGNOSTIC_CODES } from '../../src/format/index';
import { checkOptionsForFile } from '../../src/run/confine';
import { diagnoseFile } from '../../src/run/diagnose';
import { brokenFixtures } from './helpers';

/**
 * The corpus of broken files: each fixture ends with `# expect` lines giving every diagnostic it must
 * produce (line, column, severity, code, a fragment of the message, the suggested replacement), and it
 * must produce nothing else. They are checked as `ntkexp check FILE` checks them (the format's diagnostics,
 * csv files on disk included, and the run's limits), on a machine with memory and disk to spare, so the
 * limits that show are the ones no machine lifts.
 */
const machine = { availableMemoryMb: 1e9, freeDiskBytes: 1e18 };
const fixtures = brokenFixtures();

test('the corpus has at least 25 broken files, each with expectations', () => {
  assert.ok(fixtures.length >= 25, `${fixtures.length} fixtures`);
  for (const f of fixtures) assert.ok(f.expected.length > 0, `${f.name} has no # expect line`);
});

test('the corpus covers every diagnostic code', () => {
  const covered = new Set(fixtures.flatMap((f) => f.expected.map((e) => e.code)));
  for (const code of Object.keys(DIAGNOSTIC_CODES)) assert.ok(covered.has(code), `no fixture expects \`${code}\``);
});

for (const f of fixtures) {
  test(`broken/${f.name}`, () => {
    const actual = diagnoseFile(f.text, { ...checkOptionsForFile(f.path), machine }).map((d) => ({
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      severity: d.severity,
      code: d.code,
      message: d.message,
      suggestion: d.suggestion,
    }));
    const unmatched = [...actual];
    for (const e of f.expected) {
      const i = unmatched.findIndex(
        (a) => a.line === e.line && a.column === e.column && a.severity === e.severity && a.code === e.code && a.message.includes(e.fragment),
      );
      assert.ok(i >= 0, `missing ${e.line}:${e.column} ${e.severity} ${e.code} "${e.fragment}"\nactual:\n${actual.map((a) => `  ${a.line}:${a.column} ${a.code} ${a.message}`).join('\n')}`);
      assert.equal(unmatched[i].suggestion, e.suggestion, `suggestion of ${e.line}:${e.column} ${e.code}`);
      unmatched.splice(i, 1);
    }
    assert.deepEqual(unmatched, [], 'unexpected diagnostics');
    // Every message names what was expected or what to do.
    for (const a of actual) assert.match(a.message, /expect|need|must|should|write|remove|use|add|give|choose|put|rename|merge|did you mean|go |instead|raise|is built in|ignored|missing|twice|no block is open|takes|belongs|call it|is not a setting/i, a.message);
  });
}
