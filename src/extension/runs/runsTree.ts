import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RUN_FILE, SWEEP_FILE, type RunInfo, type RunStatus, type SweepInfo } from '../../run/runFiles';
import type { RunManager } from './runManager';

/**
 * The "Runs" view of the NTK activity-bar container: every run folder of the workspace (found by its
 * run.json under an `ntkexp-runs` folder), newest first, sweeps as parents of their runs, each with its
 * status (live ones from the run manager). Refreshes when run files change or runs start and end.
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
    const tip = new vscode.MarkdownString(
      [
        `**${info.title}** (${info.experiment})`,
        `${info.status}${info.error ? `: ${info.error}` : ''}`,
        `trials ${info.trials.join(', ')} · P = ${info.parameters} · N = ${info.samples} · backend ${info.backend}`,
        `started ${info.started}${info.ended ? `, ended ${info.ended}` : ''}`,
        `\`${node.dir}\``,
      ].join('\n\n'),
    );
    item.tooltip = tip;
    item.command = { command: 'ntkexp.runs.open', title: 'Open Run', arguments: [node.dir] };
    return item;
  }

  getChildren(node?: RunNode): RunNode[] {
    if (node) return node.kind === 'sweep' ? node.runs : [];
    return scanRuns((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), this.runs.running.map((r) => r.dir));
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
 * node_modules and dot folders), plus `extra` folders (live runs elsewhere), newest first.
 */
export function scanRuns(roots: readonly string[], extra: readonly string[] = []): RunNode[] {
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
    if (inRuns && entries.some((e) => e.isFile() && e.name === SWEEP_FILE)) sweepDirs.add(dir);
    else if (inRuns && entries.some((e) => e.isFile() && e.name === RUN_FILE)) runDirs.add(dir);
    for (const e of entries) {
      if (!e.isDirectory() || e.name === 'node_modules' || e.name.startsWith('.')) continue;
      visit(path.join(dir, e.name), depth + 1, inRuns || e.name === 'ntkexp-runs');
    }
  };
  for (const root of roots) visit(root, 0, false);
  const runNode = (dir: string): RunNode | undefined => {
    const info = readJson<RunInfo>(path.join(dir, RUN_FILE));
    return info ? { kind: 'run', dir, info } : undefined;
  };
  const nodes: RunNode[] = [];
  for (const dir of sweepDirs) {
    const info = readJson<SweepInfo>(path.join(dir, SWEEP_FILE));
    if (!info) continue;
    const runs = info.runs.map((r) => runNode(path.join(dir, r.id))).filter((n): n is RunNode => !!n);
    for (const r of runs) runDirs.delete(r.dir);
    nodes.push({ kind: 'sweep', dir, info, runs });
  }
  for (const dir of runDirs) {
    if ([...sweepDirs].some((s) => dir.startsWith(s + path.sep))) continue;
    const node = runNode(dir);
    if (node) nodes.push(node);
  }
  return nodes.sort((a, b) => (b.info.started ?? '').localeCompare(a.info.started ?? ''));
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
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
