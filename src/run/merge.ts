import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineMessage } from './protocol';
import { RUN_FILE, type RunInfo, type RunStatus, type RunSummary } from './runFiles';
import { readRun, type StoredRun } from './readStore';
import { RunWriter } from './store';
import { summarizeRun } from './summary';

/**
 * `ntkexp merge`: shards of one experiment (`ntkexp run --shard I/N`, e.g. on a cluster) become one run.
 * They must come from the same file (same SHA-256) and the same resolved experiment, and hold disjoint
 * trials; records are merged by trial index, so the result is the run one machine would have made.
 */
export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

export function mergeRuns(dirs: readonly string[], out: string): { info: RunInfo; summary: RunSummary } {
  if (dirs.length === 0) throw new MergeError('nothing to merge: give the shard folders');
  const shards: StoredRun[] = dirs.map((d) => {
    try {
      return readRun(d);
    } catch (e) {
      throw new MergeError(e instanceof Error ? e.message : String(e));
    }
  });
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
  const seen = new Map<number, string>();
  for (const s of shards) {
    for (const t of s.info.trials) {
      const other = seen.get(t);
      if (other) throw new MergeError(`trial ${t} is in both ${other} and ${s.dir}: shards must hold disjoint trials`);
      seen.set(t, s.dir);
    }
  }
  if (fs.existsSync(path.join(out, RUN_FILE))) throw new MergeError(`${out} already holds a run; choose another --out folder`);

  const trials = [...seen.keys()].sort((a, b) => a - b);
  const { shard: _shard, ...base } = first.info;
  const info: RunInfo = {
    ...base,
    id: path.basename(path.resolve(out)),
    trials,
    started: shards.map((s) => s.info.started).sort()[0],
    ended: shards.map((s) => s.info.ended ?? '').sort().reverse()[0] || undefined,
    status: worst(shards.map((s) => s.info.status)),
    workers: shards.reduce((n, s) => n + s.info.workers, 0),
    backend: [...new Set(shards.map((s) => s.info.backend))].join('+'),
    ...(shards.some((s) => s.info.error) ? { error: shards.map((s) => s.info.error).filter(Boolean).join('; ') } : {}),
  };
  const writer = RunWriter.create(out, info);
  const records: EngineMessage[] = [];
  for (const t of trials) {
    const shard = shards.find((s) => s.info.trials.includes(t)) as StoredRun;
    for (const r of shard.records) if (r.trial === t) records.push({ ...r, run: info.id });
  }
  for (const r of records) writer.append(r);
  for (const s of shards) {
    for (const name of fs.readdirSync(s.dir)) if (/^params-.*\.json$/.test(name)) fs.copyFileSync(path.join(s.dir, name), path.join(out, name));
  }
  const elapsed = Math.max(...shards.map((s) => s.summary?.timings.elapsed_ms ?? 0));
  const summary = summarizeRun(writer.current, records, elapsed);
  writer.writeSummary(summary);
  return { info: writer.current, summary };
}

function worst(statuses: readonly RunStatus[]): RunStatus {
  for (const s of ['failed', 'cancelled', 'running'] as const) if (statuses.includes(s)) return s;
  return 'finished';
}
