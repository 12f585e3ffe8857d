import * as vscode from 'vscode';
import type { RunManager } from './runManager';

/**
 * A status-bar item for the active runs: the experiment, the trial and step of the slowest trial, and
 * how many runs go on; clicking stops them (with a confirmation in the command). Hidden when idle. The
 * `ntkexp.running` context key drives the palette's Stop Run.
 */
export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ntkexp.run', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;
  private readonly progress = new Map<string, string>();

  constructor(private readonly runs: RunManager) {
    this.item.name = 'NTK run';
    this.item.command = 'ntkexp.stop';
    this.subscription = runs.onDidChange((e) => {
      if (e.kind === 'message' && e.message.type === 'progress') {
        const m = e.message;
        this.progress.set(e.run.dir, `${e.run.info.experiment} · trial ${m.trial + 1}/${e.run.info.trials.length} · step ${m.step}/${m.steps}`);
      }
      if (e.kind === 'ended') this.progress.delete(e.run.dir);
      this.render();
    });
    this.render();
  }

  private render(): void {
    const running = this.runs.running;
    void vscode.commands.executeCommand('setContext', 'ntkexp.running', running.length > 0);
    if (running.length === 0) {
      this.item.hide();
      return;
    }
    const first = this.progress.get(running[0].dir) ?? running[0].info.experiment;
    this.item.text = `$(sync~spin) NTK: ${first}${running.length > 1 ? ` (+${running.length - 1})` : ''}`;
    this.item.tooltip = `${running.length} run(s) in progress — click to stop`;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
