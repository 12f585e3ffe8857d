import * as path from 'node:path';
import { parseBackendName, type BackendName } from '../../engine/backend';
import { MAX_SEED } from '../../contracts/experimentKeys';
import { hasErrors, resolve } from '../../format/index';
import { duration } from '../../run/estimate';
import { DEFAULT_MAX_HOURS, LIMITS } from '../../run/limits';
import { ChoiceError, chooseRun } from '../../run/choose';
import { checkOptionsForFile, dataFilesDoc } from '../../run/confine';
import { ExperimentRun, RunRefused, type RunOutcome } from '../../run/runExperiment';
import type { EngineMessage } from '../../contracts/engineMessages';
import { writeReportSafely } from '../../run/reportWriter';
import { type CliIO, describeIOError } from '../io';
import { toLine } from '../report';
import { EXIT, UsageError, type Verb } from '../verb';
import { optionalInt } from '../args';
import { ProgressLine } from '../progress';
import { runTables } from '../runTables';
import { calibrationFromJson, planJson, planText } from '../planReport';
import { CalibrationMismatch, costPlan, type CostPlan } from '../../run/costPlan';
import { CALIBRATION_STEPS, CalibrationFailed, type Calibration } from '../../run/calibrate';
import { PLAN_OUTPUT } from '../../contracts/plan';
import { validate } from '../../contracts/checks';

/** A partition's usual time limit: the longest a planned task may run unless --max-task-hours says otherwise. */
const DEFAULT_MAX_TASK_HOURS = 24;

/** Exit code of a cancelled run (128 + SIGINT), as shells report a Ctrl-C. */
export const EXIT_CANCELLED = 130;

export const runVerb: Verb = {
  name: 'run',
  summary: 'Train and measure an experiment; results go to a run folder',
  usage:
    'ntkexp run FILE [--experiment NAME] [--out DIR [--overwrite]] [--trials N] [--seed S] [--backend B] [--workers N] [--threads T] [--shard I/N] [--max-hours H] [--save-params] [--json] [--quiet]\n' +
    '       ntkexp run FILE --plan [--nodes N --cores-per-node C [--memory-per-node GB] [--max-task-hours H]] [--experiment NAME] [--trials N] [--workers N] [--threads T] [--json]',
  description: [
    'Runs the experiment of FILE (every point of its sweep, if it has one) in background engine processes,',
    'trials spread over --workers processes (default: one per core). Results are written as they are made',
    'to ntkexp-runs/<experiment>-<timestamp>/ beside FILE (or --out DIR): run.json, series.jsonl,',
    'summary.json and report.html (open it in a browser); a sweep gets one folder with sweep.json and a',
    'sub-folder per combination. On a terminal a progress line shows trial, step, loss and ETA; at the',
    'end a table compares the moments Tr(H^k), Tr(I^k), Tr(S^k) with the theory. Ctrl-C (or SIGTERM)',
    'stops cleanly: what was measured stays, and the run is marked cancelled; a second one stops the',
    'engines and quits at once.',
    '',
    '--out DIR must be a new or an empty folder: an existing folder with anything in it is refused, so a',
    'script never reads stale results. --overwrite replaces DIR when it is an earlier run or sweep folder',
    '(a valid run.json or sweep.json, and only the files a run writes), never any other folder. Without',
    '--out, a second run in the same second gets its own folder (<experiment>-<timestamp>-2).',
    '',
    'Before anything starts, the run is estimated phase by phase (training, measurements, loss surface,',
    'theory, records on disk, memory) and refused, with the phase and what to lower, when it cannot',
    `finish: more memory than is free, more records than the output disk holds, more than --max-hours`,
    `(default ${DEFAULT_MAX_HOURS}, a week), or sizes beyond what a run holds (${LIMITS.trials} trials, ${LIMITS.measurements} measurements per trial,`,
    `a surface grid of ${LIMITS.surfaceGrid}, depth ${LIMITS.depth}, ${LIMITS.moments} moments). \`ntkexp check\` warns about the same limits.`,
    '',
    'A write that fails while the run goes (a full disk, a read-only or unwritable folder) stops it: the',
    'run is marked failed in run.json with the reason, every record written so far stays, and no',
    'temporary file is left.',
    '',
    'Exit status: 0 finished, 1 failed (a diverging run, a crashed engine, a failed write: the reason is',
    'printed and kept in run.json), 2 bad input or nothing could start (errors in FILE, a bad flag, a run',
    'that cannot fit or finish, an --out folder that is not empty, unwritable or too long a path), 130',
    'cancelled, 3 a bug in ntkexp (please report it).',
    '',
    '--plan runs nothing to a folder: it plans the run as above, times a short run of it on this machine',
    `(each engine one trial of ${CALIBRATION_STEPS} steps with a measurement at each end, the same network, data,`,
    'measurement and theory), and prints the time of a trial and of the whole run here, scaled from the',
    'cost model by what was measured. With --nodes and --cores-per-node it plans a cluster run of one',
    'shard per task (docs/CLUSTER.md): the shards, engines per task, the wall time, the core-hours, the',
    "memory per engine and per task, and Slurm's --array, --cpus-per-task, --mem and --time, assuming a",
    "node's core as fast as this machine's. --json prints one JSON object (wall_seconds, core_hours,",
    'memory_mb, shards, and the calibration). --calibration FILE plans from such a JSON output instead of',
    'timing again (other cluster shapes from one long calibration), if FILE timed the same short run.',
    '',
    dataFilesDoc,
  ].join('\n'),
  flags: [
    { name: 'experiment', short: 'e', value: 'NAME', doc: 'The experiment (or one sweep point) to run; required when the file has several experiments.' },
    { name: 'out', short: 'o', value: 'DIR', doc: 'Write the run (or sweep) folder here instead of ntkexp-runs/<experiment>-<timestamp>/; DIR must be new or empty.' },
    { name: 'overwrite', doc: 'With --out: replace DIR if it is an earlier run or sweep folder (never any other folder).' },
    { name: 'trials', value: 'N', doc: "Override the file's number of trials." },
    { name: 'seed', value: 'S', doc: "Override the file's seed." },
    { name: 'backend', value: 'B', doc: 'Force a TensorFlow.js backend: tensorflow, wasm or cpu (default: best available).' },
    { name: 'workers', value: 'N', doc: 'Engine processes for the trials (default: one per core, at most one per trial).' },
    { name: 'threads', value: 'T', doc: 'Threads per engine for its matrix products (default: the cores left to each engine; workers × threads must not exceed the cores).' },
    { name: 'shard', value: 'I/N', doc: 'Run only the trials whose index ≡ I (mod N), 0 ≤ I < N, into their own folder (see `ntkexp merge`).' },
    { name: 'max-hours', value: 'H', doc: `Refuse a run estimated to take longer than H hours (default ${DEFAULT_MAX_HOURS}: a week); raise it for long runs.` },
    { name: 'save-params', doc: 'Write params-initial.json and params-final.json (per trial) with the network and data.' },
    { name: 'plan', doc: 'Time a short run of FILE here and print what the whole run costs, here or on a cluster (--nodes, --cores-per-node); runs nothing else.' },
    { name: 'nodes', value: 'N', doc: 'With --plan: the nodes the run may use at once.' },
    { name: 'cores-per-node', value: 'C', doc: 'With --plan: the cores of each node a task may use.' },
    { name: 'memory-per-node', value: 'GB', doc: 'With --plan: the memory of each node a task may use, GB (default: not limited; the plan says what to ask for).' },
    { name: 'max-task-hours', value: 'H', doc: `With --plan: the longest a task may run (a partition's time limit; default ${DEFAULT_MAX_TASK_HOURS}).` },
    { name: 'calibration', value: 'FILE', doc: 'With --plan: reuse the calibration of an earlier `--plan --json` output instead of timing again (same experiment, --workers and --threads).' },
    { name: 'json', doc: 'Stream every record (measurements, theory, surfaces, trial ends) as NDJSON on stdout instead of the table.' },
    { name: 'quiet', short: 'q', doc: 'No progress line and no table: only the folder and errors.' },
  ],
  positionals: { name: 'FILE', min: 1, max: 1 },
  async run(args, io: CliIO) {
    const file = args.positionals[0];
    const trials = optionalInt(args.flags.trials, '--trials', 1);
    const seed = optionalInt(args.flags.seed, '--seed', 0, MAX_SEED);
    const workers = optionalInt(args.flags.workers, '--workers', 1);
    const threads = optionalInt(args.flags.threads, '--threads', 1);
    const backend = typeof args.flags.backend === 'string' ? parseBackendFlag(args.flags.backend) : undefined;
    const shard = typeof args.flags.shard === 'string' ? parseShard(args.flags.shard) : undefined;
    const out = typeof args.flags.out === 'string' ? args.flags.out : undefined;
    if (out !== undefined && out.trim() === '') throw new UsageError('--out needs a folder, got an empty name');
    if (args.flags.overwrite === true && out === undefined) throw new UsageError('--overwrite applies to the folder named by --out DIR');
    const maxHours = typeof args.flags['max-hours'] === 'string' ? parseHours(args.flags['max-hours']) : undefined;
    let text: string;
    try {
      text = io.readFile(file);
    } catch (e) {
      io.stderr(`ntkexp run: cannot read ${file}: ${describeIOError(e)}\n`);
      return EXIT.usage;
    }
    if (file === '-') throw new UsageError('run needs a file path (results are written beside it), not standard input');
    const result = resolve(text, checkOptionsForFile(file));
    if (result.experiments.length === 0) {
      for (const d of result.diagnostics) io.stderr(`${toLine(file, d)}\n`);
      io.stderr(`ntkexp run: ${file} ${hasErrors(result.diagnostics) ? 'has errors' : 'has no experiment'}; nothing was run\n`);
      return EXIT.usage;
    }
    let chosen: ReturnType<typeof chooseRun>;
    try {
      chosen = chooseRun(result.experiments, typeof args.flags.experiment === 'string' ? args.flags.experiment : undefined);
    } catch (e) {
      if (e instanceof ChoiceError) throw new UsageError(`${e.message}; use --experiment NAME`);
      if (e instanceof RunRefused) {
        io.stderr(`ntkexp run: ${e.message}\n`);
        return EXIT.usage;
      }
      throw e;
    }
    const { experiments, sweep } = chosen;
    const json = args.flags.json === true;
    if (args.flags.plan === true) return planVerb({ file, experiments, trials, seed, backend, workers, threads, shard, json, flags: args.flags }, io);
    for (const f of PLAN_ONLY) if (args.flags[f] !== undefined) throw new UsageError(`--${f} applies to --plan`);
    const quiet = args.flags.quiet === true;
    const progress = !json && !quiet && io.isTTY ? new ProgressLine(io) : undefined;
    const computeShown = new Set<string>();
    const run = new ExperimentRun(
      {
        file,
        text,
        experiments,
        sweep,
        out: out === undefined ? undefined : path.resolve(out),
        overwrite: args.flags.overwrite === true,
        trials,
        seed,
        backend,
        workers,
        threads,
        shard,
        maxHours,
        saveParams: args.flags['save-params'] === true,
      },
      {
        onRunStarted: (info, dir) => {
          if (!json && !sweep) io.stderr(`ntkexp run: ${info.experiment}: ${info.trials.length} trial(s), P = ${info.parameters}${info.estimate ? `, about ${info.estimate.memory_mb} MB per engine and ${duration(info.estimate.seconds)} per trial${info.estimate.run_seconds !== undefined ? ` (${duration(info.estimate.run_seconds)} in all; \`--plan\` measures it)` : ''}` : ''}; writing ${dir}\n`);
        },
        onMessage: (m: EngineMessage) => {
          if (json && m.type !== 'progress') io.stdout(`${JSON.stringify(m)}\n`);
          // Once per distinct product (engines normally agree): what computes, and where to ask why.
          if (m.type === 'started' && m.compute && !json && !computeShown.has(m.compute.summary)) {
            computeShown.add(m.compute.summary);
            progress?.clear();
            io.stderr(`ntkexp run: engines compute on ${m.compute.summary} (\`ntkexp doctor\` says why and how to change it)\n`);
          }
          progress?.update(m);
          if (m.type === 'failed') {
            progress?.clear();
            io.stderr(`ntkexp run: trial ${m.trial} failed: ${m.message}\n`);
          }
          if (m.type === 'log' && m.level !== 'info' && !json) {
            progress?.clear();
            io.stderr(`ntkexp run: trial ${m.trial}: ${m.message.split('\n')[0]}\n`);
          }
        },
        writeReport: (dir) => {
          const problem = writeReportSafely(dir);
          if (problem && !json) io.stderr(`ntkexp run: ${problem}\n`);
        },
      },
    );
    const stop = io.onInterrupt(
      () => {
        progress?.clear();
        io.stderr('ntkexp run: stopping (Ctrl-C again to quit at once)…\n');
        run.cancel();
      },
      () => run.abort('stopped at once by a second Ctrl-C or SIGTERM'),
    );
    let outcome: RunOutcome;
    try {
      outcome = await run.start();
    } catch (e) {
      if (e instanceof RunRefused) {
        io.stderr(`ntkexp run: ${e.message}\n`);
        return EXIT.usage;
      }
      throw e;
    } finally {
      stop();
      progress?.clear();
    }
    if (!json && !quiet) io.stdout(runTables(outcome));
    if (!json) io.stderr(`ntkexp run: ${outcome.status}; results in ${outcome.dir}\n`);
    for (const r of outcome.runs) {
      // Said even with --json (stderr is not the stream of records): why the run failed, and what the folder cannot tell.
      if (r.info.status === 'failed' && r.info.error) io.stderr(`ntkexp run: ${r.info.experiment} failed: ${r.info.error}\n`);
      if (r.unrecorded) io.stderr(`ntkexp run: ${r.info.experiment}: could not record the end of the run, so its run.json still says "running": ${r.unrecorded}\n`);
    }
    if (outcome.sweepError) io.stderr(`ntkexp run: the sweep's files could not be finished: ${outcome.sweepError}\n`);
    if (outcome.sweepUnrecorded) io.stderr(`ntkexp run: could not record the end of the sweep, so its sweep.json still says "running": ${outcome.sweepUnrecorded}\n`);
    return outcome.status === 'finished' ? EXIT.ok : outcome.status === 'cancelled' ? EXIT_CANCELLED : EXIT.failure;
  },
};

/** Flags that only mean something with --plan. */
const PLAN_ONLY = ['nodes', 'cores-per-node', 'memory-per-node', 'max-task-hours', 'calibration'] as const;

interface PlanArgs {
  readonly file: string;
  readonly experiments: ReturnType<typeof chooseRun>['experiments'];
  readonly trials?: number;
  readonly seed?: number;
  readonly backend?: BackendName;
  readonly workers?: number;
  readonly threads?: number;
  readonly shard?: { index: number; count: number };
  readonly json: boolean;
  readonly flags: Record<string, string | true | undefined>;
}

async function planVerb(a: PlanArgs, io: CliIO): Promise<number> {
  const nodes = optionalInt(a.flags.nodes, '--nodes', 1);
  const cores = optionalInt(a.flags['cores-per-node'], '--cores-per-node', 1);
  if ((nodes === undefined) !== (cores === undefined)) throw new UsageError('--nodes and --cores-per-node go together: the cluster is N nodes of C cores');
  const memoryGb = typeof a.flags['memory-per-node'] === 'string' ? parsePositive(a.flags['memory-per-node'], '--memory-per-node', 'GB (e.g. 64)') : undefined;
  const maxTaskHours = typeof a.flags['max-task-hours'] === 'string' ? parsePositive(a.flags['max-task-hours'], '--max-task-hours', 'hours (e.g. 48)') : DEFAULT_MAX_TASK_HOURS;
  if (nodes === undefined && (memoryGb !== undefined || a.flags['max-task-hours'] !== undefined)) throw new UsageError('--memory-per-node and --max-task-hours describe a cluster: give --nodes and --cores-per-node too');
  if (a.shard) throw new UsageError('--plan plans the whole run (and its shards): leave out --shard');
  let reuse: Calibration | undefined;
  if (typeof a.flags.calibration === 'string') {
    const read = readCalibration(a.flags.calibration, io);
    if (typeof read === 'string') {
      io.stderr(`ntkexp run --plan: ${read}\n`);
      return EXIT.usage;
    }
    reuse = read;
  }
  const startupSeconds = process.uptime();
  if (!a.json && !reuse) io.stderr(`ntkexp run --plan: timing a short run of ${a.file} on this machine…\n`);
  let plan: CostPlan;
  try {
    plan = await costPlan({
      experiments: a.experiments,
      trials: a.trials,
      seed: a.seed,
      backend: a.backend,
      workers: a.workers,
      threads: a.threads,
      startupSeconds,
      ...(reuse ? { reuse } : {}),
      ...(nodes !== undefined && cores !== undefined ? { cluster: { nodes, coresPerNode: cores, maxTaskHours, ...(memoryGb !== undefined ? { memoryPerNodeMb: memoryGb * 1024 } : {}) } } : {}),
    });
  } catch (e) {
    if (e instanceof RunRefused || e instanceof CalibrationFailed || e instanceof CalibrationMismatch) {
      io.stderr(`ntkexp run --plan: ${e instanceof CalibrationMismatch ? `${a.flags.calibration as string}: ` : ''}${e.message}\n`);
      return e instanceof CalibrationFailed ? EXIT.failure : EXIT.usage;
    }
    throw e;
  }
  io.stdout(a.json ? `${JSON.stringify(planJson(plan))}\n` : planText(plan));
  return EXIT.ok;
}

/** An earlier plan's calibration (`--plan --json` output), checked field by field; a string says what is wrong with it. */
function readCalibration(file: string, io: CliIO): Calibration | string {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (e) {
    return `cannot read the calibration ${file}: ${describeIOError(e)}`;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `${file} is not the JSON of \`ntkexp run --plan --json\` (${(e as Error).message}); save that command's output and name it`;
  }
  const checked = validate(value, PLAN_OUTPUT, 'plan');
  if (!checked.ok) return `${file} is not a calibration \`ntkexp run --plan --json\` wrote: ${checked.error}`;
  return calibrationFromJson(checked.value.calibration);
}

function parsePositive(value: string, flag: string, unit: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x > 0) || !Number.isFinite(x)) throw new UsageError(`${flag} must be a number of ${unit} > 0, got ${value}`);
  return x;
}

function parseBackendFlag(value: string): BackendName {
  try {
    return parseBackendName(value, '--backend');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function parseHours(value: string): number {
  const hours = Number(value);
  if (value.trim() === '' || !(hours > 0) || !Number.isFinite(hours)) throw new UsageError(`--max-hours must be a number of hours > 0 (e.g. 336 for two weeks), got ${value}`);
  return hours;
}

export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new UsageError(`--shard must be I/N with 0 ≤ I < N (e.g. 0/4), got ${value}`);
  return { index, count };
}
