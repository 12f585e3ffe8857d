/**
 * `npm run bench [-- --json] [-- --only NAME,…] [-- --skip NAME,…] [-- --repeat N]`: the product's speed, measured (never
 * asserted by timed tests). Each benchmark prints records `{name, backend, ms, …}`; with --json one JSON
 * object per line (NDJSON), otherwise an aligned table. Medians over repeats, all in one run, so ratios
 * between records are meaningful on a shared, noisy machine.
 */
import * as os from 'node:os';
import { computePath, initBackend } from '../src/engine/backend';
import { judgeTargets } from './targets';
import { allBenchmarks } from './suite';
import { round2, type BenchRecord } from './common';

interface Args {
  json: boolean;
  only?: Set<string>;
  skip?: Set<string>;
  repeat: number;
}

function parseArgs(argv: string[], names: string[]): Args {
  const args: Args = { json: false, repeat: 5 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--only') args.only = new Set((argv[++i] ?? '').split(','));
    else if (a === '--skip') args.skip = new Set((argv[++i] ?? '').split(','));
    else if (a === '--repeat') args.repeat = Number(argv[++i]);
    else if (a === '--help') {
      console.log(`npm run bench -- [--json] [--only NAME,…] [--skip NAME,…] [--repeat N]\nbenchmarks: ${names.join(', ')}`);
      process.exit(0);
    } else {
      console.error(`bench: unknown argument '${a}' (try --help)`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(args.repeat) || args.repeat < 1) {
    console.error('bench: --repeat must be an integer ≥ 1');
    process.exit(2);
  }
  return args;
}

async function main(): Promise<void> {
  const BENCHMARKS = allBenchmarks();
  const args = parseArgs(process.argv.slice(2), BENCHMARKS.map((b) => b.name));
  const backend = await initBackend();
  const compute = computePath(backend);
  const records: BenchRecord[] = [];
  // Every record carries the product path that computed it (a child process's records name their own)
  // and the 1-minute load average when it was printed: figures are only comparable on a quiet machine
  // (a load above the core count means the bench shared the cores).
  const print = (r: BenchRecord): void => {
    const record = { ...r, backend: backend.name, path: r.path ?? compute.path, load1: round2(os.loadavg()[0]) };
    records.push(record);
    if (args.json) console.log(JSON.stringify(record));
    else console.log(formatRecord(record));
  };
  const cpus = os.cpus();
  print({
    name: 'machine',
    ms: 0,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memory_gb: round2(os.totalmem() / 2 ** 30),
    node: process.version,
    tfjs: backend.version,
    compute: compute.summary,
    loadavg: os.loadavg().map(round2),
    started: new Date().toISOString(),
  });
  const ctx = { repeat: args.repeat, log: (m: string) => !args.json && console.error(m), shared: new Map<string, Promise<unknown>>() };
  for (const b of BENCHMARKS) {
    if (args.only && !args.only.has(b.name) && !b.produces?.some((p) => args.only!.has(p))) continue;
    if (args.skip?.has(b.name)) continue;
    for (const r of await b.run(ctx)) print(r);
  }
  // The targets, from this run's records only (a target whose records this run lacks says so).
  for (const t of judgeTargets(records)) print({ name: 'target', ms: 0, ...t });
}

function formatRecord(r: Record<string, unknown>): string {
  const { name, backend, ...rest } = r;
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : JSON.stringify(v)}`)
    .join('  ');
  return `${String(name).padEnd(22)} ${String(backend).padEnd(6)} ${fields}`;
}

function fmt(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(3);
}

// Exit explicitly: a benchmark may leave worker threads or child processes behind.
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
