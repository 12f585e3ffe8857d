#!/usr/bin/env node
// `npm run lint:cycles` (part of `npm test`): fails on any import cycle among the project's modules,
// type-only imports included (a cycle of types is still two modules that cannot be read one after the
// other). The graph comes from the TypeScript compiler's own module resolution over every file the
// project's tsconfig files include; each cycle is printed as the chain of files that closes it.
import ts from 'typescript';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function program(tsconfig) {
  const config = ts.readConfigFile(tsconfig, ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(tsconfig));
  return { files: parsed.fileNames, options: parsed.options };
}

/** file → the project files it imports (import, export … from, import(), import type), resolved. */
export function importGraph(tsconfigs) {
  const graph = new Map();
  for (const tsconfig of tsconfigs) {
    const { files, options } = program(tsconfig);
    const host = ts.createCompilerHost(options);
    for (const file of files) {
      if (file.includes('/node_modules/') || graph.has(file)) continue;
      const info = ts.preProcessFile(ts.sys.readFile(file) ?? '', true, true);
      const targets = new Set();
      for (const ref of info.importedFiles) {
        const resolved = ts.resolveModuleName(ref.fileName, file, options, host).resolvedModule;
        if (!resolved || resolved.isExternalLibraryImport || resolved.resolvedFileName.includes('/node_modules/')) continue;
        targets.add(resolved.resolvedFileName);
      }
      graph.set(file, targets);
    }
  }
  return graph;
}

/** The strongly connected components with more than one file (or a file importing itself): Tarjan. */
export function cycles(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const idx = new Map();
  const low = new Map();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.has(v)) out.push(scc);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** One chain that closes the cycle through `scc`'s first file (breadth-first within the component). */
function chain(graph, scc) {
  const members = new Set(scc);
  const start = scc[0];
  const prev = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [w];
        for (let u = v; u !== null; u = prev.get(u)) path.push(u);
        return path.reverse();
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return scc;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const graph = importGraph([join(root, 'tsconfig.json'), join(root, 'webview', 'tsconfig.json')]);
  const found = cycles(graph);
  if (found.length === 0) {
    console.log(`import cycles: none among ${graph.size} modules`);
  } else {
    console.error(`import cycles: ${found.length}`);
    for (const scc of found) console.error(`  ${chain(graph, scc).map((f) => relative(root, f)).join(' → ')}`);
    process.exit(1);
  }
}
