/**
 * The engine process: forked by the runner (runner.ts), it trains and measures trials and reports
 * everything as `EngineMessage`s over IPC. It takes one task at a time ({type: 'trial'}), hears
 * {type: 'cancel'} between training steps, and exits on {type: 'exit'} or when its parent goes away:
 * at once when the IPC channel closes, and within a second from any phase through its watchdog thread
 * (parentWatchdog.js), which hears a dead parent while this thread is deep in synchronous work.
 * Everything that can fail inside a trial becomes a `failed` message a person can act on; only a crash
 * of the process itself (out of memory, a signal) is left to the runner to report.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { computePath, initBackend } from '../engine/backend';
import type { ExperimentConfig } from '../engine/config';
import type { Dataset } from '../engine/data/dataset';
import { networkSpec } from '../engine/network/spec';
import type { InfiniteWidthKernels } from '../engine/theory';
import { NonFiniteError } from '../engine/nonFinite';
import { overflowError } from '../engine/train/overflow';
import { TrialError } from '../engine/train/trialError';
import { runTrial } from '../engine/train/trial';
import { type ResolvedExperiment } from '../format/index';
import { compileExperiment } from './compile';
import { datasetFor, kernelsFor } from './prepare';
import { theoryAbsence } from '../contracts/optimizers';
import { paramsFile } from './params';
import { PARENT_PID_ENV } from './protocol';
import type { Written } from '../contracts/checks';
import { isEngineCommand, type EngineMessage, type TrialTask } from '../contracts/engineMessages';

interface Prepared {
  readonly config: ExperimentConfig;
  readonly data: Dataset;
  readonly kernels?: InfiniteWidthKernels;
}

let cancelled = false;
const queue: TrialTask[] = [];
let busy = false;
/** Compiled experiments, data and kernels by the resolved experiment's JSON: trials of one experiment share them. */
const prepared = new Map<string, Prepared>();

function send(message: Written<EngineMessage>): void {
  process.send?.(message);
}

process.on('message', (message: unknown) => {
  if (!isEngineCommand(message)) {
    send({ type: 'log', trial: 0, level: 'error', message: `engine: ignored a malformed command ${JSON.stringify(message)?.slice(0, 200)}` });
    return;
  }
  if (message.type === 'cancel') cancelled = true;
  else if (message.type === 'exit') process.exit(0);
  else {
    queue.push(message);
    void pump();
  }
});
// The parent went away (the editor closed, a kill): nothing to report to, stop.
process.on('disconnect', () => process.exit(0));
// Stopping is the parent's to decide. A terminal's Ctrl-C reaches the whole process group, and a
// scheduler's cancel (Slurm's scancel, a pod's termination) every process of the job: an engine that
// died of it would race the parent's own handler, and its trial would read "crashed" instead of
// "cancelled". The parent hears the same signal and sends {type: 'cancel'}, then kills after a grace
// period; if the parent itself is gone, the disconnect above and the watchdog end the engine.
process.on('SIGTERM', () => undefined);
process.on('SIGINT', () => undefined);

/** How often the watchdog looks for the parent. */
const WATCH_INTERVAL_MS = 500;

/**
 * Start the watchdog thread (parentWatchdog.js, beside this file in the sources and in the bundle). It is
 * unref'ed: it never keeps the process alive by itself.
 */
function watchParent(): void {
  const parentPid = Number(process.env[PARENT_PID_ENV]) || process.ppid;
  const watchdog = new Worker(path.join(__dirname, 'parentWatchdog.js'), { workerData: { parentPid, intervalMs: WATCH_INTERVAL_MS } });
  // The runner keeps an engine's stderr (its log, and a crash report's tail).
  watchdog.on('error', (error) => process.stderr.write(`engine: the parent watchdog stopped (${error.message}); this engine may outlive a killed parent\n`));
  watchdog.unref();
}

async function pump(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    while (queue.length > 0) await runTask(queue.shift() as TrialTask);
  } finally {
    busy = false;
  }
}

function prepare(resolved: ResolvedExperiment): Prepared {
  const key = JSON.stringify(resolved);
  let p = prepared.get(key);
  if (!p) {
    // Check once, read once: the parent read and checked the data, and the task carries its rows. An
    // engine never opens a path it is given, so a file swapped after the check cannot reach a trial.
    if (resolved.data.source === 'csv') {
      throw new Error(`the task names the csv file ${String(resolved.data.path)} instead of carrying its rows, and engines read no file; this is a bug, please report it`);
    }
    const config = compileExperiment(resolved);
    const data = datasetFor(config);
    // The kernels only where a theory line will use them (contracts/optimizers.ts: gradient descent).
    p = { config, data, kernels: config.measure.theory && theoryAbsence(config.train.optimizer) === undefined ? theoryKernels(config, data) : undefined };
    prepared.set(key, p);
  }
  return p;
}

/** The kernels every trial's theory shares; an overflow in their quadrature is named as the theory's (step 0). */
function theoryKernels(config: ExperimentConfig, data: Dataset): InfiniteWidthKernels {
  try {
    return kernelsFor(config, data);
  } catch (error) {
    if (error instanceof NonFiniteError) throw overflowError(error, { config, data, phase: 'theory', step: 0 });
    throw error;
  }
}

async function runTask(task: TrialTask): Promise<void> {
  const origin = { run: task.run, trial: task.trial };
  if (cancelled) {
    send({ ...origin, type: 'cancelled', step: 0 });
    return;
  }
  const started = performance.now();
  try {
    const backend = await initBackend();
    const compute = computePath(backend);
    const preparing = performance.now();
    const { config, data, kernels } = prepare(task.experiment as ResolvedExperiment);
    const prepareMs = performance.now() - preparing;
    const spec = networkSpec(config.network, data.inputDim, data.outputDim);
    const P = spec.widths.slice(0, -1).reduce((s, n, l) => s + n * spec.widths[l + 1] + spec.widths[l + 1], 0);
    send({ ...origin, type: 'started', backend: backend.name, compute, pid: process.pid, parameters: P, samples: data.N, outputs: data.outputDim });
    const result = await runTrial(
      config,
      data,
      task.trial,
      {
        onProgress: (p) =>
          send({ ...origin, type: 'progress', step: p.step, steps: p.steps, loss: p.loss, measurements: p.measurements, measurements_total: p.measurementsTotal, elapsed_ms: p.elapsedMs }),
        onMeasurement: (r) => send({ ...r, ...origin }),
        onSurface: (r) => send({ ...r, ...origin }),
        onTheory: (lines) => send({ ...origin, type: 'theory', lines }),
        onLog: (message) => send({ ...origin, type: 'log', level: 'warning', message }),
        checkpoint: async () => {
          // Let IPC messages (a cancel) in between steps.
          await new Promise((resolve) => setImmediate(resolve));
          return cancelled;
        },
      },
      { kernels, backend: backend.name, path: compute.path, keepParameters: task.saveParams, measureOnce: task.measureOnce === true },
    );
    for (const [which, values] of [['initial', result.initialParameters], ['final', result.finalParameters]] as const) {
      if (values) send({ ...origin, type: 'params', which, content: paramsFile(spec, config.loss.name, config.loss.formula, values, data) });
    }
    if (result.status === 'cancelled') send({ ...origin, type: 'cancelled', step: result.stepsDone });
    else {
      const t = result.timings;
      send({
        ...origin,
        type: 'finished',
        steps: result.stepsDone,
        loss: result.finalLoss,
        elapsed_ms: performance.now() - started,
        timings: { prepare_ms: prepareMs, training_ms: t.trainingMs, measurements_ms: t.measurementsMs, theory_ms: t.theoryMs, surface_ms: t.surfaceMs },
        // ru_maxrss is in kB on Linux and macOS.
        max_rss_mb: process.resourceUsage().maxRSS / 1024,
      });
    }
  } catch (error) {
    if (error instanceof TrialError) {
      // Divergence, overflow: a reason in the user's terms, no stack.
      send({ ...origin, type: 'failed', message: error.message, step: error.step });
    } else {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof Error && error.stack) send({ ...origin, type: 'log', level: 'error', message: error.stack });
      send({ ...origin, type: 'failed', message });
    }
  }
}

if (!process.send) {
  process.stderr.write('the ntkexp engine runs as a child process of the runner (ntkexp run, or the editor); it has no command line of its own\n');
  process.exit(2);
}
watchParent();
