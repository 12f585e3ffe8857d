import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Helpers shared by the format tests (not a test file itself). */
export const ROOT = join(__dirname, '..', '..');
export const NTKEXP_DOC = '/work/shared/docs/NTKEXP.md';
/** The repository's own format reference (users' page; its tables are generated from the schema). */
export const FORMAT_DOC = join(__dirname, '..', '..', 'docs', 'FORMAT.md');

/** The ```ntkexp blocks of NTKEXP.md, read at test time so the doc and the tests cannot drift apart. */
/** The ```ntkexp examples of the format's pages: docs/FORMAT.md and the design contract NTKEXP.md. */
export function docExamples(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const file of [FORMAT_DOC, NTKEXP_DOC]) {
    const doc = readFileSync(file, 'utf8');
    const re = /```ntkexp\n([\s\S]*?)```/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(doc)) !== null) {
      const line = doc.slice(0, m.index).split('\n').length;
      out.push({ name: `${basename(file)} line ${line}`, text: m[1] });
    }
  }
  return out;
}

export function exampleFiles(): { name: string; path: string; text: string }[] {
  const dir = join(ROOT, 'examples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ntkexp'))
    .sort()
    .map((f) => ({ name: `examples/${f}`, path: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
}

export const BROKEN_DIR = join(__dirname, 'fixtures', 'broken');

export interface Expectation {
  readonly line: number;
  readonly column: number;
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly fragment: string;
  readonly suggestion?: string;
}

/** `# expect LINE:COL SEVERITY CODE "message fragment" [=> suggestion]` lines at the end of a fixture. */
export function brokenFixtures(): { name: string; path: string; text: string; expected: Expectation[] }[] {
  return readdirSync(BROKEN_DIR)
    .filter((f) => f.endsWith('.ntkexp'))
    .sort()
    .map((f) => {
      const path = join(BROKEN_DIR, f);
      const text = readFileSync(path, 'utf8');
      const expected: Expectation[] = [];
      for (const line of text.split('\n')) {
        const m = /^# expect (\d+):(\d+) (error|warning) ([\w-]+) "(.*?)"(?: => (.*))?$/.exec(line);
        if (m) {
          expected.push({
            line: Number(m[1]),
            column: Number(m[2]),
            severity: m[3] as 'error' | 'warning',
            code: m[4],
            fragment: m[5],
            ...(m[6] !== undefined ? { suggestion: m[6] } : {}),
          });
        }
      }
      return { name: f, path, text, expected };
    });
}

/** Every valid .ntkexp text the tests know: the doc's examples and examples/. */
export function validTexts(): { name: string; text: string }[] {
  return [...docExamples(), ...exampleFiles()];
}
