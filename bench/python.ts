/**
 * Python references for the bench (NumPy's matmul, PyTorch's H·v), run as child processes in the same
 * bench run. Nothing here is a dependency of the product: a missing interpreter or module becomes a
 * record that says so, never a failure.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** Interpreters tried in order: pyenv's (NumPy with OpenBLAS) first, then Debian's (where python3-torch installs). */
const CANDIDATES = ['/root/.pyenv/shims/python3', 'python3', '/usr/bin/python3'];

export const SCRIPTS = path.join(__dirname, '..', 'scripts');

/** The first interpreter that imports `module`, or why none does. */
export function findPython(module: string): { python: string } | { missing: string } {
  const tried: string[] = [];
  for (const python of CANDIDATES) {
    const r = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return { python };
    tried.push(`${python}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`);
  }
  return { missing: `no python3 imports ${module} (${tried.join('; ')})` };
}

/** Run a script of scripts/ and parse the JSON object it prints last. */
export function runPythonJson(python: string, script: string, args: string[], env: NodeJS.ProcessEnv = {}): Record<string, unknown> {
  const r = spawnSync(python, [path.join(SCRIPTS, script), ...args], { encoding: 'utf8', timeout: 30 * 60_000, env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as Record<string, unknown>;
}
