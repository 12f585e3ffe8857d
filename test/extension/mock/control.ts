import type * as vscode from 'vscode';
import { CancellationTokenSource, CodeActionTriggerKind, CompletionTriggerKind, Position, Range, Uri } from './core';
import { MockTextDocument, MockTextEditor } from './document';
import { type ProviderKind, type Registration, languagesState, providersFor } from './languages';
import { commandsState } from './commands';
import { createExtensionContext, disposeContext } from './context';
import { resetAll, state } from './state';
import { type PromptKind, type Responder, respond, window, windowState } from './window';
import { FakeWebviewPanel } from './webview';
import { closeDocument, editDocument, fireFileEvent, languageOf, openDocument, setConfiguration, setWorkspaceFolders, workspace, workspaceEvents, workspaceState } from './workspace';

/**
 * The test's side of the mocked editor: what a user or VS Code would do (open, edit and close
 * documents, change settings, grant trust, answer prompts, press Cancel, send webview messages, fire
 * file events), what the extension did (providers, diagnostics, commands run, messages shown, output,
 * status bar, panels, tree views), and calls into the captured language providers the way the editor
 * makes them. Call `vscodeMock.reset()` between tests (it also closes panels and clears settings).
 *
 *   const doc = vscodeMock.openDocument('/ws/a.ntkexp', 'experiment e { … }');   // fires onDidOpen
 *   vscodeMock.setText(doc, '…');                                                // fires onDidChange
 *   vscodeMock.configure('ntkexp.diagnosticsDelay', 10);
 *   await vscodeMock.waitFor(() => vscodeMock.diagnostics(doc.uri).length > 0);
 *   const items = await vscodeMock.complete(doc, new vscode.Position(3, 4));
 *   vscodeMock.respond('quickPick', 'fig1');                                     // next quick pick picks "fig1"
 *   vscodeMock.panels[0].webview.receive({ type: 'ready' });
 */

function token(): vscode.CancellationToken {
  return new CancellationTokenSource().token;
}

function flat<T>(results: readonly (T | readonly T[] | null | undefined)[]): T[] {
  return results.flatMap((r) => (r === null || r === undefined ? [] : Array.isArray(r) ? (r as T[]) : [r as T]));
}

async function callAll<T>(kind: ProviderKind, doc: vscode.TextDocument, call: (provider: any, reg: Registration) => T | readonly T[] | null | undefined | Thenable<T | readonly T[] | null | undefined>): Promise<T[]> {
  const results = await Promise.all(providersFor(kind, doc).map((reg) => call(reg.provider, reg)));
  return flat(results);
}

/** The registration that produced each completion item, for resolveCompletionItem. */
const completionOrigins = new WeakMap<object, Registration>();

const toUri = (pathOrUri: string | vscode.Uri): Uri => (typeof pathOrUri === 'string' ? (/^[a-z][a-z0-9+.-]*:/i.test(pathOrUri) && !/^[A-Za-z]:[\\/]/.test(pathOrUri) ? Uri.parse(pathOrUri) : Uri.file(pathOrUri)) : (pathOrUri as Uri));

export const vscodeMock = {
  /** Back to a fresh editor: no documents, providers, commands, settings, prompts, panels; trusted. */
  reset: resetAll,

  // ---- documents ----

  /** Open a document (a path, a `scheme:` string or a Uri) and fire onDidOpenTextDocument. */
  openDocument(pathOrUri: string | vscode.Uri, text: string, languageId?: string): MockTextDocument {
    const uri = toUri(pathOrUri);
    return openDocument(uri, text, languageId ?? languageOf(uri.path));
  },
  /** Replace the whole text (one edit), as typing would: version + 1, onDidChangeTextDocument. */
  setText(doc: vscode.TextDocument, text: string): void {
    const d = doc as MockTextDocument;
    editDocument(d, [{ range: new Range(new Position(0, 0), d.positionAt(d.getText().length)), newText: text }]);
  },
  /** Apply edits at once and fire onDidChangeTextDocument. */
  edit(doc: vscode.TextDocument, edits: { range: vscode.Range; newText: string }[]): void {
    editDocument(doc as MockTextDocument, edits);
  },
  /** Apply TextEdits returned by a provider (formatting, a code action's WorkspaceEdit entries). */
  applyTextEdits(doc: vscode.TextDocument, edits: readonly vscode.TextEdit[]): void {
    editDocument(doc as MockTextDocument, edits.map((e) => ({ range: e.range, newText: e.newText })));
  },
  closeDocument(doc: vscode.TextDocument): void {
    closeDocument(doc);
  },
  saveDocument(doc: vscode.TextDocument): void {
    void doc.save();
    workspaceEvents.save.fire(doc);
  },
  /** Show the document in an editor and make it active (fires onDidChangeActiveTextEditor). */
  async showDocument(doc: vscode.TextDocument): Promise<MockTextEditor> {
    return (await window.showTextDocument(doc)) as MockTextEditor;
  },
  get documents(): MockTextDocument[] {
    return [...workspaceState.documents.values()];
  },

  // ---- settings, trust, workspace ----

  /** Set a setting by its full key (undefined restores the default) and fire onDidChangeConfiguration. */
  configure(key: string, value: unknown): void {
    setConfiguration(key, value);
  },
  /** Restricted Mode (false) or trusted (true), without an event (as at startup). */
  setTrusted(trusted: boolean): void {
    workspaceState.trusted = trusted;
  },
  /** The user trusts the workspace: isTrusted becomes true and onDidGrantWorkspaceTrust fires. */
  grantTrust(): void {
    workspaceState.trusted = true;
    workspaceEvents.grantTrust.fire();
  },
  setWorkspaceFolders,
  /** Deliver a create/change/delete event to matching file-system watchers; returns how many received it. */
  fireFileEvent(kind: 'create' | 'change' | 'delete', pathOrUri: string | vscode.Uri): number {
    return fireFileEvent(kind, toUri(pathOrUri));
  },

  // ---- language providers, called as the editor calls them ----

  providers: providersFor,
  get registrations(): readonly Registration[] {
    return languagesState.registrations;
  },
  diagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
    return [...languagesState.collections].flatMap((c) => [...(c.get(uri) ?? [])]);
  },
  /** Completion items of every matching provider (lists flattened), unresolved as the editor first gets them. */
  async complete(doc: vscode.TextDocument, position: vscode.Position, context: Partial<vscode.CompletionContext> = {}): Promise<vscode.CompletionItem[]> {
    const ctx: vscode.CompletionContext = { triggerKind: CompletionTriggerKind.Invoke, triggerCharacter: undefined, ...context };
    const out: vscode.CompletionItem[] = [];
    for (const reg of providersFor('completion', doc)) {
      const result = (await reg.provider.provideCompletionItems(doc, position, token(), ctx)) as vscode.CompletionItem[] | vscode.CompletionList | null | undefined;
      const items: vscode.CompletionItem[] = !result ? [] : Array.isArray(result) ? result : (result as vscode.CompletionList).items;
      for (const item of items) completionOrigins.set(item, reg);
      out.push(...items);
    }
    return out;
  },
  /** What the editor does when an item is focused: the provider that made it resolves it (documentation, details). */
  async resolveCompletionItem(item: vscode.CompletionItem): Promise<vscode.CompletionItem> {
    const reg = completionOrigins.get(item);
    if (!reg?.provider.resolveCompletionItem) return item;
    return ((await reg.provider.resolveCompletionItem(item, token())) as vscode.CompletionItem | undefined) ?? item;
  },
  hover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover[]> {
    return callAll('hover', doc, (p) => p.provideHover(doc, position, token()));
  },
  documentSymbols(doc: vscode.TextDocument): Promise<(vscode.DocumentSymbol | vscode.SymbolInformation)[]> {
    return callAll('documentSymbol', doc, (p) => p.provideDocumentSymbols(doc, token()));
  },
  /** The edits of the first formatting provider (the editor uses one). */
  async formatDocument(doc: vscode.TextDocument, options: vscode.FormattingOptions = { tabSize: 2, insertSpaces: true }): Promise<vscode.TextEdit[]> {
    const [reg] = providersFor('documentFormatting', doc);
    return reg ? ((await reg.provider.provideDocumentFormattingEdits(doc, options, token())) ?? []) : [];
  },
  definition(doc: vscode.TextDocument, position: vscode.Position): Promise<(vscode.Location | vscode.LocationLink)[]> {
    return callAll('definition', doc, (p) => p.provideDefinition(doc, position, token()));
  },
  references(doc: vscode.TextDocument, position: vscode.Position, includeDeclaration = true): Promise<vscode.Location[]> {
    return callAll('references', doc, (p) => p.provideReferences(doc, position, { includeDeclaration }, token()));
  },
  /** Code actions for a range; `diagnostics` defaults to the published ones that intersect it. */
  codeActions(doc: vscode.TextDocument, range: vscode.Range, options: { diagnostics?: readonly vscode.Diagnostic[]; only?: vscode.CodeActionKind } = {}): Promise<(vscode.CodeAction | vscode.Command)[]> {
    const diagnostics = options.diagnostics ?? vscodeMock.diagnostics(doc.uri).filter((d) => d.range.intersection(range) !== undefined);
    const context: vscode.CodeActionContext = { diagnostics, only: options.only, triggerKind: CodeActionTriggerKind.Invoke };
    return callAll<vscode.CodeAction | vscode.Command>('codeActions', doc, (p) => p.provideCodeActions(doc, range, context, token())).then((actions) =>
      options.only ? actions.filter((a) => !('kind' in a) || !a.kind || options.only?.contains(a.kind)) : actions,
    );
  },
  /** Apply a code action's edit to open documents (as the editor does when it is chosen). */
  async applyCodeAction(action: vscode.CodeAction): Promise<void> {
    if (action.edit) await workspace.applyEdit(action.edit);
  },
  /** Code lenses, resolved where the provider resolves them. */
  codeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    return callAll<vscode.CodeLens>('codeLens', doc, async (p) => {
      const lenses: vscode.CodeLens[] = (await p.provideCodeLenses(doc, token())) ?? [];
      return Promise.all(lenses.map(async (l) => (l.command || !p.resolveCodeLens ? l : ((await p.resolveCodeLens(l, token())) ?? l))));
    });
  },
  foldingRanges(doc: vscode.TextDocument): Promise<vscode.FoldingRange[]> {
    return callAll('foldingRange', doc, (p) => p.provideFoldingRanges(doc, {}, token()));
  },

  // ---- window ----

  /** Queue the answer to the next prompt of `kind` (or any kind): an item, its title, text, Uri(s), or a function of the prompt. */
  respond(kind: PromptKind | undefined, answer: Responder | unknown): void {
    respond(kind, answer);
  },
  /** Every message, picker and dialog shown, in order. */
  get prompts() {
    return windowState.prompts;
  },
  messages(kind?: 'information' | 'warning' | 'error'): string[] {
    return windowState.prompts.filter((p) => (kind ? p.kind === kind : ['information', 'warning', 'error'].includes(p.kind))).map((p) => p.message ?? '');
  },
  get outputChannels() {
    return windowState.channels;
  },
  get statusBarItems() {
    return windowState.statusBarItems;
  },
  get progress() {
    return windowState.progress;
  },
  get panels(): FakeWebviewPanel[] {
    return windowState.panels;
  },
  get serializers() {
    return windowState.serializers;
  },
  /** Restore a panel after a window reload: VS Code creates it and hands it to the registered serializer with the saved state. */
  async revivePanel(viewType: string, savedState: unknown, title = viewType): Promise<FakeWebviewPanel> {
    const serializer = windowState.serializers.get(viewType);
    if (!serializer) throw new Error(`no webview panel serializer is registered for '${viewType}'`);
    const panel = new FakeWebviewPanel(viewType, title, undefined, {});
    windowState.panels.push(panel);
    await serializer.deserializeWebviewPanel(panel, savedState);
    return panel;
  },
  treeView(viewId: string) {
    return windowState.treeViews.get(viewId);
  },
  /** The tree a view shows: each element's TreeItem and its children (collapsed ones too, to `maxDepth`). */
  async renderTree(viewId: string, maxDepth = 5): Promise<RenderedNode[]> {
    const record = windowState.treeViews.get(viewId);
    if (!record) throw new Error(`no tree view '${viewId}'`);
    const provider = record.provider;
    const render = async (element: unknown, depth: number): Promise<RenderedNode[]> => {
      const children = ((await provider.getChildren(element as never)) ?? []) as unknown[];
      return Promise.all(
        children.map(async (child) => {
          const item = await provider.getTreeItem(child as never);
          return { element: child, item, children: depth < maxDepth && item.collapsibleState ? await render(child, depth + 1) : [] };
        }),
      );
    };
    return render(undefined, 1);
  },
  get activeEditor(): MockTextEditor | undefined {
    return windowState.activeEditor;
  },

  // ---- commands, env ----

  /** Every executeCommand call, in order (registered, stubbed and built-in). */
  get executedCommands() {
    return commandsState.executed;
  },
  registeredCommands(): string[] {
    return [...commandsState.registry.keys()];
  },
  /** Answer a command nothing registered (a built-in such as `vscode.open`, or another extension's). */
  stubCommand(id: string, fn: (...args: unknown[]) => unknown): void {
    commandsState.stubs.set(id, fn);
  },
  /** Values set with `setContext`. */
  get contextKeys(): ReadonlyMap<string, unknown> {
    return commandsState.context;
  },
  get clipboard(): string {
    return commandsState.clipboard;
  },
  get openedExternally(): readonly vscode.Uri[] {
    return commandsState.opened;
  },

  // ---- context and utilities ----

  createExtensionContext,
  disposeContext,
  token,
  /** Errors thrown by event listeners (reported on the console unless `quietListenerErrors` is set). */
  get listenerErrors(): unknown[] {
    return state.listenerErrors;
  },
  set quietListenerErrors(quiet: boolean) {
    state.quietListenerErrors = quiet;
  },
  sleep: (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms)),
  /** Poll until `predicate` holds; rejects after `timeout` ms with `what` in the message. */
  async waitFor(predicate: () => boolean, { timeout = 2000, interval = 5, what = 'condition' }: { timeout?: number; interval?: number; what?: string } = {}): Promise<void> {
    const end = Date.now() + timeout;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, interval));
    }
  },
};

export interface RenderedNode {
  readonly element: unknown;
  readonly item: vscode.TreeItem;
  readonly children: RenderedNode[];
}

