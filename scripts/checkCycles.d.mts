/** Types of checkCycles.mjs. */
export function importGraph(tsconfigs: readonly string[]): Map<string, Set<string>>;
export function cycles(graph: Map<string, Set<string>>): string[][];
