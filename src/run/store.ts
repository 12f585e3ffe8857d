import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineMessage } from '../contracts/engineMessages';
import { RUN_FILE, SERIES_FILE, SUMMARY_FILE } from './runFiles';
import type { RunInfo, RunSummary } from '../contracts/runStore';
import { AppendOnlyFile, makeFolder, writeJsonAtomic } from './storeWrites';

/**
 * The run store: one folder per run, written so that a crash loses at most the record being written.
 * `series.jsonl` is appended with one synchronous write per record (the bytes reach the OS before the
 * next record is taken), and JSON files are replaced atomically (write a temporary file, rename). Every
 * write goes through storeWrites.ts, so a failure is a `WriteFailed` naming the file, never a half file.
 * Reading the store, whose files are untrusted input, is readStore.ts.
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
