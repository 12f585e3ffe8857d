/** Types of checkLayers.mjs. */
export const ALLOWED: Readonly<Record<string, readonly string[]>>;
export function layerOf(file: string): string | undefined;
export function violations(graph: Map<string, Set<string>>): [string, string, string][];
