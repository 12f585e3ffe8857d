import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runFolderKind } from '../../run/readStore';
import { realPathInsideAny } from '../../run/realInside';
import { isBelow } from '../../run/regularFile';
import { showError, showInformation, showWarning } from '../log';
import { RunPanel, type PanelHost } from '../panels/runPanel';
import { scanRuns, type RunNode } from '../runs/runsTree';

/**
 * Open Results…, Compare Runs…, Export Charts… and the runs view's item actions. Opening results is
 * reading files, and deleting a run removes one's own results, so both work in Restricted Mode; both
 * act only on folders proven to be run or sweep folders (a valid run.json or sweep.json), and deleting
 * only inside a workspace folder.
 */

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
  const proven = runFolderKind(dir);
  if (proven.kind === undefined) {
    await showError(`NTK: cannot open ${dir}: ${proven.reason}.`);
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
    void showInformation('NTK: no other runs in this workspace to compare.');
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
    void showInformation('NTK: open a run panel first; Export Charts… saves the charts of the panel in front.');
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
    void showInformation(`NTK: exported ${charts.length} charts (PNG and CSV) to ${dir}.`);
  } catch (e) {
    await showError(`NTK: export failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export async function revealRun(arg: unknown): Promise<void> {
  const dir = folderOf(arg);
  if (dir) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(dir));
}

/**
 * Why a folder may not be deleted, or its real path: it must itself be a folder (not a link to one),
 * lie inside a workspace folder once every link is resolved, and be proven a run or sweep folder.
 */
export function deletableRunFolder(dir: string, workspaceFolders: readonly string[]): { real: string } | { refused: string } {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return { refused: `${dir} does not exist` };
  }
  if (stat.isSymbolicLink()) return { refused: `${dir} is a symbolic link, not a run folder` };
  if (!stat.isDirectory()) return { refused: `${dir} is not a folder` };
  const inside = realPathInsideAny(workspaceFolders, dir);
  if (!inside.ok) return { refused: inside.reason };
  const proven = runFolderKind(inside.real);
  return proven.kind === undefined ? { refused: proven.reason } : { real: inside.real };
}

export async function deleteRun(host: PanelHost, arg: unknown): Promise<boolean> {
  const dir = folderOf(arg);
  if (!dir) return false;
  const check = (): ReturnType<typeof deletableRunFolder> => deletableRunFolder(path.resolve(dir), (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
  const checked = check();
  if ('refused' in checked) {
    await showError(`NTK: not deleted: ${checked.refused}.`);
    return false;
  }
  // A run in progress in this folder, or in a sweep's sub-folder of it.
  if (host.runs.running.some((r) => [path.resolve(dir), checked.real].some((d) => r.dir === d || isBelow(d, r.dir)))) {
    void showWarning('NTK: stop the run before deleting it.');
    return false;
  }
  const choice = await showWarning(`Delete the run folder ${checked.real} and everything in it?`, { modal: true }, 'Delete');
  if (choice !== 'Delete') return false;
  // Checked again: the folder must still be the one confirmed (nothing swapped while the dialog was open).
  const again = check();
  if ('refused' in again || again.real !== checked.real) {
    await showError(`NTK: not deleted: ${'refused' in again ? again.refused : `${dir} now leads to ${again.real}`}.`);
    return false;
  }
  // rm never follows links inside the folder: a link is removed, not what it points to.
  fs.rmSync(checked.real, { recursive: true, force: true });
  return true;
}

function defaultRunsUri(): vscode.Uri | undefined {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!root) return undefined;
  const runs = path.join(root, 'ntkexp-runs');
  return vscode.Uri.file(fs.existsSync(runs) ? runs : root);
}
