/**
 * Whole runs through `ExperimentRun`, as `ntkexp run` and the editor start them (forked engine
 * processes, the parent only routing and writing):
 *
 *  - multi_trial: the same 4-trial experiment with 1 engine on every core and with 2 engines on one
 *    core each (workers × threads 1×2 against 2×1); speedup = t(1) / t(2).
 *  - event_loop: the parent's event-loop delay (perf_hooks.monitorEventLoopDelay) while engines stream
 *    a measurement every training step of a tiny network, from the first message to the last trial's end.
 *  - memory: the peak resident size (VmHWM) of the engine process that measures the Figure-1 network.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { expandSweeps, resolve } from '../src/format/index';
import { ExperimentRun, type RunEvents, type RunOutcome } from '../src/run/runExperiment';
import { threadsPerEngine } from '../src/run/limits';
import { round2, type BenchRecord, type Benchmark } from './common';

/** Run an .ntkexp text through ExperimentRun in a fresh temporary folder (removed afterwards). */
async function runExperiment(text: string, workers: number, events: RunEvents = {}): Promise<{ outcome: RunOutcome; ms: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ntkexp-bench-run-'));
  try {
    const file = path.join(dir, 'bench.ntkexp');
    fs.writeFileSync(file, text);
    const resolved = resolve(text, { path: file });
    if (resolved.experiments.length === 0) throw new Error(`bench experiment does not check: ${resolved.diagnostics.map((d) => d.message).join('; ')}`);
    const run = new ExperimentRun({ file, text, experiments: expandSweeps(resolved.experiments[0]), out: path.join(dir, 'out'), workers }, events);
    const t0 = performance.now();
    const outcome = await run.start();
    const ms = performance.now() - t0;
    if (outcome.status !== 'finished') throw new Error(`bench run ${outcome.status}: ${outcome.runs.map((r) => r.info.error ?? '').join('; ')}`);
    return { outcome, ms };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const load1 = (): number => round2(os.loadavg()[0]);

/** Four trials of a moderate network (P ≈ 150 k), each ~10–20 s on one core: mostly training and measuring, little start-up. */
const MULTI_TRIAL = `experiment multi {
  seed = 3
  trials = 4
  data mnist { samples = 128; size = 14; target = parity }
  network { depth = 3; width = 300; activation = smooth_relu }
  train { learning_rate = 1.0; steps = 150 }
  measure { points = 4; moments = 4; probes = 16; top = 5; orthogonality = false; theory = false }
}
`;

export const multiTrial: Benchmark = {
  name: 'multi_trial',
  async run({ log }) {
    const loadBefore = load1();
    // Each trial's own time (its engine's elapsed_ms): with two engines at once a trial may run slower
    // than alone (the cores share caches and memory bandwidth); the sum over trials tells by how much.
    const trialSeconds = (into: number[]): RunEvents => ({
      onMessage(message) {
        if (message.type === 'finished') into.push(message.elapsed_ms / 1000);
      },
    });
    const alone: number[] = [];
    const together: number[] = [];
    const one = await runExperiment(MULTI_TRIAL, 1, trialSeconds(alone));
    log(`multi_trial: 1 worker ${(one.ms / 1000).toFixed(1)} s`);
    const two = await runExperiment(MULTI_TRIAL, 2, trialSeconds(together));
    log(`multi_trial: 2 workers ${(two.ms / 1000).toFixed(1)} s`);
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    return [
      {
        name: 'multi_trial',
        ms: two.ms,
        // Workers × threads per engine: the plan gives each engine the cores left to it (run/limits.ts).
        layouts: `1×${threadsPerEngine(undefined, 1)} against 2×${threadsPerEngine(undefined, 2)}`,
        ms_1_worker: one.ms,
        speedup: one.ms / two.ms,
        trial_s_1_worker: alone.map(round2),
        trial_s_2_workers: together.map(round2),
        // > 1: a trial is that much slower when both cores work; 2 / this bounds the speedup.
        per_trial_slowdown: round2(sum(together) / sum(alone)),
        trials: 4,
        parameters: one.outcome.estimate.parameters,
        load_before: loadBefore,
        load_after: load1(),
        cores: os.availableParallelism(),
      },
    ];
  },
};

/** A tiny network measured at every one of 1500 steps: the engine streams as fast as it can. */
const STREAM = (trials: number): string => `experiment stream {
  seed = 4
  trials = ${trials}
  data circle { samples = 16; target = sin(2 * gamma) }
  network { depth = 2; width = 32; activation = tanh }
  train { learning_rate = 0.5; steps = 1500 }
  measure { every = 1; moments = 4; probes = 4; top = 2; orthogonality = false; theory = false; exact = false }
}
`;

/** Event-loop delay of this (the parent) process while `trials` engines stream. */
async function streamDelay(trials: number): Promise<Record<string, number>> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let messages = 0;
  let bytes = 0;
  let finished = 0;
  let t0 = 0;
  let streamMs = 0;
  await runExperiment(STREAM(trials), trials, {
    onMessage(message) {
      if (messages++ === 0) {
        histogram.enable();
        t0 = performance.now();
      }
      // What a consumer does with each message: the CLI's --json prints it, the editor posts it to a panel.
      bytes += JSON.stringify(message).length;
      if (message.type === 'finished' && ++finished === trials) {
        histogram.disable();
        streamMs = performance.now() - t0;
      }
    },
  });
  const ms = (ns: number): number => round2(ns / 1e6);
  return {
    p50_ms: ms(histogram.percentile(50)),
    p99_ms: ms(histogram.percentile(99)),
    max_ms: ms(histogram.max),
    messages,
    messages_per_s: Math.round((messages / streamMs) * 1000),
    mb_per_s: round2(bytes / 1e6 / (streamMs / 1000)),
    stream_ms: Math.round(streamMs),
  };
}

export const eventLoop: Benchmark = {
  name: 'event_loop',
  async run({ log }) {
    // One engine (the headline: "an engine streams"), then one per core as the CLI and editor default.
    const one = await streamDelay(1);
    log(`event_loop: one engine p99 ${one.p99_ms} ms`);
    const two = await streamDelay(2);
    log(`event_loop: two engines p99 ${two.p99_ms} ms`);
    const record: BenchRecord = { name: 'event_loop', ms: one.stream_ms, ...one, two_engines: two, resolution_ms: 1 };
    return [record];
  },
};

/** One measurement of the Figure-1 network with everything on (density, orthogonality, theory). */
const FIGURE1_MEASUREMENT = `experiment memory {
  seed = 1
  trials = 1
  data mnist { samples = 256; size = 14; target = parity }
  network { depth = 3; width = 1000; activation = smooth_relu; beta = 0.1 }
  train { learning_rate = 1.0; steps = 1 }
  measure { points = 2; moments = 4; probes = 30; top = 20; density = 50; orthogonality = true; theory = true }
}
`;

/** VmHWM (peak resident set) of a live process, MB; undefined once it has exited. */
function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const memory: Benchmark = {
  name: 'memory',
  async run() {
    let pid: number | undefined;
    let peak = 0;
    let measurements = 0;
    // The engine stays alive until the pool tells it to exit, after its `finished` message: read the
    // high-water mark then (and after each measurement, in case the process were gone by the end).
    const read = (): void => {
      const mb = pid === undefined ? undefined : peakRssMb(pid);
      if (mb !== undefined) peak = Math.max(peak, mb);
    };
    const { outcome, ms } = await runExperiment(FIGURE1_MEASUREMENT, 1, {
      onMessage(message) {
        if (message.type === 'started') pid = message.pid;
        if (message.type === 'measurement') measurements++;
        if (message.type === 'measurement' || message.type === 'finished') read();
      },
    });
    return [
      {
        name: 'memory',
        ms,
        peak_mb: Math.round(peak),
        measurements,
        parameters: outcome.estimate.parameters,
        estimate_mb: Math.round(outcome.estimate.memoryMb),
        what: 'VmHWM of the engine process: Figure-1 network, two full measurements (top 20, probes 30, density 50, orthogonality, theory)',
      },
    ];
  },
};
