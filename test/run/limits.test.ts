import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { expandSweeps, resolve } from '../../src/format/index';
import { NOMINAL_RATES, type CostRates } from '../../src/run/costRates';
import { estimateRun, type Phase, type RunEstimate } from '../../src/run/estimate';
import { LIMITS, freeDiskBytes, machineProblems, sizeProblems, sweepProblem, theoryProblems, threadsPerEngine, type Machine } from '../../src/run/limits';
import { RunRefused, planRun } from '../../src/run/plan';
import { ExperimentRun } from '../../src/run/runExperiment';
import { runSize, type RunSize } from '../../src/run/runSize';
import { tempDir } from './helpers';

// The estimate counts every phase from the run's sizes; the limits refuse what cannot be held, fit or
// finish, naming the phase, the figure, the limit and what to lower. No engine runs in this file.

const wasm = NOMINAL_RATES.wasm;
const roomy: Machine = { availableMemoryMb: 1e9, freeDiskBytes: 1e18, workers: 1, maxSeconds: Infinity };

/** An experiment with the given blocks' settings over a small default. */
function experiment(over: { experiment?: string; data?: string; network?: string; train?: string; measure?: string; extra?: string } = {}): string {
  return `experiment e {
  ${over.experiment ?? ''}
  data ${over.data ?? 'circle { samples = 16 }'}
  network { ${over.network ?? 'depth = 3; width = 64'} }
  train { ${over.train ?? 'steps = 100'} }
  measure { ${over.measure ?? 'points = 5; probes = 8; top = 4; theory = true'} }
  ${over.extra ?? ''}
}
`;
}

function sizeOf(text: string): RunSize {
  const r = resolve(text);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], text);
  return runSize(expandSweeps(r.experiments[0])[0]);
}

function estimate(text: string, rates: CostRates = wasm): RunEstimate {
  return estimateRun(sizeOf(text), rates);
}

const phase = (e: RunEstimate, name: Phase) => e.phases.find((p) => p.phase === name)!;

test('every phase is in the estimate with its figure and what lowers it; the trial is their sum', () => {
  const e = estimate(experiment({ extra: 'surface { grid = 21 }' }));
  assert.deepEqual(
    e.phases.map((p) => p.phase),
    ['training', 'measurements', 'surface', 'theory', 'records'],
  );
  for (const p of e.phases) {
    assert.ok(p.figure.length > 0 && p.lower.length > 0, p.phase);
    if (p.phase === 'records') assert.ok(p.bytes! > 0);
    else assert.ok(p.seconds > 0, `${p.phase}: ${p.seconds}`);
  }
  assert.equal(e.trialSeconds, e.phases.reduce((s, p) => s + p.seconds, 0));
  assert.ok(e.onceSeconds > 0, 'the kernels, once per engine');
  assert.match(phase(e, 'training').figure, /^100 steps × /);
  assert.match(phase(e, 'measurements').figure, /^5 measurements × .* operator applications, Θ̂ of size 16\)$/);
  assert.match(phase(e, 'surface').figure, /^441 loss evaluations \(grid 21²\)$/);
  assert.ok(e.memoryMb > 250 && e.breakdown.length >= 5);
});

test('every size enters the cost it drives: depth (1000 layers is minutes, not 0 s), width, samples, steps, measurements, probes, grid, theory', () => {
  // Large enough that the products, not the fixed cost per op, dominate the passes.
  const start = { data: 'circle { samples = 128 }', network: 'depth = 3; width = 256', extra: 'surface { grid = 11 }' };
  const base = estimate(experiment(start));
  const grows = (over: Parameters<typeof experiment>[0], name: Phase, factor: number): void => {
    const e = estimate(experiment({ ...start, ...over }));
    const [a, b] = [phase(base, name), phase(e, name)];
    const [x, y] = name === 'records' ? [a.bytes!, b.bytes!] : [a.seconds + (a.onceSeconds ?? 0), b.seconds + (b.onceSeconds ?? 0)];
    assert.ok(y > factor * x, `${JSON.stringify(over)}: ${name} ${x} → ${y}`);
  };
  grows({ network: 'depth = 30; width = 256' }, 'training', 5);
  grows({ network: 'depth = 30; width = 256' }, 'measurements', 5);
  grows({ network: 'depth = 3; width = 1024' }, 'training', 4);
  grows({ network: 'depth = 3; width = 1024' }, 'measurements', 4);
  grows({ data: 'circle { samples = 1024 }' }, 'training', 4);
  grows({ data: 'circle { samples = 1024 }' }, 'theory', 50);
  grows({ data: 'circle { samples = 1024 }' }, 'records', 4);
  grows({ train: 'steps = 1000' }, 'training', 9);
  grows({ measure: 'points = 50; probes = 8; top = 4; theory = true' }, 'measurements', 9);
  grows({ measure: 'points = 50; probes = 8; top = 4; theory = true' }, 'records', 4);
  grows({ measure: 'points = 5; probes = 80; top = 4; theory = true' }, 'measurements', 1.5);
  grows({ measure: 'points = 5; probes = 8; top = 40; theory = true' }, 'measurements', 1.5);
  grows({ extra: 'surface { grid = 101 }' }, 'surface', 50);
  grows({ extra: 'surface { grid = 101 }' }, 'records', 2);
  assert.equal(phase(estimate(experiment({ measure: 'points = 5; theory = false' })), 'theory').seconds, 0);

  const tiny = { data: 'circle { samples = 8 }', train: 'steps = 2', measure: 'points = 2; probes = 2; top = 1' };
  const deep = estimate(experiment({ ...tiny, network: 'depth = 1000; width = 8' }));
  assert.ok(deep.trialSeconds > 60, `depth 1000: ${deep.trialSeconds} s`);
  const shallow = estimate(experiment({ ...tiny, network: 'depth = 2; width = 8' }));
  assert.ok(deep.trialSeconds > 100 * shallow.trialSeconds);
});

test('the rates are inputs: each kind of work scales the phases it drives, per backend', () => {
  const text = experiment({ data: 'circle { samples = 128; normalize = false }', network: 'depth = 3; width = 256', extra: 'surface { grid = 11 }' });
  const base = estimate(text);
  const slower = (change: Partial<CostRates>) => estimate(text, { ...wasm, ...change });
  assert.ok(phase(slower({ passGflops: wasm.passGflops / 10 }), 'training').seconds > 3 * phase(base, 'training').seconds);
  assert.ok(phase(slower({ opSeconds: wasm.opSeconds * 10 }), 'training').seconds > 2 * phase(base, 'training').seconds);
  assert.ok(phase(slower({ vectorGelems: wasm.vectorGelems / 100 }), 'measurements').seconds > 2 * phase(base, 'measurements').seconds);
  assert.ok(phase(slower({ quadratureNodesPerSecond: wasm.quadratureNodesPerSecond / 10 }), 'theory').onceSeconds! > 5 * phase(base, 'theory').onceSeconds!);
  assert.ok(phase(slower({ denseGflops: wasm.denseGflops / 10 }), 'theory').seconds > 5 * phase(base, 'theory').seconds);
  assert.ok(estimate(text, NOMINAL_RATES.cpu).trialSeconds > estimate(text, NOMINAL_RATES.tensorflow).trialSeconds);
  const exact = experiment({ network: 'depth = 2; width = 16', measure: 'points = 3; exact = true' });
  assert.ok(estimate(exact).exactPath);
  assert.ok(phase(estimate(exact, { ...wasm, denseGflops: wasm.denseGflops / 10 }), 'measurements').seconds > 3 * phase(estimate(exact), 'measurements').seconds);
});

test('sizes beyond what a run holds are refused with the phase, the figure, the limit and the setting to lower', () => {
  const cases: [string, RegExp, string][] = [
    [experiment({ experiment: 'trials = 1000000' }), /^trials: 1000000 trials in one run, more than 10000: lower trials, or split them over runs with --shard I\/N$/, 'trials'],
    [experiment({ train: 'steps = 1000000000', measure: 'every = 1' }), /^measurements: 1000000001 per trial \(every step of 1000000000\), more than 100000: measure less often/, 'every'],
    [experiment({ train: 'steps = 10000000', measure: 'points = 200000' }), /^measurements: 200000 per trial \(10000000 steps\), more than 100000/, 'every'],
    [experiment({ extra: 'surface { grid = 10000 }' }), /^surface: grid = 10000 is 100000000 loss evaluations, more than 1002001 \(grid 1001\): lower grid$/, 'grid'],
    [experiment({ network: 'depth = 20000; width = 4' }), /^network: depth = 20000 layers, more than 10000: lower depth$/, 'depth'],
    [experiment({ measure: 'moments = 100' }), /^measurements: moments = 100, more than 64 .*: lower moments$/, 'moments'],
    [experiment({ network: 'depth = 2; width = 4000', measure: 'exact = true' }), /^measurements: exact = true needs P ≤ 5000 parameters \(this network has 16001\)/, 'exact'],
    [experiment({ data: 'circle { samples = 2000000 }' }), /^records: a measurement record \(Θ̂'s 2000000 eigenvalues\) would be one line of 83\.9 MiB in series\.jsonl, more than 64 MiB: lower samples, density$/, 'samples'],
  ];
  for (const [text, message, setting] of cases) {
    const size = sizeOf(text);
    const problems = sizeProblems(size, estimateRun(size, wasm));
    assert.ok(problems.some((p) => message.test(p.message)), `${message}: ${JSON.stringify(problems.map((p) => p.message))}`);
    assert.equal(problems.find((p) => message.test(p.message))!.settings[0].key, setting);
  }
  assert.deepEqual(sizeProblems(sizeOf(experiment()), estimate(experiment())), [], 'a small run has none');
  // Surface directions beyond the eigenvectors there are: P for H and S, N·nL for I; not judged on a csv file's lower bound.
  const surface = experiment({ network: 'depth = 2; width = 4', measure: 'top = 50', extra: 'surface { directions = [H18, I17] }' });
  assert.deepEqual(
    sizeProblems(sizeOf(surface), estimate(surface)).map((p) => p.message),
    ['surface: direction H18 is eigenvector 18 of H, but H has P = 17 eigenvalues: choose H1…H17, or random', 'surface: direction I17 is eigenvector 17 of I, but I has at most N·nL = 16 nonzero eigenvalues: choose I1…I16, or random'],
  );
  const csv = sizeOf(experiment({ data: 'csv "d.csv" { target = y }', measure: 'top = 50', extra: 'surface { directions = [H18, I17] }' }));
  assert.equal(csv.known, false);
  assert.deepEqual(sizeProblems(csv, estimateRun(csv, wasm)), []);
  const sweep = resolve(experiment({ extra: `sweep { seed = [${Array.from({ length: 101 }, (_, i) => i)}]; width = [${Array.from({ length: 100 }, (_, i) => i + 1)}] }` })).experiments[0];
  assert.match(sweepProblem(sweep)!.message, /^sweep: 10100 combinations \(seed: 101 × width: 100\), more than 10000 in one run: sweep fewer values/);
});

test('the machine: memory, the wasm heap, the free disk and the time limit each refuse with what to lower', () => {
  const size = sizeOf(experiment({ data: 'circle { samples = 64 }', train: 'steps = 1000000' }));
  const point = { size, estimate: estimateRun(size, wasm), trialsRun: 4 };
  assert.deepEqual(machineProblems([point], roomy), []);
  const [memory] = machineProblems([point], { ...roomy, availableMemoryMb: 100, workers: 2 });
  assert.match(memory.message, /^memory: this run needs about \d+ MB \(2 engine processes of \d+ MB, P = \d+\) but about 100 MB are free\. Largest parts: .*\(lower [a-z]+.*\)\. Fewer workers \(--workers 1\) need \d+ MB\.$/);
  const [disk] = machineProblems([point], { ...roomy, freeDiskBytes: 1000, outputDir: '/data/runs' });
  assert.match(disk.message, /^records: the run would write about [\d.]+ [KMG]iB \(4 trials × [\d.]+ [KMG]iB\), but the disk holding \/data\/runs has 1000 bytes free: .*--out$/);
  assert.deepEqual(disk.settings.map((s) => s.key).slice(0, 2), ['every', 'points']);
  const [time] = machineProblems([point], { ...roomy, maxSeconds: 3600 });
  assert.match(time.message, /^time: the run would take about [\d.]+ (h|days|min) \(4 trials on 1 engine\), more than the limit of 60 min; most of it is training: 1000000 steps × .*\. Lower steps, width, samples, depth, or raise the limit with `ntkexp run --max-hours`$/);
  assert.equal(time.settings[0].key, 'steps');
  const twice = machineProblems([point], { ...roomy, maxSeconds: 600, workers: 4 })[0];
  assert.match(twice.message, /4 trials on 4 engines/, 'workers share the trials');
  const wide = sizeOf(experiment({ network: 'depth = 3; width = 14000', train: 'steps = 1' }));
  const heavy = { size: wide, estimate: estimateRun(wide, wasm), trialsRun: 1 };
  assert.match(machineProblems([heavy], { ...roomy, backend: 'wasm' }).map((p) => p.message).join('\n'), /^memory: the tensors of one engine need about \d+ MB .* but the wasm backend holds at most 4096 MB: lower width or samples, or use --backend tensorflow$/m);
  assert.deepEqual(machineProblems([heavy], { ...roomy, backend: 'tensorflow' }), []);
});

test('planRun refuses before anything exists (no data built, no folder, no process), with every size problem at once', async () => {
  const dir = tempDir();
  const file = join(dir, 'e.ntkexp');
  const text = experiment({ experiment: 'trials = 1000000', data: 'circle { samples = 100000000 }', train: 'steps = 1000000000', measure: 'every = 1' });
  writeFileSync(file, text);
  const experiments = resolve(text, { path: file }).experiments;
  assert.throws(
    () => planRun({ experiments, availableMemoryMb: 1e9, freeDiskBytes: 1e18 }),
    (e: unknown) => e instanceof RunRefused && /^the run cannot start:\n  trials: 1000000 trials in one run, more than 10000.*\n  measurements: 1000000001 per trial/s.test(e.message),
  );
  const out = join(dir, 'run');
  await assert.rejects(() => new ExperimentRun({ file, text, experiments, out }).start(), RunRefused);
  assert.equal(existsSync(out), false, 'no run folder');
  assert.equal(existsSync(join(dir, 'ntkexp-runs')), false);
});

test('planRun: the time ceiling is a request setting (--max-hours), the disk is the output folder’s, shards count their own trials', () => {
  const text = experiment({ experiment: 'trials = 10', train: 'steps = 100000' });
  const experiments = resolve(text).experiments;
  const machine = { availableMemoryMb: 1e9, freeDiskBytes: 1e18, workers: 1 };
  const seconds = planRun({ ...machine, experiments, maxHours: 1e6 }).seconds;
  assert.throws(() => planRun({ ...machine, experiments, maxHours: (seconds / 3600) * 0.9 }), (e: unknown) => e instanceof RunRefused && /^time: .*more than the limit of/.test(e.message));
  assert.ok(planRun({ ...machine, experiments, maxHours: (seconds / 3600) * 1.1 }));
  assert.throws(() => planRun({ ...machine, experiments, freeDiskBytes: 10, outputDir: '/somewhere' }), (e: unknown) => e instanceof RunRefused && /^records: .*the disk holding \/somewhere has 10 bytes free/.test(e.message));
  const shard = planRun({ ...machine, experiments, shard: { index: 1, count: 3 } });
  assert.deepEqual(shard.experiments[0].trials, [1, 4, 7]);
  assert.ok(shard.seconds > seconds / 4 && shard.seconds < seconds / 2, `a shard is costed for its own 3 trials of 10: ${shard.seconds} of ${seconds} s`);
  assert.ok(LIMITS.trials >= 10_000 && LIMITS.measurements >= 100_000, 'limits far above ordinary runs');
});

test('ntkexp theory has its own limits from the same estimate: the kernels\' memory and time, depth, the schedule', () => {
  const theoryOf = (text: string, machine = { availableMemoryMb: 8000, maxSeconds: 7 * 86400 }) => {
    const size = sizeOf(text);
    return theoryProblems(size, estimateRun(size, wasm), machine).map((p) => p.message);
  };
  assert.deepEqual(theoryOf(experiment()), []);
  assert.match(theoryOf(experiment({ data: 'mnist { samples = 10000 }' })).join('\n'), /^memory: the theory of N = 10000 points needs about \d+ MB \(the kernels and their N × N tables\) but about 8000 MB are free: lower samples$/m);
  assert.match(theoryOf(experiment({ data: 'mnist { samples = 4000 }' }), { availableMemoryMb: 1e9, maxSeconds: 1 }).join('\n'), /^time: the theory would take about .* \(kernels .* once per engine .*\), more than the limit of 1\.0 s: lower samples$/m);
  assert.match(theoryOf(experiment({ network: 'depth = 100000; width = 2' })).join('\n'), /^network: depth = 100000 layers, more than 10000/m);
  assert.deepEqual(theoryOf(experiment({ experiment: 'trials = 1000000' })), [], 'trials do not concern the theory');
});

test('the disk check measures the disk that will hold the run: a 1 MB tmpfs refuses a run of more records, a roomy one takes it', (t) => {
  const mountPoint = tempDir('ntkexp-smalldisk-');
  if (process.getuid?.() !== 0) {
    t.diagnostic(`not root (uid ${process.getuid?.()}): cannot mount a small tmpfs to check the free-space refusal on a real disk`);
    console.log('limits.test.ts: skipped the tmpfs disk check: it needs root to mount a tmpfs');
    return;
  }
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    console.log(`limits.test.ts: could not mount a tmpfs (${mounted.stderr.trim()}): the disk check on a real disk did not run`);
    return;
  }
  try {
    const out = join(mountPoint, 'runs', 'e-1');
    assert.ok(freeDiskBytes(out)! <= 1_048_576 && freeDiskBytes(out)! > 0, 'statfs of the nearest existing folder');
    const text = experiment({ data: 'circle { samples = 64 }', train: 'steps = 1000', measure: 'every = 1; theory = true' });
    const experiments = resolve(text).experiments;
    assert.throws(
      () => planRun({ experiments, availableMemoryMb: 1e9, maxHours: 1e6, outputDir: out }),
      (e: unknown) => e instanceof RunRefused && new RegExp(`^records: the run would write about [\\d.]+ MiB .*, but the disk holding ${out} has [\\d.]+ [KM]iB free`).test(e.message),
    );
    assert.ok(planRun({ experiments: resolve(experiment()).experiments, availableMemoryMb: 1e9, outputDir: out }), 'a small run fits');
  } finally {
    spawnSync('umount', [mountPoint]);
  }
});

test('threads per engine: the cores left to each engine by default, and engines × threads never above the cores', () => {
  assert.equal(threadsPerEngine(undefined, 1, 2), 2, 'one trial gets both cores');
  assert.equal(threadsPerEngine(undefined, 2, 2), 1);
  assert.equal(threadsPerEngine(undefined, 3, 2), 1, 'more engines than cores (asked for) still get a thread each');
  assert.equal(threadsPerEngine(undefined, 2, 8), 4);
  assert.equal(threadsPerEngine(2, 1, 2), 2);
  const over = threadsPerEngine(2, 2, 2);
  assert.ok(typeof over !== 'number' && /^threads: 2 engines × 2 threads would need 4 cores, but this machine has 2: lower --threads \(at most 1 with 2 engines\) or --workers$/.test(over.message), JSON.stringify(over));
  const experiments = resolve(experiment({ experiment: 'trials = 4' })).experiments;
  const machine = { availableMemoryMb: 1e9, freeDiskBytes: 1e18 };
  assert.throws(() => planRun({ ...machine, experiments, workers: 2, threads: 64 }), (e: unknown) => e instanceof RunRefused && /^threads: 2 engines × 64 threads/.test(e.message));
  assert.equal(planRun({ ...machine, experiments, workers: 1 }).threads, Math.max(1, availableParallelism()));
  // NTKEXP_THREADS is the plan's count when --threads is not given (the engines get the plan's), under
  // the same rule; a malformed one is a refusal that names the variable, not a crash.
  const saved = process.env.NTKEXP_THREADS;
  try {
    process.env.NTKEXP_THREADS = '1';
    assert.equal(planRun({ ...machine, experiments, workers: 1 }).threads, 1);
    process.env.NTKEXP_THREADS = '64';
    assert.equal(planRun({ ...machine, experiments, workers: 1, threads: 1 }).threads, 1, '--threads wins over the variable');
    assert.throws(() => planRun({ ...machine, experiments, workers: 2 }), (e: unknown) => e instanceof RunRefused && /^threads: 2 engines × 64 threads/.test(e.message));
    process.env.NTKEXP_THREADS = 'two';
    assert.throws(() => planRun({ ...machine, experiments, workers: 1 }), (e: unknown) => e instanceof RunRefused && /NTKEXP_THREADS='two'/.test(e.message));
  } finally {
    if (saved === undefined) delete process.env.NTKEXP_THREADS;
    else process.env.NTKEXP_THREADS = saved;
  }
});
