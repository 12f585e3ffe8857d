/** scripts/checkCycles.mjs finds cycles, type-only ones included, and names no cycle where there is none. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cycles, importGraph } from '../../scripts/checkCycles.mjs';

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ntkexp-cycles-'));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs', moduleResolution: 'node' }, include: ['*.ts'] }));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

test('a cycle through a type-only import is found, with every file in it; a chain without one is not', () => {
  const dir = project({
    'a.ts': "import { b } from './b';\nexport const a = () => b;\n",
    'b.ts': "import type { C } from './c';\nexport const b: C | 1 = 1;\n",
    'c.ts': "import { a } from './a';\nexport type C = ReturnType<typeof a>;\n",
    'd.ts': "import { a } from './a';\nexport const d = a;\n",
  });
  const found = cycles(importGraph([path.join(dir, 'tsconfig.json')])).map((scc: string[]) => scc.map((f) => path.basename(f)).sort());
  assert.deepEqual(found, [['a.ts', 'b.ts', 'c.ts']]);
  const acyclic = project({ 'a.ts': "import { b } from './b';\nexport const a = b;\n", 'b.ts': 'export const b = 1;\n' });
  assert.deepEqual(cycles(importGraph([path.join(acyclic, 'tsconfig.json')])), []);
});
