import * as fs from 'node:fs';
import * as path from 'node:path';
import { plainName } from '../contracts/checks';
import { combineCompute } from './compute';
import type { EngineMessage } from '../contracts/engineMessages';
import { checkOutFolder } from './outFolder';
import { RunRefused } from './plan';
import { readRun, readStoreFile, RunStoreError, storedRunNotices, type StoredRun } from './readStore';
import type { RunInfo, RunStatus, RunSummary } from '../contracts/runStore';
import { RunWriter } from './store';
import { writeNewFile } from './storeWrites';
import { summarizeRun } from './summary';
import { LIMITS } from './limits';

/**
 * `ntkexp merge`: shards of one experiment (`ntkexp run --shard I/N`, e.g. on a cluster) become one run.
 * They must come from the same file (same SHA-256) and the same resolved experiment, and hold disjoint
 * trials; records are merged by trial index, so the result is the run one machine would have made.
 * Shards are read through the checked reader (a damaged file is an error naming it). The merged folder
 * is written under a temporary name beside --out and renamed at the end: a failure leaves nothing that
 * would block a retry.
 */
export class MergeError extends Error {
  /** `shards`: the shards cannot be merged; `out`: the --out folder cannot be used; `write`: writing the merged run failed. */
  constructor(
    message: string,
    readonly concerns: 'shards' | 'out' | 'write' = 'shards',
  ) {
    super(message);
    this.name = 'MergeError';
  }
}

/** Largest params-*.json copied from a shard (they hold every parameter of a trial as JSON). */
const MAX_PARAMS_BYTES = 1024 * 2 ** 20;

function readShard(dir: string): StoredRun {
  try {
    return readRun(dir);
  } catch (e) {
    if (!(e instanceof RunStoreError)) throw e;
    throw new MergeError(`${e.message}. Each DIR must be a shard folder written by \`ntkexp run --shard I/N\`; if its files are damaged, run that shard again.`);
  }
}

export interface MergeResult {
  readonly info: RunInfo;
  readonly summary: RunSummary;
  readonly warnings: string[];
  /** What keeps the merged run from being the whole experiment: shards that did not finish, shards and trials not given. */
  readonly incomplete: string[];
}

export function mergeRuns(dirs: readonly string[], out: string): MergeResult {
  if (dirs.length === 0) throw new MergeError('nothing to merge: give the shard folders');
  const shards = dirs.map(readShard);
  const first = shards[0];
  for (const s of shards.slice(1)) {
    if (s.info.source.sha256 !== first.info.source.sha256) {
      throw new MergeError(
        `${s.dir} and ${first.dir} come from different files (${s.info.source.file} sha256 ${s.info.source.sha256.slice(0, 12)}…, ${first.info.source.file} sha256 ${first.info.source.sha256.slice(0, 12)}…): shards must be runs of the same file`,
      );
    }
    if (s.info.experiment !== first.info.experiment || JSON.stringify(s.info.resolved) !== JSON.stringify(first.info.resolved)) {
      throw new MergeError(`${s.dir} ran experiment ${s.info.experiment} with other settings than ${first.dir} (${first.info.experiment}): shards must run the same experiment`);
    }
  }
  // run.json is read from a folder anyone may have written: the counts the gaps are listed from must be
  // ones a run can have, or a forged 10^12 would be a loop of 10^12.
  for (const s of shards) {
    const total = s.info.trialsTotal;
    const count = s.info.shard?.count ?? 1;
    if (total > LIMITS.trials || count > LIMITS.trials || s.info.trials.some((t) => t >= total)) {
      throw new MergeError(`${s.dir}: its run.json says ${total} trials in ${count} shard(s), holding trials up to ${s.info.trials.reduce((m, t) => Math.max(m, t), -1)}: not what a run writes (at most ${LIMITS.trials} trials, each below the total); run that shard again`);
    }
  }
  const seen = new Map<number, string>();
  for (const s of shards) {
    for (const t of s.info.trials) {
      const other = seen.get(t);
      if (other) throw new MergeError(`trial ${t} is in both ${other} and ${s.dir}: shards must hold disjoint trials`);
      seen.set(t, s.dir);
    }
  }
  const id = path.basename(path.resolve(out));
  const badId = plainName(id, '--out');
  if (badId) throw new MergeError(`${badId}: the folder's name becomes the run's id`, 'out');
  checkOut(out);

  const trials = [...seen.keys()].sort((a, b) => a - b);
  const incomplete = incompleteShards(shards, seen);
  const { shard: _shard, ...base } = first.info;
  const compute = combineCompute(shards.map((s) => s.info.compute));
  const info: RunInfo = {
    ...base,
    ...(compute ? { compute } : {}),
    id,
    trials,
    started: shards.map((s) => s.info.started).sort()[0],
    ended: shards.map((s) => s.info.ended ?? '').sort().reverse()[0] || undefined,
    // Trials no shard holds make the run incomplete: failed, with the reason in `error`.
    status: worst([...shards.map((s) => s.info.status), ...(incomplete.missing.length > 0 ? (['failed'] as const) : [])]),
    workers: shards.reduce((n, s) => n + s.info.workers, 0),
    backend: [...new Set(shards.map((s) => s.info.backend))].join('+'),
    ...(shards.some((s) => s.info.error) || incomplete.missing.length > 0
      ? { error: [...shards.map((s) => s.info.error), incomplete.missing.length > 0 ? incomplete.missingText : undefined].filter(Boolean).join('; ') }
      : {}),
  };
  const records: EngineMessage[] = [];
  for (const t of trials) {
    const shard = shards.find((s) => s.info.trials.includes(t)) as StoredRun;
    for (const r of shard.records) if (r.trial === t) records.push({ ...r, run: info.id });
  }
  const warnings = shards.flatMap(storedRunNotices);
  const elapsed = Math.max(...shards.map((s) => s.summary?.timings.elapsed_ms ?? 0));
  const tmp = path.join(path.dirname(path.resolve(out)), `.${id}.merging-${process.pid}`);
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
    const writer = RunWriter.create(tmp, info);
    for (const r of records) writer.append(r);
    for (const s of shards) warnings.push(...copyParams(s.dir, tmp));
    const summary = summarizeRun(writer.current, records, elapsed);
    writer.writeSummary(summary);
    // An empty --out folder is replaced (rename onto a folder is not portable); a non-empty one was refused.
    if (fs.existsSync(out)) fs.rmdirSync(out);
    fs.renameSync(tmp, out);
    return { info: writer.current, summary, warnings, incomplete: incomplete.lines };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new MergeError(`the merged run could not be written beside ${out}: ${(e as Error).message}`, 'write');
    throw e;
  }
}

/** --out must not exist, or be an empty folder (the rule of `ntkexp run --out`, without --overwrite): an existing run is never replaced. */
function checkOut(out: string): void {
  try {
    checkOutFolder(out, 'not offered');
  } catch (e) {
    if (e instanceof RunRefused) throw new MergeError(e.message, 'out');
    throw e;
  }
}

/** The shard's params-*.json that are regular files, copied; a warning for each that is not. */
function copyParams(shardDir: string, target: string): string[] {
  const warnings: string[] = [];
  for (const name of fs.readdirSync(shardDir)) {
    if (!/^params-.*\.json$/.test(name)) continue;
    try {
      writeNewFile(path.join(target, name), readStoreFile(path.join(shardDir, name), MAX_PARAMS_BYTES));
    } catch (e) {
      if (!(e instanceof RunStoreError)) throw e;
      warnings.push(`${e.message}; not copied`);
    }
  }
  return warnings;
}

/**
 * Shards that did not finish (failed, cancelled, or still "running": killed before they could say),
 * each with its reason, and the trials of the experiment that no shard given holds, by the shard that
 * should have held them (a task that never ran leaves no folder, so only the count N of the others
 * can name it).
 */
function incompleteShards(shards: readonly StoredRun[], seen: ReadonlyMap<number, string>): { lines: string[]; missing: number[]; missingText: string } {
  const lines: string[] = [];
  const name = (s: StoredRun): string => (s.info.shard ? `shard ${s.info.shard.index}/${s.info.shard.count}` : 'run');
  for (const s of shards) {
    if (s.info.status === 'finished') continue;
    const why = s.info.status === 'running' ? 'still marked running: its process was killed before it could record the end (a time limit, a node lost)' : s.info.status;
    const error = s.info.error && s.info.error !== s.info.status ? `: ${s.info.error}` : '';
    lines.push(`${name(s)} (${s.dir}) ${why}${error}`);
  }
  const total = shards[0].info.trialsTotal;
  const missing: number[] = [];
  for (let t = 0; t < total; t++) if (!seen.has(t)) missing.push(t);
  const count = shards[0].info.shard?.count;
  const given = new Set(shards.map((s) => s.info.shard?.index));
  const absent = count === undefined ? [] : Array.from({ length: count }, (_, i) => i).filter((i) => !given.has(i));
  const list = (xs: readonly (number | string)[]): string => (xs.length > 12 ? `${xs.slice(0, 12).join(', ')} … (${xs.length} in all)` : xs.join(', '));
  const missingText =
    missing.length === 0
      ? ''
      : `trials ${list(missing)} of ${total} are in no shard given${absent.length > 0 ? ` (shard${absent.length === 1 ? '' : 's'} ${list(absent.map((i) => `${i}/${count}`))}: ${absent.length === 1 ? 'its task' : 'their tasks'} wrote no folder, or it was not given)` : ''}`;
  if (missingText) lines.push(missingText);
  return { lines, missing, missingText };
}

function worst(statuses: readonly RunStatus[]): RunStatus {
  for (const s of ['failed', 'cancelled', 'running'] as const) if (statuses.includes(s)) return s;
  return 'finished';
}
