import type * as vscode from 'vscode';
import { EventEmitter, Uri, ViewColumn } from './core';

/**
 * A fake WebviewPanel and Webview. The extension side behaves as in VS Code: messages are cloned (JSON
 * semantics, typed arrays kept) and delivered only to a live webview — visible, or hidden with
 * `retainContextWhenHidden` — otherwise `postMessage` resolves false and the message lands in `dropped`;
 * a disposed panel's webview throws. The "user" side is for tests: `receive(message)` sends a message
 * from the page, `simulateHide/simulateShow/simulateClose` change the panel as the editor would.
 */

/** What VS Code does to a message on its way: JSON rules (undefined and functions dropped, NaN → null), typed arrays and ArrayBuffers kept. */
export function cloneMessage(value: unknown): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return structuredClone(value);
  if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === 'function' ? null : cloneMessage(v)));
  if (typeof value === 'object') {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return cloneMessage(json.call(value));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined && typeof v !== 'function' && typeof v !== 'symbol') out[k] = cloneMessage(v);
    }
    return out;
  }
  return undefined;
}

export class FakeWebview implements vscode.Webview {
  options: vscode.WebviewOptions;
  readonly cspSource = 'https://*.vscode-cdn.net';
  /** Every value assigned to `html`, in order (a reload of a hidden panel shows as a repeat). */
  readonly htmlHistory: string[] = [];
  /** Messages delivered to the page. */
  readonly posted: unknown[] = [];
  /** Messages posted while the page was not live. */
  readonly dropped: unknown[] = [];
  #html = '';
  readonly #received = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.#received.event;

  constructor(
    private readonly panel: { readonly isLive: boolean; readonly isDisposed: boolean },
    options: vscode.WebviewOptions = {},
  ) {
    this.options = options;
  }

  #check(): void {
    if (this.panel.isDisposed) throw new Error('Webview is disposed');
  }

  get html(): string {
    return this.#html;
  }
  set html(value: string) {
    this.#check();
    this.#html = value;
    this.htmlHistory.push(value);
  }

  postMessage(message: unknown): Thenable<boolean> {
    this.#check();
    const copy = cloneMessage(message);
    if (!this.panel.isLive) {
      this.dropped.push(copy);
      return Promise.resolve(false);
    }
    this.posted.push(copy);
    return Promise.resolve(true);
  }

  asWebviewUri(localResource: vscode.Uri): vscode.Uri {
    return Uri.from({ scheme: 'https', authority: `${localResource.scheme}+.vscode-resource.vscode-cdn.net`, path: localResource.path });
  }

  /** A message from the page (what `acquireVsCodeApi().postMessage` would send). */
  receive(message: unknown): void {
    this.#received.fire(cloneMessage(message));
  }
}

export class FakeWebviewPanel implements vscode.WebviewPanel {
  title: string;
  iconPath?: vscode.Uri | { readonly light: vscode.Uri; readonly dark: vscode.Uri };
  readonly options: vscode.WebviewPanelOptions;
  viewColumn: vscode.ViewColumn | undefined;
  active = true;
  visible = true;
  isDisposed = false;
  /** reveal() calls, for assertions. */
  readonly reveals: { viewColumn?: vscode.ViewColumn; preserveFocus?: boolean }[] = [];
  readonly #webview: FakeWebview;
  readonly #viewState = new EventEmitter<vscode.WebviewPanelOnDidChangeViewStateEvent>();
  readonly #disposed = new EventEmitter<void>();
  readonly onDidChangeViewState = this.#viewState.event;
  readonly onDidDispose = this.#disposed.event;

  constructor(
    readonly viewType: string,
    title: string,
    showOptions: vscode.ViewColumn | { readonly viewColumn: vscode.ViewColumn; readonly preserveFocus?: boolean } | undefined,
    options: vscode.WebviewPanelOptions & vscode.WebviewOptions = {},
  ) {
    this.title = title;
    const column = typeof showOptions === 'object' ? showOptions.viewColumn : showOptions;
    this.viewColumn = column === ViewColumn.Beside ? ViewColumn.Two : column === ViewColumn.Active || column === undefined ? ViewColumn.One : column;
    this.options = { enableFindWidget: options.enableFindWidget, retainContextWhenHidden: options.retainContextWhenHidden };
    this.#webview = new FakeWebview(this, {
      enableScripts: options.enableScripts,
      enableForms: options.enableForms,
      enableCommandUris: options.enableCommandUris,
      localResourceRoots: options.localResourceRoots,
      portMapping: options.portMapping,
    });
  }

  get isLive(): boolean {
    return !this.isDisposed && (this.visible || this.options.retainContextWhenHidden === true);
  }

  get webview(): FakeWebview {
    if (this.isDisposed) throw new Error('Webview is disposed');
    return this.#webview;
  }

  reveal(viewColumn?: vscode.ViewColumn, preserveFocus?: boolean): void {
    if (this.isDisposed) throw new Error('Webview is disposed');
    this.reveals.push({ viewColumn, preserveFocus });
    if (viewColumn !== undefined && viewColumn > 0) this.viewColumn = viewColumn;
    this.#setState(true, !preserveFocus);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.visible = false;
    this.active = false;
    this.#disposed.fire();
    this.#disposed.dispose();
    this.#viewState.dispose();
  }

  #setState(visible: boolean, active: boolean): void {
    if (this.visible === visible && this.active === active) return;
    const reload = visible && !this.visible && !this.options.retainContextWhenHidden;
    this.visible = visible;
    this.active = active;
    // A page that was thrown away while hidden loads its html again when shown.
    if (reload && this.#webview.html) this.#webview.htmlHistory.push(this.#webview.html);
    this.#viewState.fire({ webviewPanel: this });
  }

  /** The user switched to another editor tab: the panel is hidden (its page discarded unless retained). */
  simulateHide(): void {
    this.#setState(false, false);
  }
  /** The user came back to the panel. */
  simulateShow(active = true): void {
    this.#setState(true, active);
  }
  /** The user closed the panel. */
  simulateClose(): void {
    this.dispose();
  }
}
