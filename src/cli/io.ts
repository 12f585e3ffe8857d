import { readFileSync, realpathSync, writeFileSync } from 'node:fs';

/** What the verbs do to the outside world, so that a test can run them in memory. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** A file's text; `-` is standard input. Throws a Node error (ENOENT, EISDIR, …) on failure. */
  readonly readFile: (path: string) => string;
  readonly writeFile: (path: string, text: string) => void;
  /** Canonical path, or undefined if it does not exist. */
  readonly realpath: (path: string) => string | undefined;
  /** Whether stdout is a terminal (a live progress line makes sense). */
  readonly isTTY?: boolean;
  /**
   * Call `handler` on Ctrl-C (SIGINT) or SIGTERM instead of dying; a second one calls `force` (to stop
   * what must not outlive the process) and exits at once with 130. Returns the unsubscribe.
   */
  readonly onInterrupt: (handler: () => void, force?: () => void) => () => void;
  /** Columns of the terminal, for the progress line. */
  readonly columns?: () => number;
}

export const nodeIO: CliIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readFile: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
  writeFile: (path, text) => writeFileSync(path, text, 'utf8'),
  realpath: (path) => {
    try {
      return realpathSync.native(path);
    } catch {
      return undefined;
    }
  },
  isTTY: process.stdout.isTTY === true,
  columns: () => process.stderr.columns ?? 100,
  onInterrupt: (handler, force) => {
    let count = 0;
    const listener = (): void => {
      count++;
      if (count > 1) {
        force?.();
        process.exit(130);
      }
      handler();
    };
    process.on('SIGINT', listener);
    process.on('SIGTERM', listener);
    return () => {
      process.off('SIGINT', listener);
      process.off('SIGTERM', listener);
    };
  },
};

/** "cannot read FILE: no such file" from a Node error. */
export function describeIOError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return e instanceof Error ? e.message : String(error);
  }
}
