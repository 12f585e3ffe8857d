import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineMessage } from './protocol';
import { RUN_FILE, SERIES_FILE, SUMMARY_FILE, type RunInfo, type RunSummary } from './runFiles';
import { AppendOnlyFile, makeFolder, writeJsonAtomic } from './storeWrites';

/**
 * The run store: one folder per run, written so that a crash loses at most the record being written.
 * `series.jsonl` is appended with one synchronous write per record (the bytes reach the OS before the
 * next record is taken), and JSON files are replaced atomically (write a temporary file, rename). Every
 * write goes through storeWrites.ts, so a failure is a `WriteFailed` naming the file, never a half file.
 */
export class RunWriter {
  private readonly series: AppendOnlyFile;

  private constructor(
    readonly dir: string,
    private info: RunInfo,
  ) {
    this.series = new AppendOnlyFile(path.join(dir, SERIES_FILE));
  }

  /** Create the folder (it must not hold a run already) and write run.json. */
  static create(dir: string, info: RunInfo): RunWriter {
    makeFolder(dir);
    if (fs.existsSync(path.join(dir, RUN_FILE))) {
      throw new Error(`${dir} already holds a run (${RUN_FILE}); choose another --out folder`);
    }
    const writer = new RunWriter(dir, info);
    writer.saveInfo();
    return writer;
  }

  get current(): RunInfo {
    return this.info;
  }

  /** Append one record as one line. */
  append(record: EngineMessage): void {
    this.series.appendLine(JSON.stringify(record));
  }

  /** Change run.json. The change is kept in `current` even when the file cannot be written (the caller reports that). */
  update(patch: Partial<RunInfo>): void {
    this.info = { ...this.info, ...patch };
    this.saveInfo();
  }

  writeSummary(summary: RunSummary): void {
    writeJsonAtomic(path.join(this.dir, SUMMARY_FILE), summary);
  }

  private saveInfo(): void {
    writeJsonAtomic(path.join(this.dir, RUN_FILE), this.info);
  }
}

export interface StoredRun {
  readonly dir: string;
  readonly info: RunInfo;
  readonly records: EngineMessage[];
  readonly summary?: RunSummary;
  /** True when the last line of series.jsonl was torn (a crash mid-write) and was ignored. */
  readonly tornLastLine: boolean;
}

/** Read a run folder. A torn last line is ignored; a malformed line elsewhere is an error with its number. */
export function readRun(dir: string): StoredRun {
  const infoFile = path.join(dir, RUN_FILE);
  if (!fs.existsSync(infoFile)) throw new Error(`${dir} is not a run folder: it has no ${RUN_FILE}`);
  const info = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as RunInfo;
  const { records, torn } = parseSeries(fs.existsSync(path.join(dir, SERIES_FILE)) ? fs.readFileSync(path.join(dir, SERIES_FILE), 'utf8') : '', path.join(dir, SERIES_FILE));
  const summaryFile = path.join(dir, SUMMARY_FILE);
  const summary = fs.existsSync(summaryFile) ? (JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as RunSummary) : undefined;
  return { dir, info, records, summary, tornLastLine: torn };
}

export function parseSeries(text: string, name = SERIES_FILE): { records: EngineMessage[]; torn: boolean } {
  const lines = text.split('\n');
  // A file written line by line ends with '\n': the last element is '' unless the last write was cut.
  const last = lines.pop() ?? '';
  const records: EngineMessage[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as EngineMessage);
    } catch {
      throw new Error(`${name}:${i + 1}: not a JSON record (the file is damaged before its last line)`);
    }
  });
  let torn = false;
  if (last.trim() !== '') {
    try {
      records.push(JSON.parse(last) as EngineMessage);
    } catch {
      torn = true;
    }
  }
  return { records, torn };
}
