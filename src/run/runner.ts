import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendName } from '../engine/backend';
import { PARENT_PID_ENV } from './protocol';
import { isEngineEnvelope, type EngineMessage, type TrialTask } from '../contracts/engineMessages';

/**
 * The parent side of the process model (DESIGN.md): trials run in forked engine processes, never in
 * the caller's, so a crash or an out-of-memory kills a trial, not the CLI or the editor. Tasks (one
 * trial each) go to a pool of `workers` processes (by default as many as cores), a new task to whichever
 * is free; results are keyed by trial, so they do not depend on scheduling.
 *
 * Cancel is a message first and a kill after a grace period. A worker that dies with a task in hand
 * (a signal, an exit, out of memory) fails that task with the reason and the tail of its stderr; the
 * pool then starts no new task, and the ones in flight finish.
 *
 * Engines never outlive the process that forked them: the pool kills them when that process exits (a
 * second Ctrl-C, process.exit), and each engine watches its parent from a thread of its own
 * (parentWatchdog.js), which covers a parent killed by SIGKILL while the engine is deep in a long
 * computation that cannot hear the IPC channel close.
 */
export interface EngineEntry {
  readonly path: string;
  readonly execArgv: readonly string[];
}

export interface PoolOptions {
  readonly workers: number;
  /** Threads each engine's products may use (NTKEXP_THREADS in its environment). */
  readonly threads?: number;
  readonly backend?: BackendName;
  readonly onMessage: (message: EngineMessage) => void;
  /** Lines of worker stderr, for a log. */
  readonly onStderr?: (line: string) => void;
  /** How long a cancelled worker may take to stop by itself (default 3 s). */
  readonly graceMs?: number;
  readonly entry?: EngineEntry;
}

export interface TaskOutcome {
  readonly task: TrialTask;
  readonly status: 'finished' | 'failed' | 'cancelled';
  readonly message?: string;
  readonly stderr?: string;
}

const STDERR_TAIL_LINES = 40;

/** The engine to fork: the bundle beside this file, or the TypeScript source through tsx when running from source. */
export function defaultEngineEntry(): EngineEntry {
  if (__filename.endsWith('.ts')) {
    return { path: path.join(__dirname, 'engineMain.ts'), execArgv: ['--import', 'tsx'] };
  }
  const bundled = path.join(__dirname, 'engine.js');
  if (!fs.existsSync(bundled)) throw new Error(`the engine bundle ${bundled} is missing: run \`npm run build\``);
  return { path: bundled, execArgv: [] };
}

interface Worker {
  readonly child: ChildProcess;
  task?: TrialTask;
  readonly stderrTail: string[];
  exited: boolean;
}

export class EnginePool {
  private readonly workers: Worker[] = [];
  /** Tasks not yet started: queue[next …] (an index, not shift(): shift moves the whole array each time). */
  private readonly queue: TrialTask[] = [];
  private next = 0;
  private readonly outcomes = new Map<TrialTask, TaskOutcome>();
  private total = 0;
  private cancelling = false;
  private crashed = false;
  private resolveAll: (() => void) | undefined;
  private rejectAll: ((error: unknown) => void) | undefined;
  /** A listener's exception (a bug): the pool stops and `run` rejects with it. */
  private fault: { readonly error: unknown } | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private readonly entry: EngineEntry;
  /** Kills the engines when this process exits (registered while the pool runs). */
  private readonly killOnExit = (): void => this.kill();

  constructor(private readonly options: PoolOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`workers must be an integer ≥ 1, got ${options.workers}`);
    this.entry = options.entry ?? defaultEngineEntry();
  }

  /** Run every task; resolves with one outcome per task, in the order given. */
  run(tasks: readonly TrialTask[]): Promise<TaskOutcome[]> {
    if (this.resolveAll) throw new Error('this pool is already running');
    // One by one, not push(...tasks): a spread of many tasks overflows the stack.
    for (const task of tasks) this.queue.push(task);
    this.total = tasks.length;
    return new Promise((resolve, reject) => {
      this.resolveAll = () => resolve(tasks.map((t) => this.outcomes.get(t) as TaskOutcome));
      this.rejectAll = reject;
      if (tasks.length === 0) return this.finish();
      process.on('exit', this.killOnExit);
      const n = Math.min(this.options.workers, tasks.length);
      for (let i = 0; i < n; i++) this.dispatch(this.spawn());
    });
  }

  /** Stop: no new task starts, running ones are asked to stop, and killed after the grace period. */
  cancel(): void {
    if (this.cancelling) return;
    this.cancelling = true;
    for (const task of this.takeQueued()) this.settle({ task, status: 'cancelled', message: 'not started' });
    for (const w of this.workers) if (w.task && !w.exited) w.child.send({ type: 'cancel' });
    this.killTimer = setTimeout(() => {
      for (const w of this.workers) if (!w.exited) w.child.kill('SIGKILL');
    }, this.options.graceMs ?? 3000);
    this.maybeFinish();
  }

  /** Kill every engine now (the process is about to exit): no grace, no message. */
  kill(): void {
    this.cancelling = true;
    for (const task of this.takeQueued()) this.settle({ task, status: 'cancelled', message: 'not started' });
    for (const w of this.workers) if (!w.exited) w.child.kill('SIGKILL');
  }

  /** The engines' process ids (for tests that kill one). */
  get pids(): number[] {
    return this.workers.filter((w) => !w.exited && w.child.pid !== undefined).map((w) => w.child.pid as number);
  }

  private spawn(): Worker {
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1', [PARENT_PID_ENV]: String(process.pid) };
    if (this.options.backend) env.NTKEXP_BACKEND = this.options.backend;
    if (this.options.threads !== undefined) env.NTKEXP_THREADS = String(this.options.threads);
    const child = fork(this.entry.path, [], {
      execArgv: [...this.entry.execArgv],
      env,
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const worker: Worker = { child, stderrTail: [], exited: false };
    this.workers.push(worker);
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        worker.stderrTail.push(line);
        if (worker.stderrTail.length > STDERR_TAIL_LINES) worker.stderrTail.shift();
        this.options.onStderr?.(line);
      }
    };
    child.stderr?.on('data', keep);
    child.stdout?.on('data', keep);
    child.on('message', (message: unknown) => this.receive(worker, message));
    child.on('exit', (code, signal) => this.exited(worker, code, signal));
    child.on('error', (error) => keep(Buffer.from(`engine process error: ${error.message}`)));
    return worker;
  }

  private receive(worker: Worker, message: unknown): void {
    if (!isEngineEnvelope(message)) {
      this.options.onStderr?.(`ignored a malformed engine message: ${JSON.stringify(message)?.slice(0, 200)}`);
      return;
    }
    if (!this.deliver(message)) return;
    const task = worker.task;
    if (!task || message.trial !== task.trial || (message.run ?? task.run) !== task.run) return;
    if (message.type === 'finished' || message.type === 'failed' || message.type === 'cancelled') {
      worker.task = undefined;
      this.settle({ task, status: message.type, message: message.type === 'failed' ? message.message : undefined });
      this.dispatch(worker);
    }
  }

  private exited(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    worker.exited = true;
    const task = worker.task;
    worker.task = undefined;
    if (task) {
      const stderr = worker.stderrTail.join('\n');
      if (this.cancelling) {
        this.settle({ task, status: 'cancelled', message: 'stopped by cancel', stderr });
        // Killed after the grace period, deep in a computation: the step it reached is not known.
        this.deliver({ type: 'cancelled', run: task.run, trial: task.trial });
      } else {
        this.crashed = true;
        const message = crashMessage(code, signal);
        this.settle({ task, status: 'failed', message, stderr });
        this.deliver({ type: 'failed', run: task.run, trial: task.trial, message, stderr });
        // A crash is likely to repeat (memory): start nothing new, let the running trials finish.
        for (const t of this.takeQueued()) this.settle({ task: t, status: 'cancelled', message: 'not started: an engine process crashed' });
      }
    }
    this.maybeFinish();
  }

  /** Pass a message to the listener; false when the listener threw (a bug: the pool stops, `run` rejects). */
  private deliver(message: EngineMessage): boolean {
    try {
      this.options.onMessage(message);
      return true;
    } catch (error) {
      this.fault ??= { error };
      this.kill();
      return false;
    }
  }

  private dispatch(worker: Worker): void {
    if (worker.exited) return;
    const task = this.cancelling || this.crashed || this.next >= this.queue.length ? undefined : this.queue[this.next++];
    if (!task) {
      worker.child.send({ type: 'exit' });
      this.maybeFinish();
      return;
    }
    worker.task = task;
    worker.child.send(task);
  }

  /** Every task not yet started, removed from the queue. */
  private takeQueued(): TrialTask[] {
    const rest = this.queue.slice(this.next);
    this.next = this.queue.length;
    return rest;
  }

  private settle(outcome: TaskOutcome): void {
    if (!this.outcomes.has(outcome.task)) this.outcomes.set(outcome.task, outcome);
  }

  private maybeFinish(): void {
    if (this.outcomes.size === this.total && this.workers.every((w) => !w.task)) this.finish();
  }

  private finish(): void {
    if (this.killTimer) clearTimeout(this.killTimer);
    process.off('exit', this.killOnExit);
    for (const w of this.workers) if (!w.exited && w.child.connected) w.child.send({ type: 'exit' });
    const resolve = this.resolveAll;
    const reject = this.rejectAll;
    this.resolveAll = () => undefined;
    this.rejectAll = () => undefined;
    if (this.fault) reject?.(this.fault.error);
    else resolve?.();
  }
}

function crashMessage(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal === 'SIGKILL') return 'the engine process was killed (SIGKILL: often the system running out of memory); try fewer workers, a smaller width or fewer probes';
  if (signal) return `the engine process was stopped by ${signal}`;
  if (code === 134 || code === 137) return `the engine process ran out of memory (exit ${code}); try fewer workers, a smaller width or fewer probes`;
  return `the engine process exited unexpectedly with code ${code}`;
}
