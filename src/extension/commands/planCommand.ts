import * as path from 'node:path';
import * as vscode from 'vscode';
import { log, showError } from '../log';
import { requireTrust } from '../trust';
import { firstLine, runCli } from './cliProcess';
import { pickExperimentFile, showReadOnly } from './runCommands';

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

