/**
 * scripts/checkLayers.mjs: every import between the project's folders points down (contracts and the
 * catalogue at the bottom, the engine and the format beside each other, the run layer above both, the
 * CLI and the extension on top, the webview on the contracts and the analysis only). The rule fails on
 * each kind of import against it, and the project itself has none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { importGraph } from '../../scripts/checkCycles.mjs';
import { ALLOWED, layerOf, violations } from '../../scripts/checkLayers.mjs';

const ROOT = path.join(__dirname, '..', '..');
const at = (f: string) => path.join(ROOT, f);

test('each import against the direction is named with its rule; imports that point down pass', () => {
  const graph = new Map<string, Set<string>>([
    [at('src/format/compile.ts'), new Set([at('src/engine/config.ts'), at('src/contracts/experimentKeys.ts')])],
    [at('src/engine/config.ts'), new Set([at('src/format/schema.ts'), at('src/catalogue/activation.ts')])],
    [at('src/contracts/checks.ts'), new Set([at('src/analysis/fit.ts')])],
    [at('src/catalogue/losses.ts'), new Set([at('src/contracts/checks.ts')])],
    [at('webview/model/runModel.ts'), new Set([at('src/run/summary.ts'), at('src/analysis/meanField.ts')])],
    [at('src/run/plan.ts'), new Set([at('src/cli/main.ts'), at('src/engine/config.ts'), at('src/format/index.ts')])],
    [at('src/newlayer/x.ts'), new Set([at('src/contracts/checks.ts')])],
    [at('test/run/x.test.ts'), new Set([at('src/cli/main.ts')])],
  ]);
  const found = violations(graph).map(([from, to, rule]) => `${path.relative(ROOT, from)} → ${path.relative(ROOT, to)}: ${rule}`);
  assert.deepEqual(found, [
    'src/format/compile.ts → src/engine/config.ts: format may import contracts, catalogue',
    'src/engine/config.ts → src/format/schema.ts: engine may import contracts, catalogue',
    'src/contracts/checks.ts → src/analysis/fit.ts: contracts may import nothing of the project',
    'src/catalogue/losses.ts → src/contracts/checks.ts: catalogue may import nothing of the project',
    'webview/model/runModel.ts → src/run/summary.ts: webview may import contracts, analysis',
    'src/run/plan.ts → src/cli/main.ts: run may import contracts, catalogue, analysis, engine, format',
    'src/newlayer/x.ts → src/contracts/checks.ts: newlayer is not a known layer (add it to scripts/checkLayers.mjs)',
  ]);
  assert.equal(layerOf(at('test/run/x.test.ts')), undefined, 'tests, bench and scripts are not layers');
});

test('the project: every src folder is a known layer, and no import points up or sideways', () => {
  const graph = importGraph([at('tsconfig.json'), at('webview/tsconfig.json')]);
  const layers = new Set([...graph.keys()].map(layerOf).filter((l): l is string => l !== undefined));
  for (const l of layers) assert.ok(l in ALLOWED, `${l} has no rule`);
  assert.ok(layers.has('format') && layers.has('engine') && layers.has('webview'));
  assert.deepEqual(violations(graph), []);
});
