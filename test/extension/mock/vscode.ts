/**
 * A mocked `vscode` module for the extension's unit tests: a faithful subset of the API (1.100), enough
 * to activate the extension in plain Node and drive it. `install.ts` makes `require('vscode')` (and so
 * `import * as vscode from 'vscode'` in src/extension/) return this module; import it first in every
 * extension test, then drive and inspect the editor through `vscodeMock` (control.ts).
 *
 *   import './mock/install';                        // first
 *   import * as vscode from 'vscode';               // this module, typed by @types/vscode
 *   import { vscodeMock } from './mock/control';
 *
 * What is here (each behaves as VS Code does where a test could tell; see the file named):
 * - values (core.ts, items.ts): Position, Range, Selection, Uri (parse, file, joinPath, from, with,
 *   fsPath), Disposable, EventEmitter, CancellationTokenSource, CancellationError, Diagnostic(+Severity,
 *   Tag, RelatedInformation), Location, CompletionItem(+Kind, Tag, TriggerKind), CompletionList,
 *   MarkdownString, SnippetString, Hover, DocumentSymbol, SymbolInformation, SymbolKind, TextEdit,
 *   WorkspaceEdit, CodeAction(+Kind, TriggerKind), CodeLens, ThemeIcon, ThemeColor, TreeItem
 *   (+CollapsibleState), FoldingRange(+Kind), RelativePattern, FileSystemError, and the enums
 *   StatusBarAlignment, ProgressLocation, ViewColumn, EndOfLine, ExtensionMode, ConfigurationTarget,
 *   FileType, UIKind, LogLevel, ColorThemeKind, QuickPickItemKind, TextEditorRevealType, …
 * - documents (document.ts): TextDocument/TextLine over a string, TextEditor.
 * - `workspace` (workspace.ts): isTrusted, onDidGrantWorkspaceTrust, getConfiguration (defaults from
 *   package.json), onDidOpen/Change/Close/SaveTextDocument, textDocuments, openTextDocument, applyEdit,
 *   workspaceFolders, findFiles and fs over the real disk, createFileSystemWatcher.
 * - `languages` (languages.ts): createDiagnosticCollection, getDiagnostics, match, every
 *   register*Provider (captured for tests).
 * - `window` (window.ts, webview.ts): show*Message, showQuickPick, showInputBox, showOpen/SaveDialog
 *   (answered by `vscodeMock.respond`), withProgress, createOutputChannel (also `{ log: true }`),
 *   createStatusBarItem, createWebviewPanel (a fake webview that records html and posted messages and
 *   lets tests send messages), registerWebviewPanelSerializer, registerTreeDataProvider/createTreeView,
 *   showTextDocument, activeTextEditor.
 * - `commands`, `env` (clipboard, openExternal), `extensions` (commands.ts); `l10n`; `version`.
 * - ExtensionContext: `vscodeMock.createExtensionContext()` (context.ts).
 */
export * from './core';
export {
  CodeAction,
  CodeActionKind,
  CodeLens,
  CompletionItem,
  CompletionList,
  Diagnostic,
  DiagnosticRelatedInformation,
  DocumentSymbol,
  FileSystemError,
  FoldingRange,
  Hover,
  Location,
  MarkdownString,
  RelativePattern,
  SnippetString,
  SymbolInformation,
  TextEdit,
  ThemeColor,
  ThemeIcon,
  TreeItem,
  WorkspaceEdit,
} from './items';
export { workspace } from './workspace';
export { languages } from './languages';
export { window } from './window';
export { commands, env, extensions } from './commands';

export const version = '1.100.0';

export const l10n = {
  t(message: string | { message: string; args?: unknown[] | Record<string, unknown> }, ...args: unknown[]): string {
    const text = typeof message === 'string' ? message : message.message;
    const values = typeof message === 'string' ? (args.length === 1 && typeof args[0] === 'object' && args[0] !== null ? (args[0] as Record<string, unknown>) : args) : (message.args ?? []);
    return text.replace(/\{([^}]+)\}/g, (whole, key: string) => {
      const v = (values as Record<string, unknown>)[key];
      return v === undefined ? whole : String(v);
    });
  },
  bundle: undefined,
  uri: undefined,
};
