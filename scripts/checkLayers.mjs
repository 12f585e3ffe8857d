#!/usr/bin/env node
// `npm run lint:layers` (part of `npm test`): the project's folders depend on each other in one
// direction only. Contracts and the catalogue at the bottom (they import nothing of the project), the
// analysis above the contracts, the engine and the format beside each other (neither knows the other),
// the run layer above both, the CLI and the extension on top; the webview, a browser program, reaches
// only the contracts and the analysis. Type-only imports count (the graph is checkCycles.mjs's). Each
// import that breaks the rule is printed with the rule it breaks.
import { join, relative } from 'node:path';
import { importGraph } from './checkCycles.mjs';

const root = new URL('..', import.meta.url).pathname;

/** Each layer and the layers it may import (besides itself). */
export const ALLOWED = {
  contracts: [],
  catalogue: [],
  analysis: ['contracts'],
  engine: ['contracts', 'catalogue'],
  format: ['contracts', 'catalogue'],
  run: ['contracts', 'catalogue', 'analysis', 'engine', 'format'],
  cli: ['contracts', 'catalogue', 'analysis', 'engine', 'format', 'run'],
  extension: ['contracts', 'catalogue', 'analysis', 'engine', 'format', 'run'],
  webview: ['contracts', 'analysis'],
};

/** The layer of a project file (src/<layer>/… or webview/…), or undefined for tests, bench and scripts. */
export function layerOf(file) {
  const r = relative(root, file);
  if (r.startsWith('webview/')) return 'webview';
  const m = /^src\/([^/]+)\//.exec(r);
  return m ? m[1] : undefined;
}

/** Every import from one layer into another that ALLOWED does not list: [from, to, rule]. */
export function violations(graph) {
  const out = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file);
    if (!from) continue;
    for (const target of targets) {
      const to = layerOf(target);
      if (to === undefined || to === from) {
        // A layer's file importing outside src/ (package.json for the version) is not a layer's dependency.
        continue;
      }
      const allowed = ALLOWED[from];
      if (!allowed) out.push([file, target, `${from} is not a known layer (add it to scripts/checkLayers.mjs)`]);
      else if (!allowed.includes(to)) out.push([file, target, `${from} may import ${allowed.join(', ') || 'nothing of the project'}`]);
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const graph = importGraph([join(root, 'tsconfig.json'), join(root, 'webview', 'tsconfig.json')]);
  const found = violations(graph);
  if (found.length === 0) {
    console.log(`layers: every import points down (${Object.keys(ALLOWED).join(', ')})`);
  } else {
    console.error(`layers: ${found.length} import${found.length === 1 ? '' : 's'} against the direction`);
    for (const [file, target, rule] of found) console.error(`  ${relative(root, file)} → ${relative(root, target)}: ${rule}`);
    process.exit(1);
  }
}
