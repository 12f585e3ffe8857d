import * as path from 'node:path';
import * as vscode from 'vscode';
import { MAX_NOTICE } from '../../contracts/panelMessages';
import type { EngineMessage } from '../../contracts/engineMessages';
import { readRun, readRunInfo, readSweep, readSweepInfo, runFolderKind, RunStoreError, storedRunNotices, type StoredSweep } from '../../run/readStore';
import { realPathInsideAny } from '../../run/realInside';
import { existsNoFollow } from '../../run/regularFile';
import { RUN_FILE, SWEEP_FILE } from '../../run/runFiles';
import { log } from '../log';
import type { RunManager } from '../runs/runManager';
import { MessageBatcher } from './batcher';
import { panelHtml, type PanelIdentity } from './html';
import { validateReply, type ExportedChart } from '../../contracts/panelMessages';

/**
 * One panel per run (or per comparison, or per sweep): Chart.js charts in a webview that draws from
 * the same records the run folder holds. Opening or revealing sends everything (a replay: reset, run
 * infos, records, summaries) when the webview says it is ready; a live run's new records follow in
 * batches of at most ten a second. No `retainContextWhenHidden`: a hidden panel is rebuilt from a
 * replay, and a window reload revives it through the serializer from the webview's saved state.
 * The folders' files are read through the checked reader (readStore.ts): a sweep's runs only from
 * confined folders named by valid ids; what cannot be read is said once in the panel (a notice, sent
 * again with each replay) and once in the log, and the rest is shown.
 */
export const PANEL_VIEW_TYPE = 'ntkexp.run';

export interface PanelHost {
  readonly extensionUri: vscode.Uri;
  readonly runs: RunManager;
  /** The workspace's memento: which folders its panels showed (a revived panel may show only those, or folders of the workspace). */
  readonly state: vscode.Memento;
}

const SHOWN_KEY = 'ntkexp.panelFolders';
const SHOWN_KEPT = 100;

export class RunPanel implements vscode.Disposable {
  private static readonly open = new Map<string, RunPanel>();
  private static active: RunPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly batcher: MessageBatcher<EngineMessage>;
  private readonly pendingExports = new Map<number, (charts: readonly ExportedChart[]) => void>();
  private nextExport = 1;
  private dirs: string[];
  /** Notices already written to the log by this panel (a replay repeats them in the panel only). */
  private readonly logged = new Set<string>();

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
    const resolved = dirs.map((d) => path.resolve(d));
    const shown = host.state.get<string[]>(SHOWN_KEY, []).filter((d) => !resolved.includes(d));
    void host.state.update(SHOWN_KEY, [...shown, ...resolved].slice(-SHOWN_KEPT));
    return new RunPanel(panel, host, resolved);
  }

  /** Bring back a panel after a window reload, from the identity the webview saved in its state. */
  static revive(host: PanelHost, panel: vscode.WebviewPanel, state: unknown): void {
    const identity = (state as { panel?: PanelIdentity } | undefined)?.panel;
    // The saved state comes from the webview (untrusted): only proven run or sweep folders that are in the
    // workspace or that a panel of this workspace showed before (the extension's own memento says which).
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const shown = host.state.get<string[]>(SHOWN_KEY, []);
    const known = (d: string): boolean => shown.includes(path.resolve(d)) || realPathInsideAny(roots, d).ok;
    const revivable = (d: unknown): d is string => typeof d === 'string' && path.isAbsolute(d) && known(d) && runFolderKind(d).kind !== undefined;
    const dirs = Array.isArray(identity?.dirs) ? identity.dirs.filter(revivable) : [];
    if (dirs.length === 0) {
      panel.webview.html = `<!DOCTYPE html><html><body><p>The run this panel showed is no longer on disk (or is not one this workspace opened): open it again with NTK: Open Results….</p></body></html>`;
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
    else if (reply.type === 'rejected') log().warn(`a run panel left out data it could not read: ${reply.reason}`);
    else if (reply.type === 'exported') this.pendingExports.get(reply.request)?.(reply.charts);
  }

  /** Everything the panel shows, from the live runs and the folders on disk. */
  private replay(): void {
    this.batcher.clear();
    void this.post({ type: 'reset' });
    for (const dir of this.dirs) {
      if (existsNoFollow(path.join(dir, SWEEP_FILE))) this.replaySweep(dir);
      else this.replayRun(dir);
    }
  }

  private replaySweep(dir: string): void {
    let sweep: StoredSweep;
    try {
      sweep = readSweep(dir);
    } catch (e) {
      if (!(e instanceof RunStoreError)) throw e;
      return this.notice(`${e.message}; the sweep is not shown`);
    }
    void this.post({ type: 'sweepInfo', info: sweep.info, ...(sweep.summary ? { summary: sweep.summary } : {}) });
    if (sweep.summaryProblem) this.notice(sweep.summaryProblem);
    for (const r of sweep.runs) {
      if (r.dir) this.replayRun(r.dir);
      else if (r.problem) this.notice(r.problem);
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
    if (!existsNoFollow(path.join(dir, RUN_FILE))) return;
    try {
      const stored = readRun(dir);
      void this.post({ type: 'runInfo', info: stored.info });
      void this.post({ type: 'batch', messages: stored.records.map((r) => ({ ...r, run: r.run ?? stored.info.id })) });
      if (stored.summary) void this.post({ type: 'summary', summary: stored.summary });
      for (const n of storedRunNotices(stored)) this.notice(n);
    } catch (e) {
      if (!(e instanceof RunStoreError)) throw e;
      this.notice(`${e.message}; the run is not shown`);
    }
  }

  /** Say something about the files in the panel (every replay) and in the log (once). */
  private notice(text: string): void {
    void this.post({ type: 'notice', text: text.length > MAX_NOTICE ? `${text.slice(0, MAX_NOTICE - 1)}…` : text });
    if (this.logged.has(text)) return;
    this.logged.add(text);
    log().warn(`run panel: ${text}`);
  }

  private post(message: unknown): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }
}

function panelKey(dirs: readonly string[]): string {
  return [...dirs].map((d) => path.resolve(d)).sort().join('\n');
}

function panelTitle(dirs: readonly string[]): string {
  const names = dirs.map((d) => experimentOf(d) ?? path.basename(d));
  return names.length === 1 ? `NTK: ${names[0]}` : `NTK: ${names.join(' vs ')}`;
}

function experimentOf(dir: string): string | undefined {
  try {
    return existsNoFollow(path.join(dir, SWEEP_FILE)) ? readSweepInfo(dir).experiment : readRunInfo(dir).experiment;
  } catch (e) {
    if (e instanceof RunStoreError) return undefined;
    throw e;
  }
}
