import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log, showError } from '../log';
import type { RunManager } from '../runs/runManager';
import { requireTrust } from '../trust';

/**
 * Run Experiment, Stop Run, Show Theory and Plan Run. Each takes the document (a Uri, from the CodeLens or the
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

/**
 * Plan Run: `ntkexp run FILE --plan` in a child process (it times a short run of the experiment in
 * engines of its own), for this machine or a cluster shape the user types, shown as a read-only
 * document. Cancelling kills the child, whose engines end with it (they exit when their parent does).
 */
export async function planRun(uri?: vscode.Uri, experiment?: string): Promise<void> {
  if (!(await requireTrust())) return;
  const target = uri instanceof vscode.Uri ? uri : await pickExperimentFile();
  if (!target) return;
  const shape = await vscode.window.showInputBox({
    title: 'NTK: plan the run',
    prompt: 'A cluster to plan for, as nodes × cores per node (× GB of memory per node); leave empty for this machine',
    placeHolder: 'e.g. 10x8 or 10x8x128',
    validateInput: (v) => (parseClusterShape(v) === undefined ? 'nodes × cores, e.g. 10x8, or 10x8x128 with the memory per node in GB; empty for this machine' : undefined),
  });
  if (shape === undefined) return;
  const cluster = parseClusterShape(shape)!;
  const args = ['run', target.fsPath, '--plan', ...(typeof experiment === 'string' ? ['--experiment', experiment] : []), ...cluster];
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `NTK: timing a short run of ${path.basename(target.fsPath)} to plan it`, cancellable: true },
    (_progress, token) => runCli(args, token),
  );
  if (result.stderr.trim()) log().info(`ntkexp ${args.join(' ')}:\n${result.stderr.trim()}`);
  if (result.cancelled) return;
  if (result.code !== 0) {
    await showError(`NTK: the run could not be planned: ${firstLine(result, 'run --plan')}`);
    return;
  }
  const command = `ntkexp ${['run', vscode.workspace.asRelativePath(target), '--plan', ...args.slice(3)].join(' ')}`;
  await showReadOnly(`# ${command}\n# (docs/CLUSTER.md: what the figures mean; --json for a machine-readable plan, --calibration to reuse it)\n\n${result.stdout}`);
}

/** "10x8" or "10x8x128" (nodes × cores × GB) as the CLI's flags; empty: none; undefined: not a shape. */
export function parseClusterShape(text: string): string[] | undefined {
  const t = text.trim();
  if (t === '') return [];
  const m = /^(\d{1,6})\s*[x×]\s*(\d{1,6})(?:\s*[x×]\s*(\d{1,7}(?:\.\d+)?))?$/i.exec(t);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1 || (m[3] !== undefined && !(Number(m[3]) > 0))) return undefined;
  return ['--nodes', m[1], '--cores-per-node', m[2], ...(m[3] !== undefined ? ['--memory-per-node', m[3]] : [])];
}

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly cancelled: boolean;
}

/** `ntkexp ARGS` in a child process (the extension host never computes); a cancel kills it. */
function runCli(args: readonly string[], token?: vscode.CancellationToken): Promise<CliResult> {
  const { entry, execArgv } = cliEntry();
  return new Promise((resolve) => {
    let cancelled = false;
    const child = execFile(
      process.execPath,
      [...execArgv, entry, ...args],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        cancellation?.dispose();
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, cancelled });
      },
    );
    const cancellation = token?.onCancellationRequested(() => {
      cancelled = true;
      child.kill();
    });
  });
}

/** The CLI's first line of error, without its `ntkexp VERB: ` prefix. */
function firstLine(result: CliResult, verb: string): string {
  const line = result.stderr.split('\n').find((l) => l.trim()) ?? `exit ${result.code}`;
  const prefix = `ntkexp ${verb}: `;
  return line.startsWith(prefix) ? line.slice(prefix.length) : line;
}

async function showReadOnly(content: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ content, language: 'plaintext' });
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

