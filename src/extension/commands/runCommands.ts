import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log, showError } from '../log';
import type { RunManager } from '../runs/runManager';
import { requireTrust } from '../trust';

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
  const { entry, execArgv } = cliEntry();
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'NTK: computing the infinite-width theory' }, () =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [...execArgv, entry, ...args],
        { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    }),
  );
  if (result.stderr.trim()) log().info(`ntkexp ${args.join(' ')}:\n${result.stderr.trim()}`);
  if (result.code !== 0) {
    const first = result.stderr.split('\n').find((l) => l.trim()) ?? `exit ${result.code}`;
    await showError(`NTK: the theory could not be computed: ${first.replace(/^ntkexp theory: /, '')}`);
    return;
  }
  const warnings = result.stderr
    .split('\n')
    .filter((l) => l.includes('warning:'))
    .map((l) => `# ${l.replace(/^ntkexp theory: /, '')}`);
  const doc = await vscode.workspace.openTextDocument({ content: [...warnings, result.stdout].join('\n'), language: 'plaintext' });
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}

/** The CLI to spawn: the bundle beside this one, or the TypeScript sources through tsx. */
export function cliEntry(): { entry: string; execArgv: string[] } {
  if (__filename.endsWith('.ts')) return { entry: path.join(__dirname, '..', '..', 'cli', 'main.ts'), execArgv: ['--import', 'tsx', '-e', 'require(process.argv[1]).main(process.argv.slice(2)).then((c) => process.exit(c))'] };
  const bundled = path.join(__dirname, 'cli.js');
  return { entry: bundled, execArgv: ['-e', 'require(process.argv[1]).main(process.argv.slice(2)).then((c) => process.exit(c))'] };
}

async function pickExperimentFile(): Promise<vscode.Uri | undefined> {
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

