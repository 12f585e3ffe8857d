import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineMessage } from '../../run/protocol';
import { RUN_FILE, SWEEP_FILE, SWEEP_SUMMARY_FILE, type RunInfo, type SweepInfo, type SweepSummary } from '../../run/runFiles';
import { readRun } from '../../run/readStore';
import { log } from '../log';
import type { RunManager } from '../runs/runManager';
import { MessageBatcher } from './batcher';
import { panelHtml, type PanelIdentity } from './html';
import { validateReply, type ExportedChart } from './replies';

/**
 * One panel per run (or per comparison, or per sweep): Chart.js charts in a webview that draws from
 * the same records the run folder holds. Opening or revealing sends everything (a replay: reset, run
 * infos, records, summaries) when the webview says it is ready; a live run's new records follow in
 * batches of at most ten a second. No `retainContextWhenHidden`: a hidden panel is rebuilt from a
 * replay, and a window reload revives it through the serializer from the webview's saved state.
 */
export const PANEL_VIEW_TYPE = 'ntkexp.run';

export interface PanelHost {
  readonly extensionUri: vscode.Uri;
  readonly runs: RunManager;
}

export class RunPanel implements vscode.Disposable {
  private static readonly open = new Map<string, RunPanel>();
  private static active: RunPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly batcher: MessageBatcher<EngineMessage>;
  private readonly pendingExports = new Map<number, (charts: readonly ExportedChart[]) => void>();
  private nextExport = 1;
  private dirs: string[];

  /** Show the panel of these folders, creating it if needed. */
  static createOrShow(host: PanelHost, dirs: readonly string[], title?: string): RunPanel {
    const key = panelKey(dirs);
    const existing = RunPanel.open.get(key);
    if (existing) {
      existing.panel.reveal(undefined, false);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, title ?? panelTitle(dirs), vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(host.extensionUri, 'dist')],
    });
    return new RunPanel(panel, host, dirs.map((d) => path.resolve(d)));
  }

  /** Bring back a panel after a window reload, from the identity the webview saved in its state. */
  static revive(host: PanelHost, panel: vscode.WebviewPanel, state: unknown): void {
    const identity = (state as { panel?: PanelIdentity } | undefined)?.panel;
    const dirs = Array.isArray(identity?.dirs) ? identity.dirs.filter((d): d is string => typeof d === 'string' && fs.existsSync(d)) : [];
    if (dirs.length === 0) {
      panel.webview.html = `<!DOCTYPE html><html><body><p>The run this panel showed is no longer on disk.</p></body></html>`;
      return;
    }
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(host.extensionUri, 'dist')] };
    new RunPanel(panel, host, dirs);
  }

  /** The panel that was focused last (for Export Charts…). */
  static get current(): RunPanel | undefined {
    return RunPanel.active;
  }

  static disposeAll(): void {
    for (const p of [...RunPanel.open.values()]) p.dispose();
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly host: PanelHost,
    dirs: string[],
  ) {
    this.dirs = dirs;
    RunPanel.open.set(panelKey(dirs), this);
    RunPanel.active = this;
    this.batcher = new MessageBatcher((messages) => void this.post({ type: 'batch', messages }));
    panel.webview.html = panelHtml(panel.webview, host.extensionUri, { dirs, title: panel.title });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) RunPanel.active = this;
        void vscode.commands.executeCommand('setContext', 'ntkexp.panelActive', e.webviewPanel.active);
      }),
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      host.runs.onDidChange((e) => {
        if (e.kind === 'started' && e.run.sweepDir && this.dirs.includes(e.run.sweepDir)) return this.replay();
        if (!this.shows(e.run.dir)) return;
        if (e.kind === 'message' && e.message.type !== 'progress' && e.message.type !== 'params') this.batcher.push(e.message);
        if (e.kind === 'ended') {
          this.batcher.flush();
          void this.post({ type: 'runInfo', info: e.run.info });
          if (e.run.summary) void this.post({ type: 'summary', summary: e.run.summary });
        }
      }),
    );
  }

  /** Ask the webview for every chart as PNG and CSV. */
  exportCharts(): Promise<readonly ExportedChart[]> {
    const request = this.nextExport++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingExports.delete(request);
        reject(new Error('the panel did not answer the export request within 20 s'));
      }, 20_000);
      this.pendingExports.set(request, (charts) => {
        clearTimeout(timer);
        resolve(charts);
      });
      void this.post({ type: 'export', request });
    });
  }

  dispose(): void {
    RunPanel.open.delete(panelKey(this.dirs));
    if (RunPanel.active === this) RunPanel.active = undefined;
    this.batcher.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private shows(dir: string): boolean {
    return this.dirs.includes(dir) || this.dirs.some((d) => dir.startsWith(d + path.sep));
  }

  private receive(raw: unknown): void {
    const reply = validateReply(raw);
    if (!reply) {
      log().warn(`ignored a malformed message from a run panel: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    if (reply.type === 'ready') this.replay();
    else if (reply.type === 'rejected') log().warn(`a run panel dropped a message: ${reply.reason}`);
    else if (reply.type === 'exported') this.pendingExports.get(reply.request)?.(reply.charts);
  }

  /** Everything the panel shows, from the live runs and the folders on disk. */
  private replay(): void {
    this.batcher.clear();
    void this.post({ type: 'reset' });
    for (const dir of this.dirs) {
      if (fs.existsSync(path.join(dir, SWEEP_FILE))) {
        const info = readJson<SweepInfo>(path.join(dir, SWEEP_FILE));
        if (!info) continue;
        const summary = readJson<SweepSummary>(path.join(dir, SWEEP_SUMMARY_FILE));
        void this.post({ type: 'sweepInfo', info, ...(summary ? { summary } : {}) });
        for (const r of info.runs) this.replayRun(path.join(dir, r.id));
      } else {
        this.replayRun(dir);
      }
    }
  }

  private replayRun(dir: string): void {
    const live = this.host.runs.liveRun(dir);
    if (live) {
      void this.post({ type: 'runInfo', info: live.info });
      void this.post({ type: 'batch', messages: [...live.records] });
      if (live.summary) void this.post({ type: 'summary', summary: live.summary });
      return;
    }
    if (!fs.existsSync(path.join(dir, RUN_FILE))) return;
    try {
      const stored = readRun(dir);
      void this.post({ type: 'runInfo', info: stored.info });
      void this.post({ type: 'batch', messages: stored.records.map((r) => ({ ...r, run: r.run ?? stored.info.id })) });
      if (stored.summary) void this.post({ type: 'summary', summary: stored.summary });
    } catch (e) {
      log().error(`cannot read the run in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private post(message: unknown): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }
}

function panelKey(dirs: readonly string[]): string {
  return [...dirs].map((d) => path.resolve(d)).sort().join('\n');
}

function panelTitle(dirs: readonly string[]): string {
  const names = dirs.map((d) => readJson<RunInfo>(path.join(d, RUN_FILE))?.experiment ?? readJson<SweepInfo>(path.join(d, SWEEP_FILE))?.experiment ?? path.basename(d));
  return names.length === 1 ? `NTK: ${names[0]}` : `NTK: ${names.join(' vs ')}`;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

