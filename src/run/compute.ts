import type { ComputeInfo as RunCompute } from '../contracts/engineMessages';

/**
 * The product a run's engines computed with (computePath in src/engine/backend), as run.json keeps it.
 * Engines of one run normally agree; when they do not (one failed the native product's start-up check,
 * shards ran on different machines), the run says so: the distinct paths and summaries joined with '+'
 * and ' + ', the smallest thread count.
 */

export function combineCompute(parts: readonly (RunCompute | undefined)[]): RunCompute | undefined {
  const known = parts.filter((p): p is RunCompute => p !== undefined);
  if (!known.length) return undefined;
  const distinct = (key: 'path' | 'summary'): string[] => [...new Set(known.map((p) => p[key]))];
  return { path: distinct('path').join('+'), threads: Math.min(...known.map((p) => p.threads)), summary: distinct('summary').join(' + ') };
}
