import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunRefused } from './plan';
import { runFolderKind } from './readStore';
import { REPORT_FILE, RUN_FILE, SERIES_FILE, SUMMARY_FILE, SWEEP_FILE, SWEEP_SUMMARY_FILE } from './runFiles';
import { RESERVE_FILE, asWriteFailed, WriteFailed } from './storeWrites';

/**
 * What an output folder named by the user (`ntkexp run --out DIR`) may be: a folder that does not exist
 * yet, or an empty one. An existing run or sweep folder is replaced only when asked (`--overwrite`), and
 * only when it is proven to be one: a valid run.json or sweep.json and nothing but the files a run
 * writes. Anything else (a non-empty folder, a file) is refused, so a run never mixes its results with
 * other files, never leaves a script reading stale ones, and never deletes a folder it did not make.
 */
export interface OutFolder {
  readonly dir: string;
  /** `new`: to be created; `empty`: exists, empty; `replace`: an earlier run or sweep folder, removed before the run. */
  readonly state: 'new' | 'empty' | 'replace';
}

/** Check `dir` as an output folder before anything runs; a refusal is a `RunRefused` saying what to do. */
export function checkOutFolder(dir: string, overwrite: boolean | 'not offered'): OutFolder {
  if (dir.trim() === '') throw new RunRefused('the output folder (--out) is empty: name a folder');
  try {
    return outFolderState(dir, overwrite);
  } catch (error) {
    throw refusal(error, dir);
  }
}

function outFolderState(dir: string, overwrite: boolean | 'not offered'): OutFolder {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) return { dir, state: 'new' };
  if (!stat.isDirectory()) throw new RunRefused(`--out ${dir} is a file, not a folder: name a new folder (it is created) or an empty one`);
  if (fs.readdirSync(dir).length === 0) return { dir, state: 'empty' };
  if (overwrite !== true) {
    const hint = overwrite === 'not offered' ? '' : ', or add --overwrite to replace an earlier run or sweep folder';
    throw new RunRefused(`--out ${dir} already exists and is not empty: choose a new or empty folder${hint}`);
  }
  const why = notARunFolder(dir);
  if (why) throw new RunRefused(`--overwrite replaces only a run or sweep folder, and ${dir} ${why}: choose another --out folder`);
  return { dir, state: 'replace' };
}

/** Remove the earlier run or sweep folder an `--overwrite` replaces, proving again that it is one (it may have changed since the check). */
export function removeReplacedFolder(out: OutFolder): void {
  if (out.state !== 'replace') return;
  try {
    const why = notARunFolder(out.dir);
    if (why) throw new RunRefused(`--overwrite replaces only a run or sweep folder, and ${out.dir} ${why}: choose another --out folder`);
    fs.rmSync(out.dir, { recursive: true });
  } catch (error) {
    throw refusal(error, out.dir);
  }
}

/** Names a run folder holds besides params-*.json (and the temporary files of an interrupted write). */
const RUN_NAMES = new Set([RUN_FILE, SERIES_FILE, SUMMARY_FILE, REPORT_FILE, RESERVE_FILE]);
const SWEEP_NAMES = new Set([SWEEP_FILE, SWEEP_SUMMARY_FILE, REPORT_FILE, RESERVE_FILE]);
const PARAMS_NAME = /^params-(\d+-)?(initial|final)\.json$/;
/** A temporary file of an atomic write (storeWrites.ts): `NAME.<pid>.tmp`. */
const TMP_NAME = /^(.+)\.\d+\.tmp$/;
/** Why `dir` is not a run or sweep folder this program wrote, or undefined when it is one. */
export function notARunFolder(dir: string): string | undefined {
  const own = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (!own?.isDirectory()) return 'is not a folder (a symbolic link, or gone)';
  const proven = runFolderKind(dir);
  if (!proven.kind) return `is not proven a run folder: ${proven.reason}`;
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  if (proven.kind === 'run') return strayEntry(entries, (name) => RUN_NAMES.has(name) || PARAMS_NAME.test(name), false);
  const stray = strayEntry(entries, (name) => SWEEP_NAMES.has(name), true);
  if (stray) return stray;
  // A sweep's sub-folders are its runs, each proven the same way.
  for (const e of entries.filter((d) => d.isDirectory())) {
    const sub = path.join(dir, e.name);
    const why = runFolderKind(sub).kind === 'run' ? notARunFolder(sub) : `is not a run folder`;
    if (why) return `holds ${e.name}/, which ${why}`;
  }
  return undefined;
}

/** The first entry that a run (or sweep) folder would not hold, as a reason. */
function strayEntry(entries: readonly fs.Dirent[], expected: (name: string) => boolean, folders: boolean): string | undefined {
  for (const e of entries) {
    if (folders && e.isDirectory()) continue;
    const name = TMP_NAME.exec(e.name)?.[1] ?? e.name;
    if (!e.isFile() || !expected(name)) return `holds ${e.name}${e.isDirectory() ? '/' : ''}, which is not part of a run folder`;
  }
  return undefined;
}

/** A failure of the file system on `dir` as a refusal naming it; a refusal or a bug as it was. */
function refusal(error: unknown, dir: string): unknown {
  if (error instanceof RunRefused) return error;
  const failed = asWriteFailed(error, dir);
  return failed instanceof WriteFailed ? new RunRefused(failed.message) : failed;
}
