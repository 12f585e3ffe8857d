import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The repository, and the `ntkexp` command as users run it (from the sources: NTKEXP_FROM_SOURCE=1, the engines fork from the sources too). */
export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'ntkexp.js');
export const CLI_ENV = { ...process.env, NTKEXP_FROM_SOURCE: '1' };

export interface CliResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node bin/ntkexp.js ARGS` in a child process; `timeout` kills it (a test of something that must not block). */
export function ntkexp(args: readonly string[], options: { input?: string; timeout?: number; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...CLI_ENV, ...options.env }, input: options.input, timeout: options.timeout });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
