import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RUN_FILE, SWEEP_FILE } from '../../run/runFiles';
import { showError } from '../log';
import { RunPanel, type PanelHost } from '../panels/runPanel';
import { scanRuns, type RunNode } from '../runs/runsTree';

/**
 * Open Results…, Compare Runs…, Export Charts… and the runs view's item actions. Opening results is
 * reading files, so it works in Restricted Mode.
 */
export function isRunFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, RUN_FILE)) || fs.existsSync(path.join(dir, SWEEP_FILE));
}

/** A folder argument from the runs view (a node), a command link (a string) or a Uri. */
export function folderOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'object' && arg !== null && typeof (arg as RunNode).dir === 'string') return (arg as RunNode).dir;
  return undefined;
}

export async function openResults(host: PanelHost, arg?: unknown): Promise<void> {
  let dir = folderOf(arg);
  if (!dir) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Open Results',
      title: 'A run folder (with run.json) or a sweep folder (with sweep.json)',
      defaultUri: defaultRunsUri(),
    });
    dir = picked?.[0]?.fsPath;
    if (!dir) return;
  }
  if (!isRunFolder(dir)) {
    await showError(`${dir} is not a run folder: it has neither ${RUN_FILE} nor ${SWEEP_FILE}.`);
    return;
  }
  RunPanel.createOrShow(host, [dir]);
}

export async function compareRuns(host: PanelHost, first?: unknown): Promise<void> {
  const all = scanRuns((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), host.runs.running.map((r) => r.dir)).flatMap((n) => (n.kind === 'sweep' ? n.runs : [n]));
  const firstDir = folderOf(first);
  const items = all
    .filter((n) => n.dir !== firstDir)
    .map((n) => ({ label: n.info.experiment, description: `${n.info.status} · ${n.info.started}`, detail: n.dir, dir: n.dir }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('NTK: no other runs in this workspace to compare.');
    return;
  }
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: firstDir ? `Compare ${path.basename(firstDir)} with…` : 'Compare which runs?' });
  if (!picked || picked.length === 0) return;
  const dirs = [...(firstDir ? [firstDir] : []), ...picked.map((p) => p.dir)];
  RunPanel.createOrShow(host, dirs);
}

export async function exportCharts(): Promise<void> {
  const panel = RunPanel.current;
  if (!panel) {
    void vscode.window.showInformationMessage('NTK: open a run panel first; Export Charts… saves the charts of the panel in front.');
    return;
  }
  const target = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Export Here', title: 'Folder for the PNG and CSV files' });
  const dir = target?.[0]?.fsPath;
  if (!dir) return;
  try {
    const charts = await panel.exportCharts();
    for (const c of charts) {
      fs.writeFileSync(path.join(dir, `${c.name}.png`), Buffer.from(c.png.slice('data:image/png;base64,'.length), 'base64'));
      fs.writeFileSync(path.join(dir, `${c.name}.csv`), c.csv);
    }
    void vscode.window.showInformationMessage(`NTK: exported ${charts.length} charts (PNG and CSV) to ${dir}.`);
  } catch (e) {
    await showError(`NTK: export failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export async function revealRun(arg: unknown): Promise<void> {
  const dir = folderOf(arg);
  if (dir) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(dir));
}

export async function deleteRun(host: PanelHost, arg: unknown): Promise<boolean> {
  const dir = folderOf(arg);
  if (!dir || !isRunFolder(dir)) return false;
  if (host.runs.liveRun(dir)?.info.status === 'running') {
    void vscode.window.showWarningMessage('NTK: stop the run before deleting it.');
    return false;
  }
  const choice = await vscode.window.showWarningMessage(`Delete the run folder ${dir} and everything in it?`, { modal: true }, 'Delete');
  if (choice !== 'Delete') return false;
  fs.rmSync(dir, { recursive: true, force: true });
  return true;
}

function defaultRunsUri(): vscode.Uri | undefined {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!root) return undefined;
  const runs = path.join(root, 'ntkexp-runs');
  return vscode.Uri.file(fs.existsSync(runs) ? runs : root);
}
