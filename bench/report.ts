/**
 * `node --import tsx bench/report.ts RUN.ndjson [FILE.md …]`: the speed tables of one bench run, written
 * between `<!-- bench:speed -->` … `<!-- /bench:speed -->` and `<!-- bench:targets -->` …
 * `<!-- /bench:targets -->` (and `bench:others`, the extension side's targets) in each FILE (README.md and docs/PERFORMANCE.md), or printed. Every figure
 * comes from the run's records, so the two documents cannot disagree with the run or with each other;
 * the prose around them is written by hand.
 */
import * as fs from 'node:fs';
import type { BenchRecord } from './common';

type Rec = BenchRecord & { path?: string; gflops?: number | null; missing?: string; load1?: number };

const num = (x: unknown, digits = 1): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—');
/** {"H":160,"I":0,"S":266} → "H 160, S 266". */
const apps = (a: unknown): string =>
  typeof a === 'number'
    ? String(a)
    : Object.entries((a ?? {}) as Record<string, number>)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');

export function speedTable(records: readonly Rec[]): string {
  const numpy = records.find((r) => r.name === 'numpy_matmul');
  const ofNumpy = (r: Rec): string => (typeof r.gflops === 'number' && typeof numpy?.gflops === 'number' ? `${((100 * r.gflops) / numpy.gflops).toFixed(0)}%` : '—');
  const rows: string[] = ['| record | path | ms | GFLOP/s | of NumPy\'s matmul |', '|---|---|---|---|---|'];
  const order = ['numpy_matmul', 'matmul', 'gradient', 'hvp', 'ivp', 'ntk_gram', 'torch_hvp', 'measurement_fig1', 'moments', 'lanczos_top20', 'multi_trial'];
  for (const name of order) {
    for (const r of records.filter((x) => x.name === name)) {
      if (r.missing) {
        rows.push(`| \`${name}\` | ${r.path ?? ''} | not measured: ${r.missing} | | |`);
        continue;
      }
      let ms = num(r.ms);
      if (name === 'measurement_fig1' || name === 'moments' || name === 'lanczos_top20') ms = `${num(r.ms / 1000)} s (applications: ${apps(r.applications)})`;
      if (name === 'multi_trial') ms = `${num(r.ms / 1000)} s with 2 workers, ${num((r.ms_1_worker as number) / 1000)} s with 1 (${String(r.layouts)}): ${num(r.speedup, 2)}×`;
      if (name === 'torch_hvp') ms = `${num(r.torch_best_ms)} at its fastest, median of ${String(r.rounds)} rounds (middle round: ${num(r.ms)} on ${String(r.threads)} threads, ${num(r.ms_1thread)} on one; PyTorch ${String(r.torch ?? '')}, ${String(r.blas ?? '')}); the engine ${num(r.engine_ms)} in turns with it`;
      const path = r.path === 'numpy' ? `numpy (${String(r.blas ?? '')}, ${String(r.threads ?? '')} threads)` : (r.path ?? '');
      rows.push(`| \`${name}\` | ${path} | ${ms} | ${typeof r.gflops === 'number' ? num(r.gflops) : ''} | ${typeof r.gflops === 'number' && name !== 'numpy_matmul' ? ofNumpy(r) : ''} |`);
    }
  }
  const machine = records.find((r) => r.name === 'machine');
  const loads = records.map((r) => r.load1).filter((x): x is number => typeof x === 'number');
  rows.push('', `One run of \`npm run bench\`, ${String(machine?.started ?? '').slice(0, 16).replace('T', ' ')} UTC: ${String(machine?.cores)} cores of ${String(machine?.cpu)}, Node ${String(machine?.node)}, TensorFlow.js ${String(machine?.tfjs)}; the bench process computed on ${String(machine?.compute)}. 1-minute load average during the run ${num(Math.min(...loads), 2)}–${num(Math.max(...loads), 2)}.`);
  return rows.join('\n');
}

/** The extension side's targets (earlier issues), from the same run. */
export function othersTable(records: readonly Rec[]): string {
  const rows = ['| record | figure | target | met |', '|---|---|---|---|'];
  const e = records.find((r) => r.name === 'event_loop');
  if (e) {
    const two = e.two_engines as { p99_ms?: number } | undefined;
    rows.push(`| \`event_loop\`: the parent while engines stream | p50 ${num(e.p50_ms, 2)} ms, p99 ${num(e.p99_ms, 2)} ms (two engines: p99 ${num(two?.p99_ms, 2)} ms) | p99 < 20 ms | ${(e.p99_ms as number) < 20 && (two?.p99_ms ?? 0) < 20 ? 'yes' : '**no**'} |`);
  }
  const p = records.find((r) => r.name === 'panel_frame');
  if (p) rows.push(`| \`panel_frame\`: the panel replaying ${num(p.messages_per_s)} updates/s into ${String(p.charts)} charts | p50 ${num(p.p50_ms)} ms, p95 ${num(p.p95_ms)} ms (frames are 16.7 ms apart) | p95 < 33 ms | ${(p.p95_ms as number) < 33 ? 'yes' : '**no**'} |`);
  const m = records.find((r) => r.name === 'memory');
  if (m) rows.push(`| \`memory\`: the engine through two full Figure-1 measurements | ${String(m.peak_mb)} MB peak (estimated before the run: ${String(m.estimate_mb)} MB) | < 2 GB | ${(m.peak_mb as number) < 2048 ? 'yes' : '**no**'} |`);
  const x = records.find((r) => r.name === 'extension_load');
  if (x && Number.isFinite(x.ms)) rows.push(`| \`extension_load\`: the editor loading the extension's bundle | ${num(x.ms)} ms for ${num((x.bytes as number) / 1000, 0)} kB (median of ${String(x.processes)} fresh processes) | — | — |`);
  return rows.join('\n');
}

export function targetsTable(records: readonly Rec[]): string {
  const rows = ['| target | met | figures (same run) |', '|---|---|---|'];
  for (const t of records.filter((r) => r.name === 'target')) {
    rows.push(`| ${String(t.target)} | ${t.met === null ? 'not measured' : t.met ? 'yes' : '**no**'} | ${String(t.detail)} |`);
  }
  return rows.join('\n');
}

function replaceBlock(text: string, tag: string, body: string, file: string): string {
  const begin = `<!-- bench:${tag} -->`;
  const end = `<!-- /bench:${tag} -->`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return text;
  if (text.indexOf(begin, i + 1) >= 0) throw new Error(`${file}: ${begin} appears twice`);
  return `${text.slice(0, i + begin.length)}\n${body}\n${text.slice(j)}`;
}

function main(): void {
  const [runFile, ...files] = process.argv.slice(2);
  if (!runFile) throw new Error('usage: bench/report.ts RUN.ndjson [FILE.md …]');
  const records = fs
    .readFileSync(runFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Rec);
  const speed = speedTable(records);
  const targets = targetsTable(records);
  if (!files.length) {
    console.log(`${speed}\n\n${targets}\n\n${othersTable(records)}`);
    return;
  }
  for (const file of files) {
    const before = fs.readFileSync(file, 'utf8');
    const after = replaceBlock(replaceBlock(replaceBlock(before, 'speed', speed, file), 'targets', targets, file), 'others', othersTable(records), file);
    if (after === before) console.error(`bench/report: ${file}: no bench blocks changed`);
    else fs.writeFileSync(file, after);
  }
}

if (require.main === module) main();
