import { readFileSync, writeFileSync } from 'node:fs';
import { readRegularFile } from '../run/confine';
import { FileRefused, errnoText } from '../run/regularFile';

/** What the verbs do to the outside world, so that a test can run them in memory. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** A file's text; `-` is standard input. Throws FileRefused (not a regular file, over the size limit, missing, …) on failure. */
  readonly readFile: (path: string) => string;
  readonly writeFile: (path: string, text: string) => void;
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
  // Never blocks: a FIFO or a device named as FILE is refused, not waited on.
  readFile: (path) => (path === '-' ? readFileSync(0, 'utf8') : readRegularFile(path)),
  writeFile: (path, text) => writeFileSync(path, text, 'utf8'),
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
      // Once stopping, stay listening until the process exits: a second Ctrl-C while the run winds down
      // (the tables, the report) still means "quit at once, with 130", never a death by signal.
      if (count > 0) return;
      process.off('SIGINT', listener);
      process.off('SIGTERM', listener);
    };
  },
};

/** "cannot read FILE: it does not exist" from a refusal or a Node error. */
export function describeIOError(error: unknown): string {
  return `it ${error instanceof FileRefused ? error.problem.message : errnoText(error)}`;
}
