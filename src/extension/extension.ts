import * as vscode from 'vscode';
import { compareRuns, deleteRun, exportCharts, openResults, revealRun, folderOf } from './commands/resultsCommands';
import { planRun } from './commands/planCommand';
import { runExperiment, showTheory, stopRuns } from './commands/runCommands';
import { newExperiment, selectBackend } from './commands/setupCommands';
import { registerLanguageFeatures } from './language';
import { disposeLog, log, showError } from './log';
import { PANEL_VIEW_TYPE, RunPanel, type PanelHost } from './panels/runPanel';
import { RunManager } from './runs/runManager';
import { RunsTreeProvider } from './runs/runsTree';
import { RunStatusBar } from './runs/statusBar';

/**
 * The extension: `activate` only registers (VS Code samples' rule); every piece owns its subscriptions
 * and is disposed with the context. The only code that imports `vscode` lives under src/extension.
 */
export function activate(context: vscode.ExtensionContext): void {
  const runs = new RunManager();
  const host: PanelHost = { extensionUri: context.extensionUri, runs, state: context.workspaceState };
  const tree = new RunsTreeProvider(runs);
  context.subscriptions.push(
    runs,
    tree,
    new RunStatusBar(runs),
    { dispose: () => RunPanel.disposeAll() },
    { dispose: disposeLog },
    vscode.window.registerTreeDataProvider('ntkexp.runs', tree),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => RunPanel.revive(host, panel, state),
    }),
  );
  registerLanguageFeatures(context);
  // A run's panel opens as it starts, so measurements are seen as they arrive (a sweep: one panel).
  context.subscriptions.push(
    runs.onDidChange((e) => {
      if (e.kind === 'started') RunPanel.createOrShow(host, [e.run.sweepDir ?? e.run.dir]);
    }),
  );

  const command = (id: string, handler: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (e) {
          log().error(`${id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
          void showError(`NTK: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        }
      }),
    );
  };
  command('ntkexp.run', (uri, experiment) => runExperiment(runs, uri as vscode.Uri | undefined, experiment as string | undefined));
  command('ntkexp.stop', (dir) => stopRuns(runs, typeof dir === 'string' ? dir : undefined));
  command('ntkexp.showTheory', (uri, experiment) => showTheory(uri as vscode.Uri | undefined, experiment as string | undefined));
  command('ntkexp.planRun', (uri, experiment) => planRun(uri as vscode.Uri | undefined, experiment as string | undefined));
  command('ntkexp.openResults', (arg) => openResults(host, arg));
  command('ntkexp.compareRuns', (arg) => compareRuns(host, arg));
  command('ntkexp.newExperiment', () => newExperiment(context.extensionUri.fsPath));
  command('ntkexp.exportCharts', () => exportCharts());
  command('ntkexp.selectBackend', () => selectBackend());
  command('ntkexp.showLog', () => log().show(true));
  command('ntkexp.runs.refresh', () => tree.refresh());
  command('ntkexp.runs.open', (arg) => openResults(host, arg));
  command('ntkexp.runs.reveal', (arg) => revealRun(arg));
  command('ntkexp.runs.compare', (arg) => compareRuns(host, arg));
  command('ntkexp.runs.stop', (arg) => stopRuns(runs, folderOf(arg)));
  command('ntkexp.runs.delete', async (arg) => {
    if (await deleteRun(host, arg)) tree.refresh();
  });
  log().info(`NTK Hessian Explorer activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode: running is disabled'})`);
}

export function deactivate(): void {
  // Subscriptions are disposed by VS Code; running engines get their cancel through RunManager.dispose.
}
