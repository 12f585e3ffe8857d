import type { Worker } from 'node:worker_threads';

/** Emscripten's pthread bookkeeping (library_pthread.js), the part the threaded wasm build's start uses. */
export interface PThreadApi {
  unusedWorkers: Worker[];
  runningWorkers: Worker[];
  allocateUnusedWorker(): void;
  loadWasmModuleToWorker(worker: Worker, onFinishedLoading: (worker: Worker) => void): void;
  terminateAllThreads(): void;
}

/**
 * Where the build's failures go. While something waits on the build (the start-up, new idle workers),
 * a pthread worker's error or exit, an abort or a failed instantiation rejects that wait. Otherwise a
 * worker's error is thrown on the main thread, as Emscripten's own handler does (a dead pthread would
 * leave the kernels waiting for it forever). Once a start-up is abandoned, its workers' later errors
 * and exits are expected and ignored, as are the exits of the spare workers ended on purpose.
 */
export class Failures {
  private current: ((error: Error) => void) | undefined;
  private abandoned = false;
  private readonly guarded = new WeakSet<Worker>();
  private readonly ended = new WeakSet<Worker>();

  /** A promise that rejects with the first failure reported until `stop()`. */
  watch(): { readonly failed: Promise<never>; stop(): void } {
    let reject: (error: Error) => void = () => undefined;
    const failed = new Promise<never>((_, r) => (reject = r));
    failed.catch(() => undefined);
    this.current = reject;
    return { failed, stop: () => (this.current = undefined) };
  }

  waiting(): boolean {
    return this.current !== undefined;
  }

  report(error: unknown): void {
    this.current?.(error instanceof Error ? error : new Error(String(error)));
  }

  /** The start-up failed: nothing of this build is reported any more. */
  abandon(): void {
    this.abandoned = true;
    this.current = undefined;
  }

  /** End a worker on purpose (its exit is not a failure). */
  end(worker: Worker): void {
    this.ended.add(worker);
    void worker.terminate();
  }

  /**
   * Route the errors of every worker of `pthread`: those made already, and each one Emscripten loads
   * later (it attaches its rethrowing handler as it loads a worker; this replaces it).
   */
  attach(pthread: PThreadApi): void {
    for (const worker of pthread.unusedWorkers) this.guard(worker);
    const load = pthread.loadWasmModuleToWorker;
    pthread.loadWasmModuleToWorker = (worker, onFinishedLoading) => {
      load(worker, onFinishedLoading);
      this.guard(worker);
    };
  }

  private guard(worker: Worker): void {
    worker.removeAllListeners('error');
    worker.on('error', (error: unknown) => {
      if (this.abandoned) return;
      if (!this.current) throw error;
      this.report(new Error(`a pthread worker failed: ${error instanceof Error ? error.message : String(error)}`));
    });
    if (this.guarded.has(worker)) return;
    this.guarded.add(worker);
    worker.on('exit', (code: number) => {
      if (!this.ended.has(worker)) this.report(new Error(`a pthread worker exited with code ${code}`));
    });
  }
}
