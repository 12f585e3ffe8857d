import { execFile } from 'node:child_process';
import * as path from 'node:path';
import type * as vscode from 'vscode';

/**
 * The command line in a child process, for the commands that compute (Show Theory, Plan Run): the
 * extension host never computes, and a cancel kills the child (whose engines end with it).
 */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly cancelled: boolean;
}

/** `ntkexp ARGS` in a child process (the extension host never computes); a cancel kills it. */
export function runCli(args: readonly string[], token?: vscode.CancellationToken): Promise<CliResult> {
  const { entry, execArgv } = cliEntry();
  return new Promise((resolve) => {
    let cancelled = false;
    const child = execFile(
      process.execPath,
      [...execArgv, entry, ...args],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        cancellation?.dispose();
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, cancelled });
      },
    );
    const cancellation = token?.onCancellationRequested(() => {
      cancelled = true;
      child.kill();
    });
  });
}

/** The CLI's first line of error, without its `ntkexp VERB: ` prefix. */
export function firstLine(result: CliResult, verb: string): string {
  const line = result.stderr.split('\n').find((l) => l.trim()) ?? `exit ${result.code}`;
  const prefix = `ntkexp ${verb}: `;
  return line.startsWith(prefix) ? line.slice(prefix.length) : line;
}

/** The CLI to spawn: the bundle beside this one, or the TypeScript sources through tsx. */
function cliEntry(): { entry: string; execArgv: string[] } {
  if (__filename.endsWith('.ts')) return { entry: path.join(__dirname, '..', '..', 'cli', 'main.ts'), execArgv: ['--import', 'tsx', '-e', 'require(process.argv[1]).main(process.argv.slice(2)).then((c) => process.exit(c))'] };
  const bundled = path.join(__dirname, 'cli.js');
  return { entry: bundled, execArgv: ['-e', 'require(process.argv[1]).main(process.argv.slice(2)).then((c) => process.exit(c))'] };
}

