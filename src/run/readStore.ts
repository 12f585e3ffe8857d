import * as path from 'node:path';
import { SkipTally, describeSkipped, validate, type Check, type Skipped } from '../contracts/checks';
import { engineMessageCheck } from '../contracts/engineMessages';
import { MAX_RECORD_BYTES, runInfoCheck, runSummaryCheck, sweepInfoCheck, sweepSummaryCheck } from '../contracts/runStore';
import type { EngineMessage } from '../contracts/engineMessages';
import { realPathInside } from './realInside';
import { type FileRole, FileRefused, existsNoFollow, readChecked as readRegular } from './regularFile';
import { RUN_FILE, SERIES_FILE, SUMMARY_FILE, SWEEP_FILE, SWEEP_SUMMARY_FILE } from './runFiles';
import type { RunInfo, RunSummary, SweepInfo, SweepSummary } from '../contracts/runStore';

/**
 * Reading the run store, whose files are untrusted input (a cloned workspace may hold planted ones):
 * every file is read only if it is a regular file of its folder (no link, FIFO or device) within a
 * stated size, and checked against its schema (src/contracts) before a field is used. run.json and
 * sweep.json must be valid (else a RunStoreError naming the file and the field); an invalid summary is
 * left out with the reason; a record of series.jsonl that cannot be read is skipped and counted (a torn
 * last line, a crash mid-write, is tolerated as before). A sweep's run ids are plain names, and the
 * sub-folder each names must really be inside the sweep's folder.
 */
export const STORE_LIMITS = {
  /** run.json, summary.json, sweep.json, sweep-summary.json. */
  jsonBytes: 64 * 2 ** 20,
  /** Read line by line (never one string of the whole file, which V8 caps near 512 MB). */
  seriesBytes: 1024 * 2 ** 20,
  /** One line of series.jsonl, in bytes. */
  recordBytes: MAX_RECORD_BYTES,
} as const;

export class RunStoreError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'RunStoreError';
  }
}

export interface StoredRun {
  readonly dir: string;
  readonly info: RunInfo;
  readonly records: EngineMessage[];
  readonly summary?: RunSummary;
  /** True when the last line of series.jsonl was torn (a crash mid-write) and was ignored. */
  readonly tornLastLine: boolean;
  /** Records of series.jsonl that could not be read: how many, and the first line and why. */
  readonly skipped?: Skipped;
  /** Why summary.json was left out, when it was there but not readable. */
  readonly summaryProblem?: string;
}

export interface StoredSweep {
  readonly dir: string;
  readonly info: SweepInfo;
  readonly summary?: SweepSummary;
  readonly summaryProblem?: string;
  /** Each run of sweep.json with its folder, in sweep.json's order; `dir` is undefined when the folder is refused. */
  readonly runs: readonly { readonly id: string; readonly dir?: string; readonly problem?: string }[];
}

/** A file of a run folder: the reader says what is left out, or why the folder cannot be read. */
const RUN_FOLDER_FILE: FileRole = { limitFor: 'files of a run folder' };

/** The bytes of a file of a run folder: a regular file (not a link, FIFO or device) of at most `maxBytes`. */
export function readStoreFile(file: string, maxBytes: number): Buffer {
  try {
    return readRegular(file, { limit: maxBytes, role: RUN_FOLDER_FILE });
  } catch (e) {
    if (e instanceof FileRefused) throw new RunStoreError(file, e.message);
    throw e;
  }
}

/** A JSON file of the store, checked: the value as T, or a RunStoreError naming the file and the field. */
function readChecked<T>(file: string, check: Check<T>, label: string): T {
  const text = readStoreFile(file, STORE_LIMITS.jsonBytes).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RunStoreError(file, `${file} is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const checked = validate(value, check, label);
  if (!checked.ok) throw new RunStoreError(file, `${file} is not a valid ${label}: ${checked.error}`);
  return checked.value;
}

/** An optional file: undefined when absent, else the value or the reason it was left out. */
function readOptional<T>(file: string, check: Check<T>, label: string): { value?: T; problem?: string } {
  if (!existsNoFollow(file)) return {};
  try {
    return { value: readChecked<T>(file, check, label) };
  } catch (e) {
    if (e instanceof RunStoreError) return { problem: `${e.message}; it is left out` };
    throw e;
  }
}

export function readRunInfo(dir: string): RunInfo {
  return readChecked(path.join(dir, RUN_FILE), runInfoCheck, RUN_FILE);
}

export function readSweepInfo(dir: string): SweepInfo {
  return readChecked(path.join(dir, SWEEP_FILE), sweepInfoCheck, SWEEP_FILE);
}

/** Read a run folder: run.json (must be valid), the readable records of series.jsonl, summary.json if readable. */
export function readRun(dir: string): StoredRun {
  const infoFile = path.join(dir, RUN_FILE);
  if (!existsNoFollow(infoFile)) throw new RunStoreError(infoFile, `${dir} is not a run folder: it has no ${RUN_FILE}`);
  const info = readRunInfo(dir);
  const seriesFile = path.join(dir, SERIES_FILE);
  const series = existsNoFollow(seriesFile) ? parseSeries(readStoreFile(seriesFile, STORE_LIMITS.seriesBytes)) : { records: [], torn: false };
  const summary = readOptional(path.join(dir, SUMMARY_FILE), runSummaryCheck, SUMMARY_FILE);
  return {
    dir,
    info,
    records: series.records,
    tornLastLine: series.torn,
    ...(series.skipped ? { skipped: series.skipped } : {}),
    ...(summary.value ? { summary: summary.value } : {}),
    ...(summary.problem ? { summaryProblem: summary.problem } : {}),
  };
}

/**
 * The records of series.jsonl's content, each checked; what cannot be read (not JSON, too long, not a
 * valid record) is skipped and counted with the first line number and reason. A torn last line (no
 * newline after it and not JSON) is a write cut short by a crash: ignored, not counted.
 */
export function parseSeries(content: Buffer | string, limits: { recordBytes: number } = STORE_LIMITS): { records: EngineMessage[]; torn: boolean; skipped?: Skipped } {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const records: EngineMessage[] = [];
  const tally = new SkipTally();
  let torn = false;
  const take = (start: number, end: number, where: string, final: boolean): void => {
    if (end - start > limits.recordBytes) return tally.skip(`${where}: ${end - start} bytes, more than the ${limits.recordBytes} a record may have`);
    const line = bytes.toString('utf8', start, end);
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (final) torn = true;
      else tally.skip(`${where}: not JSON`);
      return;
    }
    const error = engineMessageCheck(value, where);
    if (error) tally.skip(error);
    else records.push(value as EngineMessage);
  };
  // Line by line on the bytes. A file written line by line ends with '\n': a last line without one is a write that was cut.
  for (let start = 0, index = 1; start < bytes.length; index++) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline < 0 ? bytes.length : newline;
    take(start, end, `line ${index}`, newline < 0);
    start = end + 1;
  }
  return { records, torn, ...(tally.result ? { skipped: tally.result } : {}) };
}

/**
 * The folder of a sweep's run `id`: sweep.json's ids are plain names (checked with the file), and the
 * sub-folder must really be inside the sweep's folder (a sub-folder that is a link to elsewhere is refused).
 */
export function sweepRunDir(sweepDir: string, id: string): { dir?: string; problem?: string } {
  const dir = path.join(sweepDir, id);
  const inside = realPathInside(sweepDir, dir);
  return inside.ok ? { dir } : { problem: `run ${id} of ${path.join(sweepDir, SWEEP_FILE)} is not read: ${inside.reason}` };
}

/** Read a sweep folder: sweep.json (must be valid), its summary if readable, and each run's confined folder. */
export function readSweep(dir: string): StoredSweep {
  const info = readSweepInfo(dir);
  const summary = readOptional(path.join(dir, SWEEP_SUMMARY_FILE), sweepSummaryCheck, SWEEP_SUMMARY_FILE);
  return {
    dir,
    info,
    ...(summary.value ? { summary: summary.value } : {}),
    ...(summary.problem ? { summaryProblem: summary.problem } : {}),
    runs: info.runs.map((r) => ({ id: r.id, ...sweepRunDir(dir, r.id) })),
  };
}

/**
 * What a folder is proven to be: a run folder (a valid run.json), a sweep folder (a valid sweep.json),
 * or neither, with the reason. The rule for acting on a folder (deleting it, replacing it).
 */
export function runFolderKind(dir: string): { kind: 'run' | 'sweep' } | { kind: undefined; reason: string } {
  const sweep = existsNoFollow(path.join(dir, SWEEP_FILE));
  const run = existsNoFollow(path.join(dir, RUN_FILE));
  if (!sweep && !run) return { kind: undefined, reason: `${dir} is not a run folder: it has neither ${RUN_FILE} nor ${SWEEP_FILE}` };
  try {
    if (sweep) readSweepInfo(dir);
    else readRunInfo(dir);
    return { kind: sweep ? 'sweep' : 'run' };
  } catch (e) {
    if (e instanceof RunStoreError) return { kind: undefined, reason: e.message };
    throw e;
  }
}

/** What a reader should say about a run it read (records skipped, a summary left out), once each. */
export function storedRunNotices(run: StoredRun): string[] {
  const seriesFile = path.join(run.dir, SERIES_FILE);
  return [...(run.skipped ? [describeSkipped(run.skipped, seriesFile)] : []), ...(run.summaryProblem ? [run.summaryProblem] : [])];
}
