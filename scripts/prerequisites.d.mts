/** Types of prerequisites.mjs (plain JavaScript: scripts/test.mjs runs it before tsx is involved). */
export type Found = { path: string; problem?: undefined } | { path?: undefined; problem: string };
export function onPath(names: readonly string[], env?: NodeJS.ProcessEnv): string | undefined;
export function findChromium(env?: NodeJS.ProcessEnv): Found;
export function ensurePrerequisites(): NodeJS.ProcessEnv;
