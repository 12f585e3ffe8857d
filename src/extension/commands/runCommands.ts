import * as path from 'node:path';
import * as vscode from 'vscode';
import { log, showError } from '../log';
import type { RunManager } from '../runs/runManager';
import { requireTrust } from '../trust';
import { firstLine, runCli } from './cliProcess';

/**
 * Run Experiment, Stop Run and Show Theory. Each takes the document (a Uri, from the CodeLens or the
 * editor title) and optionally an experiment name; from the palette they use the active editor, or ask
 * for an .ntkexp file of the workspace.
 */
export async function runExperiment(runs: RunManager, uri?: vscode.Uri, experiment?: string): Promise<void> {
  const target = uri instanceof vscode.Uri ? uri : await pickExperimentFile();
  if (!target) return;
  await runs.run(target, typeof experiment === 'string' ? experiment : undefined);
}

export async function stopRuns(runs: RunManager, dir?: string): Promise<void> {
  const running = runs.running;
  if (running.length === 0) {
    void vscode.window.showInformationMessage('NTK: no run in progress.');
    return;
  }
  if (typeof dir === 'string') {
    runs.stop(dir);
    return;
  }
  if (running.length === 1) {
    runs.stop(running[0].dir);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    [{ label: 'All runs', dir: undefined as string | undefined }, ...running.map((r) => ({ label: r.info.experiment, description: r.dir, dir: r.dir }))],
    { title: 'Stop which run?' },
  );
  if (picked) runs.stop(picked.dir);
}

/**
 * The kernels and expected moments of an experiment, computed by `ntkexp theory` in a child process
 * (the extension host never computes) and shown as a read-only document.
 */
export async function showTheory(uri?: vscode.Uri, experiment?: string): Promise<void> {
  if (!(await requireTrust())) return;
  const target = uri instanceof vscode.Uri ? uri : await pickExperimentFile();
  if (!target) return;
  const args = ['theory', target.fsPath, ...(typeof experiment === 'string' ? ['--experiment', experiment] : [])];
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'NTK: computing the infinite-width theory' }, () => runCli(args));
  if (result.stderr.trim()) log().info(`ntkexp ${args.join(' ')}:\n${result.stderr.trim()}`);
  if (result.code !== 0) {
    await showError(`NTK: the theory could not be computed: ${firstLine(result, 'theory')}`);
    return;
  }
  const warnings = result.stderr
    .split('\n')
    .filter((l) => l.includes('warning:'))
    .map((l) => `# ${l.replace(/^ntkexp theory: /, '')}`);
  await showReadOnly([...warnings, result.stdout].join('\n'));
}

/** A computed text (a theory, a plan) as a read-only document beside the file. */
export async function showReadOnly(content: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ content, language: 'plaintext' });
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}

/** The active .ntkexp editor's file, else the workspace's only one, else the one the user picks. */
export async function pickExperimentFile(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === 'ntkexp') return active.uri;
  const files = await vscode.workspace.findFiles('**/*.ntkexp', '**/node_modules/**', 200);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('NTK: no .ntkexp file in this workspace. Use "NTK: New Experiment from Template" to start one.');
    return undefined;
  }
  if (files.length === 1) return files[0];
  const picked = await vscode.window.showQuickPick(
    files.map((f) => ({ label: path.basename(f.fsPath), description: vscode.workspace.asRelativePath(f), uri: f })),
    { title: 'Which experiment file?' },
  );
  return picked?.uri;
}

