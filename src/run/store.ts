import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineMessage } from './protocol';
import { RUN_FILE, SERIES_FILE, SUMMARY_FILE, type RunInfo, type RunSummary } from './runFiles';

/**
 * The run store: one folder per run, written so that a crash loses at most the record being written.
 * `series.jsonl` is appended with one synchronous write per record (the bytes reach the OS before the
 * next record is taken), and JSON files are replaced atomically (write a temporary file, rename).
 * Reading the store, whose files are untrusted input, is readStore.ts.
 */
export class RunWriter {
  private constructor(
    readonly dir: string,
    private info: RunInfo,
  ) {}

  /** Create the folder (it must not hold a run already) and write run.json. */
  static create(dir: string, info: RunInfo): RunWriter {
    fs.mkdirSync(dir, { recursive: true });
    if (fs.existsSync(path.join(dir, RUN_FILE))) {
      throw new Error(`${dir} already holds a run (${RUN_FILE}); choose another --out folder`);
    }
    fs.writeFileSync(path.join(dir, SERIES_FILE), '');
    const writer = new RunWriter(dir, info);
    writer.saveInfo();
    return writer;
  }

  get current(): RunInfo {
    return this.info;
  }

  /** Append one record as one line. */
  append(record: EngineMessage): void {
    fs.appendFileSync(path.join(this.dir, SERIES_FILE), JSON.stringify(record) + '\n');
  }

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

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(tmp, file);
}
