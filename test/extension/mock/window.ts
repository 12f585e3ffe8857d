import { format } from 'node:util';
import type * as vscode from 'vscode';
import { CancellationTokenSource, ColorThemeKind, Disposable, EventEmitter, LogLevel, Selection, StatusBarAlignment, Uri, ViewColumn } from './core';
import { MockTextDocument, MockTextEditor } from './document';
import { onReset } from './state';
import { FakeWebviewPanel } from './webview';
import { editDocument, workspace } from './workspace';

/**
 * `vscode.window`: messages, pickers and dialogs answered by test responders (see `respond`), progress
 * with a cancellable token, output channels (plain and `{ log: true }`) that keep their lines, status-bar
 * items, webview panels (webview.ts) and their serializers, tree views, text editors, decorations.
 */

export type PromptKind = 'information' | 'warning' | 'error' | 'quickPick' | 'inputBox' | 'openDialog' | 'saveDialog';

export interface Prompt {
  readonly kind: PromptKind;
  /** The message, or the picker's title/placeholder. */
  readonly message?: string;
  readonly items: readonly unknown[];
  readonly options?: unknown;
}

/** Returns the answer: an item (or its title), a string, Uris, or undefined for "dismissed". */
export type Responder = (prompt: Prompt) => unknown;

export interface ProgressRecord {
  readonly options: vscode.ProgressOptions;
  readonly reports: { message?: string; increment?: number }[];
  /** Press the notification's Cancel button. */
  cancel(): void;
  done: boolean;
}

export interface OutputChannelRecord {
  readonly name: string;
  readonly log: boolean;
  readonly languageId?: string;
  /** The text as the channel shows it; log channels write `[level] message` lines. */
  text: string;
  readonly lines: { level?: string; message: string }[];
  shown: number;
  disposed: boolean;
}

export interface TreeViewRecord {
  readonly viewId: string;
  provider: vscode.TreeDataProvider<unknown>;
  view?: vscode.TreeView<unknown> & { select(items: unknown[]): void; setVisible(visible: boolean): void; readonly reveals: unknown[] };
  disposed: boolean;
}

export const windowState = {
  prompts: [] as Prompt[],
  responders: [] as { kind?: PromptKind; answer: Responder }[],
  progress: [] as ProgressRecord[],
  channels: [] as OutputChannelRecord[],
  statusBarItems: [] as (vscode.StatusBarItem & { visible: boolean; disposed: boolean })[],
  statusMessages: [] as string[],
  panels: [] as FakeWebviewPanel[],
  serializers: new Map<string, vscode.WebviewPanelSerializer>(),
  webviewViewProviders: new Map<string, vscode.WebviewViewProvider>(),
  treeViews: new Map<string, TreeViewRecord>(),
  uriHandlers: [] as vscode.UriHandler[],
  editors: [] as MockTextEditor[],
  activeEditor: undefined as MockTextEditor | undefined,
  colorTheme: { kind: ColorThemeKind.Dark } as vscode.ColorTheme,
  events: {
    activeEditor: new EventEmitter<vscode.TextEditor | undefined>(),
    visibleEditors: new EventEmitter<readonly vscode.TextEditor[]>(),
    selection: new EventEmitter<vscode.TextEditorSelectionChangeEvent>(),
    colorTheme: new EventEmitter<vscode.ColorTheme>(),
    windowState: new EventEmitter<vscode.WindowState>(),
  },
};

onReset(() => {
  windowState.prompts = [];
  windowState.responders = [];
  windowState.progress = [];
  windowState.channels = [];
  windowState.statusBarItems = [];
  windowState.statusMessages = [];
  for (const p of windowState.panels) if (!p.isDisposed) p.dispose();
  windowState.panels = [];
  windowState.serializers.clear();
  windowState.webviewViewProviders.clear();
  windowState.treeViews.clear();
  windowState.uriHandlers = [];
  windowState.editors = [];
  windowState.activeEditor = undefined;
  windowState.colorTheme = { kind: ColorThemeKind.Dark };
  for (const key of Object.keys(windowState.events) as (keyof typeof windowState.events)[]) {
    windowState.events[key].dispose();
    (windowState.events as Record<string, EventEmitter<unknown>>)[key] = new EventEmitter<unknown>();
  }
});

/** Queue an answer for the next prompt (of `kind`, or of any kind). Answers are used once, in order. */
export function respond(kind: PromptKind | undefined, answer: Responder | unknown): void {
  windowState.responders.push({ kind, answer: typeof answer === 'function' ? (answer as Responder) : () => answer });
}

async function ask(prompt: Prompt): Promise<unknown> {
  windowState.prompts.push(prompt);
  const i = windowState.responders.findIndex((r) => r.kind === undefined || r.kind === prompt.kind);
  if (i < 0) return undefined;
  const [r] = windowState.responders.splice(i, 1);
  return r.answer(prompt);
}

function titleOf(item: unknown): string | undefined {
  return typeof item === 'string' ? item : (item as { title?: string; label?: string } | undefined)?.title ?? (item as { label?: string } | undefined)?.label;
}

function message(kind: 'information' | 'warning' | 'error') {
  return async (text: string, ...rest: unknown[]): Promise<unknown> => {
    const options = rest.length > 0 && typeof rest[0] === 'object' && rest[0] !== null && !('title' in (rest[0] as object)) ? rest.shift() : undefined;
    const answer = await ask({ kind, message: text, items: rest, options });
    if (answer === undefined) return undefined;
    // A title answers for the item that has it.
    return rest.find((item) => item === answer || titleOf(item) === answer) ?? (typeof answer === 'string' ? undefined : answer);
  };
}

function createOutputChannel(name: string, languageIdOrOptions?: string | { log: true }): vscode.OutputChannel | vscode.LogOutputChannel {
  const log = typeof languageIdOrOptions === 'object' && languageIdOrOptions.log === true;
  const record: OutputChannelRecord = { name, log, languageId: typeof languageIdOrOptions === 'string' ? languageIdOrOptions : undefined, text: '', lines: [], shown: 0, disposed: false };
  windowState.channels.push(record);
  const append = (value: string): void => {
    record.text += value;
  };
  const base: vscode.OutputChannel = {
    name,
    append,
    appendLine: (value: string) => {
      record.lines.push({ message: value });
      append(`${value}\n`);
    },
    replace: (value: string) => {
      record.text = value;
    },
    clear: () => {
      record.text = '';
    },
    show: () => {
      record.shown++;
    },
    hide: () => undefined,
    dispose: () => {
      record.disposed = true;
    },
  };
  if (!log) return base;
  const levelChanged = new EventEmitter<LogLevel>();
  const write = (level: string) => (msg: string | Error, ...args: unknown[]) => {
    const text = format(msg instanceof Error ? (msg.stack ?? msg.message) : msg, ...args);
    record.lines.push({ level, message: text });
    append(`[${level}] ${text}\n`);
  };
  return {
    ...base,
    logLevel: LogLevel.Info,
    onDidChangeLogLevel: levelChanged.event,
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warning'),
    error: write('error'),
  };
}

function createStatusBarItem(a?: string | vscode.StatusBarAlignment, b?: vscode.StatusBarAlignment | number, c?: number): vscode.StatusBarItem {
  const id = typeof a === 'string' ? a : `item${windowState.statusBarItems.length}`;
  const alignment = (typeof a === 'string' ? b : a) ?? StatusBarAlignment.Left;
  const priority = typeof a === 'string' ? c : (b as number | undefined);
  const item = {
    id,
    alignment,
    priority,
    name: undefined as string | undefined,
    text: '',
    tooltip: undefined as string | vscode.MarkdownString | undefined,
    color: undefined as string | vscode.ThemeColor | undefined,
    backgroundColor: undefined as vscode.ThemeColor | undefined,
    command: undefined as string | vscode.Command | undefined,
    accessibilityInformation: undefined as vscode.AccessibilityInformation | undefined,
    visible: false,
    disposed: false,
    show() {
      item.visible = true;
    },
    hide() {
      item.visible = false;
    },
    dispose() {
      item.visible = false;
      item.disposed = true;
    },
  };
  windowState.statusBarItems.push(item);
  return item;
}

async function withProgress<R>(options: vscode.ProgressOptions, task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>): Promise<R> {
  const source = new CancellationTokenSource();
  const record: ProgressRecord = { options, reports: [], cancel: () => source.cancel(), done: false };
  windowState.progress.push(record);
  try {
    return await task({ report: (value) => record.reports.push({ ...value }) }, source.token);
  } finally {
    record.done = true;
    source.dispose();
  }
}

function createTreeView<T>(viewId: string, options: vscode.TreeViewOptions<T>): vscode.TreeView<T> {
  const selectionChanged = new EventEmitter<vscode.TreeViewSelectionChangeEvent<T>>();
  const visibilityChanged = new EventEmitter<vscode.TreeViewVisibilityChangeEvent>();
  const record: TreeViewRecord = { viewId, provider: options.treeDataProvider as vscode.TreeDataProvider<unknown>, disposed: false };
  const view = {
    selection: [] as T[],
    visible: true,
    message: undefined as string | undefined,
    title: undefined as string | undefined,
    description: undefined as string | undefined,
    badge: undefined as vscode.ViewBadge | undefined,
    reveals: [] as unknown[],
    onDidExpandElement: new EventEmitter<vscode.TreeViewExpansionEvent<T>>().event,
    onDidCollapseElement: new EventEmitter<vscode.TreeViewExpansionEvent<T>>().event,
    onDidChangeSelection: selectionChanged.event,
    onDidChangeVisibility: visibilityChanged.event,
    onDidChangeCheckboxState: new EventEmitter<vscode.TreeCheckboxChangeEvent<T>>().event,
    reveal: async (element: T) => {
      view.reveals.push(element);
    },
    select(items: T[]) {
      view.selection = items;
      selectionChanged.fire({ selection: items });
    },
    setVisible(visible: boolean) {
      view.visible = visible;
      visibilityChanged.fire({ visible });
    },
    dispose() {
      record.disposed = true;
    },
  };
  record.view = view as unknown as TreeViewRecord['view'];
  windowState.treeViews.set(viewId, record);
  return view;
}

function setActiveEditor(editor: MockTextEditor | undefined): void {
  windowState.activeEditor = editor;
  windowState.events.activeEditor.fire(editor);
}

async function showTextDocument(docOrUri: vscode.TextDocument | vscode.Uri, columnOrOptions?: vscode.ViewColumn | vscode.TextDocumentShowOptions): Promise<vscode.TextEditor> {
  const doc = (docOrUri instanceof Uri ? await workspace.openTextDocument(docOrUri) : docOrUri) as MockTextDocument;
  const column = typeof columnOrOptions === 'object' ? columnOrOptions.viewColumn : columnOrOptions;
  let editor = windowState.editors.find((e) => e.document === doc);
  if (!editor) {
    editor = new MockTextEditor(doc, editDocument, column ?? ViewColumn.One);
    windowState.editors.push(editor);
    windowState.events.visibleEditors.fire([...windowState.editors]);
  }
  if (typeof columnOrOptions === 'object' && columnOrOptions.selection) {
    const r = columnOrOptions.selection;
    editor.selection = new Selection(r.start, r.end);
  }
  setActiveEditor(editor);
  return editor;
}

export const window = {
  showInformationMessage: message('information'),
  showWarningMessage: message('warning'),
  showErrorMessage: message('error'),
  async showQuickPick(items: readonly unknown[] | Thenable<readonly unknown[]>, options?: vscode.QuickPickOptions): Promise<unknown> {
    const list = await items;
    const answer = await ask({ kind: 'quickPick', message: options?.title ?? options?.placeHolder, items: list, options });
    if (answer === undefined) return undefined;
    const pick = (a: unknown): unknown => list.find((item) => item === a || titleOf(item) === a);
    return options?.canPickMany ? (Array.isArray(answer) ? answer : [answer]).map(pick).filter((x) => x !== undefined) : pick(answer);
  },
  async showInputBox(options?: vscode.InputBoxOptions): Promise<string | undefined> {
    const answer = await ask({ kind: 'inputBox', message: options?.prompt ?? options?.title, items: [], options });
    return answer as string | undefined;
  },
  async showOpenDialog(options?: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined> {
    const answer = await ask({ kind: 'openDialog', message: options?.title, items: [], options });
    return answer === undefined ? undefined : ((Array.isArray(answer) ? answer : [answer]) as vscode.Uri[]);
  },
  async showSaveDialog(options?: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined> {
    return (await ask({ kind: 'saveDialog', message: options?.title, items: [], options })) as vscode.Uri | undefined;
  },
  withProgress,
  createOutputChannel,
  createStatusBarItem,
  setStatusBarMessage(text: string): vscode.Disposable {
    windowState.statusMessages.push(text);
    return new Disposable(() => undefined);
  },
  createWebviewPanel(
    viewType: string,
    title: string,
    showOptions: vscode.ViewColumn | { readonly viewColumn: vscode.ViewColumn; readonly preserveFocus?: boolean },
    options?: vscode.WebviewPanelOptions & vscode.WebviewOptions,
  ): FakeWebviewPanel {
    const panel = new FakeWebviewPanel(viewType, title, showOptions, options);
    windowState.panels.push(panel);
    return panel;
  },
  registerWebviewPanelSerializer(viewType: string, serializer: vscode.WebviewPanelSerializer): vscode.Disposable {
    if (windowState.serializers.has(viewType)) throw new Error(`A webview panel serializer for '${viewType}' is already registered`);
    windowState.serializers.set(viewType, serializer);
    return new Disposable(() => windowState.serializers.delete(viewType));
  },
  registerWebviewViewProvider(viewId: string, provider: vscode.WebviewViewProvider): vscode.Disposable {
    windowState.webviewViewProviders.set(viewId, provider);
    return new Disposable(() => windowState.webviewViewProviders.delete(viewId));
  },
  registerTreeDataProvider<T>(viewId: string, treeDataProvider: vscode.TreeDataProvider<T>): vscode.Disposable {
    const view = createTreeView(viewId, { treeDataProvider });
    return new Disposable(() => view.dispose());
  },
  createTreeView,
  registerUriHandler(handler: vscode.UriHandler): vscode.Disposable {
    windowState.uriHandlers.push(handler);
    return new Disposable(() => (windowState.uriHandlers = windowState.uriHandlers.filter((h) => h !== handler)));
  },
  createTextEditorDecorationType(_options: vscode.DecorationRenderOptions): vscode.TextEditorDecorationType {
    return { key: `decoration${Math.random().toString(36).slice(2)}`, dispose: () => undefined };
  },
  showTextDocument,
  get activeTextEditor(): vscode.TextEditor | undefined {
    return windowState.activeEditor;
  },
  get visibleTextEditors(): readonly vscode.TextEditor[] {
    return [...windowState.editors];
  },
  get onDidChangeActiveTextEditor() {
    return windowState.events.activeEditor.event;
  },
  get onDidChangeVisibleTextEditors() {
    return windowState.events.visibleEditors.event;
  },
  get onDidChangeTextEditorSelection() {
    return windowState.events.selection.event;
  },
  get activeColorTheme(): vscode.ColorTheme {
    return windowState.colorTheme;
  },
  get onDidChangeActiveColorTheme() {
    return windowState.events.colorTheme.event;
  },
  state: { focused: true, active: true } as vscode.WindowState,
  get onDidChangeWindowState() {
    return windowState.events.windowState.event;
  },
};

export { setActiveEditor };
