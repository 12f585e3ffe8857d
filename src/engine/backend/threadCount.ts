import * as os from 'node:os';

/**
 * How many threads one engine process's kernels use: the caller's count, else NTKEXP_THREADS, else the
 * cores this process may use (os.availableParallelism(), which honours CPU affinity). One rule for the
 * wasm backend (wasmThreads.ts) and for whoever splits the cores between processes.
 */

/** The environment variable that sets the threads (a positive integer; 1 = the single-threaded build). */
export const THREADS_ENV = 'NTKEXP_THREADS';

/** How many threads were asked for, and by whom (for the reason when it is one). */
export interface ThreadsRequest {
  readonly threads: number;
  readonly origin: 'option' | 'environment' | 'cores' | 'native';
}

/** The thread count: the option, else NTKEXP_THREADS, else the cores this process may use. Throws on a malformed count. */
export function requestedThreads(option?: number): ThreadsRequest {
  if (option !== undefined) return { threads: checkedCount(option, 'threads'), origin: 'option' };
  const env = environmentThreads();
  if (env !== undefined) return { threads: env, origin: 'environment' };
  return { threads: os.availableParallelism?.() ?? os.cpus().length, origin: 'cores' };
}

/** NTKEXP_THREADS when it is set (a run's plan takes it as `--threads`); throws on a malformed count. */
export function environmentThreads(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env[THREADS_ENV];
  return value !== undefined && value.trim() !== '' ? checkedCount(Number(value.trim()), `${THREADS_ENV}='${value}'`) : undefined;
}

/** `n` when it is a thread count (an integer ≥ 1); else an error naming `what`. */
export function checkedCount(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what}: expected an integer ≥ 1 (1 = the single-threaded build), got ${n}`);
  return n;
}

/** Why one thread, by who asked for it. */
export const ONE_THREAD_BECAUSE: Record<ThreadsRequest['origin'], string> = {
  option: 'one thread requested',
  environment: `${THREADS_ENV}=1`,
  cores: 'this process may use one core',
  native: 'the native product has the threads (the wasm pool\'s workers would contend with the BLAS\'s; measured: the Figure-1 gradient 23 ms with one pool, 30 ms with both, the quickstart 9.7 s against 10.7 s)',
};
