import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SkipTally, type Skipped } from '../../contracts/checks';
import { readRunInfo, readSweep, RunStoreError } from '../../run/readStore';
import { existsNoFollow } from '../../run/regularFile';
import { RUN_FILE, SWEEP_FILE } from '../../run/runFiles';
import type { RunInfo, RunStatus, SweepInfo } from '../../contracts/runStore';
import { log } from '../log';
import { codeSpan, escapeMarkdown, untrustedMarkdown } from '../markdown';
import type { RunManager } from './runManager';

/**
 * The "Runs" view of the NTK activity-bar container: every run folder of the workspace (found by its
 * run.json under an `ntkexp-runs` folder), newest first, sweeps as parents of their runs, each with its
 * status (live ones from the run manager). Refreshes when run files change or runs start and end.
 * Every run.json and sweep.json is read through the checked reader: one that cannot be read (damaged,
 * planted, a link, a FIFO) leaves that entry out, and the log says so once per change (count, first
 * path); a sweep's run is listed only from a folder really inside the sweep's folder.
 */
export type RunNode =
  | { readonly kind: 'run'; readonly dir: string; readonly info: RunInfo }
  | { readonly kind: 'sweep'; readonly dir: string; readonly info: SweepInfo; readonly runs: RunNode[] };

const STATUS_ICON: Record<RunStatus, [string, string | undefined]> = {
  running: ['sync~spin', undefined],
  finished: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash', 'disabledForeground'],
};

export class RunsTreeProvider implements vscode.TreeDataProvider<RunNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** What the log last said about unreadable entries (said again only when it changes). */
  private lastSkipped = '';

  constructor(private readonly runs: RunManager) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/ntkexp-runs/**/{run,sweep}.json');
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.refreshSoon()),
      watcher.onDidChange(() => this.refreshSoon()),
      watcher.onDidDelete(() => this.refreshSoon()),
      runs.onDidChange((e) => e.kind !== 'message' && this.refreshSoon()),
      this.changed,
    );
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: RunNode): vscode.TreeItem {
    if (node.kind === 'sweep') {
      const item = new vscode.TreeItem(`${node.info.experiment} (sweep of ${node.runs.length})`, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = describe(node.info.status, node.info.started);
      item.iconPath = icon(node.info.status);
      item.contextValue = `sweep.${node.info.status}`;
      item.resourceUri = vscode.Uri.file(node.dir);
      item.tooltip = `${node.dir}\n${node.runs.length} runs`;
      item.command = { command: 'ntkexp.runs.open', title: 'Open Run', arguments: [node.dir] };
      return item;
    }
    const live = this.runs.liveRun(node.dir);
    const info = live?.info ?? node.info;
    const item = new vscode.TreeItem(info.varied ? variedLabel(info.varied) : info.experiment, vscode.TreeItemCollapsibleState.None);
    item.description = describe(info.status, info.started);
    item.iconPath = icon(info.status);
    item.contextValue = `run.${info.status}`;
    item.resourceUri = vscode.Uri.file(node.dir);
    // Every string here comes from a workspace file: escaped, and the Markdown is not trusted.
    item.tooltip = untrustedMarkdown(
      [
        `**${escapeMarkdown(info.title)}** (${escapeMarkdown(info.experiment)})`,
        escapeMarkdown(`${info.status}${info.error ? `: ${info.error}` : ''}`),
        escapeMarkdown(`trials ${info.trials.join(', ')} · P = ${info.parameters} · N = ${info.samples} · ${info.compute ? info.compute.summary : `backend ${info.backend}`}`),
        escapeMarkdown(`started ${info.started}${info.ended ? `, ended ${info.ended}` : ''}`),
        codeSpan(node.dir),
      ].join('\n\n'),
    );
    item.command = { command: 'ntkexp.runs.open', title: 'Open Run', arguments: [node.dir] };
    return item;
  }

  getChildren(node?: RunNode): RunNode[] {
    if (node) return node.kind === 'sweep' ? node.runs : [];
    const { nodes, skipped } = scanRunFolders((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), this.runs.running.map((r) => r.dir));
    const said = skipped ? `runs view: ${skipped.count} run or sweep folder${skipped.count === 1 ? '' : 's'} could not be read and ${skipped.count === 1 ? 'is' : 'are'} not listed (first: ${skipped.first})` : '';
    if (said && said !== this.lastSkipped) log().warn(said);
    this.lastSkipped = said;
    return nodes;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }

  private refreshSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 200);
  }
}

/**
 * Run and sweep folders under `ntkexp-runs` folders of the roots (depth-limited walk that skips
 * node_modules and dot folders and never follows a link to a folder), plus `extra` folders (live runs
 * elsewhere), newest first. Entries whose run.json or sweep.json cannot be read are left out and counted;
 * the runs of a sweep whose sweep.json cannot be read are listed on their own.
 */
export function scanRunFolders(roots: readonly string[], extra: readonly string[] = []): { nodes: RunNode[]; skipped?: Skipped } {
  const runDirs = new Set<string>(extra.map((d) => path.resolve(d)));
  const sweepDirs = new Set<string>();
  const visit = (dir: string, depth: number, inRuns: boolean): void => {
    if (depth > 6) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    // By name, whatever the entry is: a run.json that is a link or a FIFO is an entry the reader refuses (and counts).
    if (inRuns && entries.some((e) => e.name === SWEEP_FILE)) sweepDirs.add(dir);
    else if (inRuns && entries.some((e) => e.name === RUN_FILE)) runDirs.add(dir);
    for (const e of entries) {
      if (!e.isDirectory() || e.name === 'node_modules' || e.name.startsWith('.')) continue;
      visit(path.join(dir, e.name), depth + 1, inRuns || e.name === 'ntkexp-runs');
    }
  };
  for (const root of roots) visit(root, 0, false);
  const tally = new SkipTally();
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (e) {
      if (!(e instanceof RunStoreError)) throw e;
      tally.skip(e.message);
      return undefined;
    }
  };
  const runNode = (dir: string): RunNode | undefined => {
    const info = attempt(() => readRunInfo(dir));
    return info ? { kind: 'run', dir, info } : undefined;
  };
  const nodes: RunNode[] = [];
  const listedSweeps: string[] = [];
  for (const dir of sweepDirs) {
    const sweep = attempt(() => readSweep(dir));
    if (!sweep) continue;
    listedSweeps.push(dir);
    const runs: RunNode[] = [];
    for (const r of sweep.runs) {
      if (r.problem) tally.skip(r.problem);
      const node = r.dir && existsNoFollow(path.join(r.dir, RUN_FILE)) ? runNode(r.dir) : undefined;
      if (node) runs.push(node);
    }
    for (const r of runs) runDirs.delete(r.dir);
    nodes.push({ kind: 'sweep', dir, info: sweep.info, runs });
  }
  for (const dir of runDirs) {
    if (listedSweeps.some((s) => dir.startsWith(s + path.sep))) continue;
    const node = runNode(dir);
    if (node) nodes.push(node);
  }
  return { nodes: nodes.sort((a, b) => b.info.started.localeCompare(a.info.started)), skipped: tally.result };
}

export function scanRuns(roots: readonly string[], extra: readonly string[] = []): RunNode[] {
  return scanRunFolders(roots, extra).nodes;
}

function icon(status: RunStatus): vscode.ThemeIcon {
  const [id, color] = STATUS_ICON[status] ?? ['question', undefined];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

function describe(status: RunStatus, started: string): string {
  const when = started ? new Date(started).toLocaleString() : '';
  return `${status} · ${when}`;
}

function variedLabel(varied: Readonly<Record<string, unknown>>): string {
  return Object.entries(varied)
    .map(([k, v]) => `${k} = ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)
    .join(', ');
}
