import type * as vscode from 'vscode';
import { DiagnosticSeverity, Position, Range, TreeItemCollapsibleState, Uri } from './core';

/**
 * The data classes that providers return and commands build: diagnostics, completion, hover, symbols,
 * edits, code actions and lenses, markdown and snippets, icons, tree items, folding ranges, patterns and
 * file-system errors. Constructors validate as VS Code's do (a DocumentSymbol needs a name and a
 * selection range inside its range), so a provider that would fail in the editor fails here too.
 */

export class Diagnostic implements vscode.Diagnostic {
  range: Range;
  message: string;
  severity: DiagnosticSeverity;
  source?: string;
  code?: string | number | { value: string | number; target: vscode.Uri };
  relatedInformation?: vscode.DiagnosticRelatedInformation[];
  tags?: vscode.DiagnosticTag[];

  constructor(range: vscode.Range, message: string, severity: DiagnosticSeverity = DiagnosticSeverity.Error) {
    if (!range) throw new TypeError('range must be set');
    if (!message) throw new TypeError('message must be set');
    this.range = range as Range;
    this.message = message;
    this.severity = severity;
  }
}

export class DiagnosticRelatedInformation implements vscode.DiagnosticRelatedInformation {
  constructor(
    public location: vscode.Location,
    public message: string,
  ) {}
}

export class Location implements vscode.Location {
  uri: vscode.Uri;
  range: Range;

  constructor(uri: vscode.Uri, rangeOrPosition: vscode.Range | vscode.Position) {
    this.uri = uri;
    this.range = 'start' in rangeOrPosition ? (rangeOrPosition as Range) : new Range(rangeOrPosition, rangeOrPosition);
  }
}

export class MarkdownString implements vscode.MarkdownString {
  value: string;
  isTrusted?: boolean | { readonly enabledCommands: readonly string[] };
  supportThemeIcons?: boolean;
  supportHtml?: boolean;
  baseUri?: vscode.Uri;

  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
  appendText(value: string): this {
    this.value += value.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, '\\$&').replace(/\n/g, '\n\n');
    return this;
  }
  appendMarkdown(value: string): this {
    this.value += value;
    return this;
  }
  appendCodeblock(value: string, language = ''): this {
    this.value += `\n\`\`\`${language}\n${value}\n\`\`\`\n`;
    return this;
  }
}

export class SnippetString implements vscode.SnippetString {
  value: string;
  #tabstop = 1;

  constructor(value = '') {
    this.value = value;
  }
  static #escape(value: string): string {
    return value.replace(/\$|}|\\/g, '\\$&');
  }
  appendText(string: string): this {
    this.value += SnippetString.#escape(string);
    return this;
  }
  appendTabstop(number = this.#tabstop++): this {
    this.value += `$${number}`;
    return this;
  }
  appendPlaceholder(value: string | ((snippet: SnippetString) => unknown), number = this.#tabstop++): this {
    if (typeof value === 'function') {
      const nested = new SnippetString();
      nested.#tabstop = this.#tabstop;
      value(nested);
      this.#tabstop = nested.#tabstop;
      this.value += `\${${number}:${nested.value}}`;
    } else {
      this.value += `\${${number}:${SnippetString.#escape(value)}}`;
    }
    return this;
  }
  appendChoice(values: readonly string[], number = this.#tabstop++): this {
    this.value += `\${${number}|${values.map((v) => v.replace(/[|\\,]/g, '\\$&')).join(',')}|}`;
    return this;
  }
  appendVariable(name: string, defaultValue: string | ((snippet: SnippetString) => unknown)): this {
    const d = typeof defaultValue === 'function' ? ((): string => {
      const nested = new SnippetString();
      defaultValue(nested);
      return nested.value;
    })() : SnippetString.#escape(defaultValue);
    this.value += `\${${name}:${d}}`;
    return this;
  }
}

export class CompletionItem implements vscode.CompletionItem {
  label: string | vscode.CompletionItemLabel;
  kind?: vscode.CompletionItemKind;
  tags?: readonly vscode.CompletionItemTag[];
  detail?: string;
  documentation?: string | vscode.MarkdownString;
  sortText?: string;
  filterText?: string;
  preselect?: boolean;
  insertText?: string | vscode.SnippetString;
  range?: vscode.Range | { inserting: vscode.Range; replacing: vscode.Range };
  commitCharacters?: string[];
  keepWhitespace?: boolean;
  additionalTextEdits?: vscode.TextEdit[];
  command?: vscode.Command;

  constructor(label: string | vscode.CompletionItemLabel, kind?: vscode.CompletionItemKind) {
    this.label = label;
    this.kind = kind;
  }
}

export class CompletionList implements vscode.CompletionList {
  constructor(
    public items: vscode.CompletionItem[] = [],
    public isIncomplete = false,
  ) {}
}

export class Hover implements vscode.Hover {
  contents: (vscode.MarkdownString | vscode.MarkedString)[];
  range?: vscode.Range;

  constructor(contents: vscode.MarkdownString | vscode.MarkedString | (vscode.MarkdownString | vscode.MarkedString)[], range?: vscode.Range) {
    if (!contents) throw new Error('Illegal argument, contents must be defined');
    this.contents = Array.isArray(contents) ? contents : [contents];
    this.range = range;
  }
}

export class DocumentSymbol implements vscode.DocumentSymbol {
  name: string;
  detail: string;
  kind: vscode.SymbolKind;
  tags?: readonly vscode.SymbolTag[];
  range: vscode.Range;
  selectionRange: vscode.Range;
  children: vscode.DocumentSymbol[] = [];

  constructor(name: string, detail: string, kind: vscode.SymbolKind, range: vscode.Range, selectionRange: vscode.Range) {
    if (!name || !name.trim()) throw new Error('name must not be falsy');
    if (!range.contains(selectionRange)) throw new Error('selectionRange must be contained in fullRange');
    this.name = name;
    this.detail = detail;
    this.kind = kind;
    this.range = range;
    this.selectionRange = selectionRange;
  }
}

export class SymbolInformation implements vscode.SymbolInformation {
  name: string;
  containerName: string;
  kind: vscode.SymbolKind;
  tags?: readonly vscode.SymbolTag[];
  location: vscode.Location;

  constructor(name: string, kind: vscode.SymbolKind, containerName: string | undefined, location: vscode.Location);
  constructor(name: string, kind: vscode.SymbolKind, range: vscode.Range, uri?: vscode.Uri, containerName?: string);
  constructor(name: string, kind: vscode.SymbolKind, a: string | undefined | vscode.Range, b?: vscode.Location | vscode.Uri, c?: string) {
    this.name = name;
    this.kind = kind;
    if (typeof a === 'object') {
      this.location = new Location((b as vscode.Uri | undefined) ?? Uri.parse('untitled:'), a);
      this.containerName = c ?? '';
    } else {
      this.location = b as vscode.Location;
      this.containerName = a ?? '';
    }
  }
}

export class TextEdit implements vscode.TextEdit {
  range: Range;
  newText: string;
  newEol?: vscode.EndOfLine;

  constructor(range: vscode.Range, newText: string) {
    this.range = range as Range;
    this.newText = newText;
  }
  static replace(range: vscode.Range, newText: string): TextEdit {
    return new TextEdit(range, newText);
  }
  static insert(position: vscode.Position, newText: string): TextEdit {
    return new TextEdit(new Range(position, position), newText);
  }
  static delete(range: vscode.Range): TextEdit {
    return new TextEdit(range, '');
  }
  static setEndOfLine(eol: vscode.EndOfLine): TextEdit {
    const e = new TextEdit(new Range(new Position(0, 0), new Position(0, 0)), '');
    e.newEol = eol;
    return e;
  }
}

export interface FileOperation {
  readonly kind: 'create' | 'delete' | 'rename';
  readonly uri: vscode.Uri;
  readonly to?: vscode.Uri;
  readonly options?: unknown;
}

export class WorkspaceEdit implements vscode.WorkspaceEdit {
  #edits = new Map<string, { uri: vscode.Uri; edits: vscode.TextEdit[] }>();
  /** File creations, deletions and renames, in order (not applied by the mock's applyEdit). */
  readonly fileOperations: FileOperation[] = [];

  get size(): number {
    return this.#edits.size;
  }
  #list(uri: vscode.Uri): vscode.TextEdit[] {
    const key = uri.toString();
    let entry = this.#edits.get(key);
    if (!entry) this.#edits.set(key, (entry = { uri, edits: [] }));
    return entry.edits;
  }
  replace(uri: vscode.Uri, range: vscode.Range, newText: string): void {
    this.#list(uri).push(new TextEdit(range, newText));
  }
  insert(uri: vscode.Uri, position: vscode.Position, newText: string): void {
    this.#list(uri).push(TextEdit.insert(position, newText));
  }
  delete(uri: vscode.Uri, range: vscode.Range): void {
    this.#list(uri).push(TextEdit.delete(range));
  }
  has(uri: vscode.Uri): boolean {
    return this.#edits.has(uri.toString());
  }
  /** Text and snippet edits (notebook edits are not supported by the mock). */
  set(uri: vscode.Uri, edits: readonly unknown[] | null | undefined): void {
    const key = uri.toString();
    if (!edits) {
      this.#edits.delete(key);
      return;
    }
    type Entry = vscode.TextEdit | vscode.SnippetTextEdit;
    const list = edits
      .map((e) => (Array.isArray(e) ? (e[0] as Entry) : (e as Entry)))
      .map((e) => ('newText' in e ? e : new TextEdit(e.range, e.snippet.value)));
    this.#edits.set(key, { uri, edits: list });
  }
  get(uri: vscode.Uri): vscode.TextEdit[] {
    return [...(this.#edits.get(uri.toString())?.edits ?? [])];
  }
  entries(): [vscode.Uri, vscode.TextEdit[]][] {
    return [...this.#edits.values()].map((e) => [e.uri, [...e.edits]]);
  }
  createFile(uri: vscode.Uri, options?: unknown): void {
    this.fileOperations.push({ kind: 'create', uri, options });
  }
  deleteFile(uri: vscode.Uri, options?: unknown): void {
    this.fileOperations.push({ kind: 'delete', uri, options });
  }
  renameFile(oldUri: vscode.Uri, newUri: vscode.Uri, options?: unknown): void {
    this.fileOperations.push({ kind: 'rename', uri: oldUri, to: newUri, options });
  }
}

export class CodeActionKind implements vscode.CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Refactor = new CodeActionKind('refactor');
  static readonly RefactorExtract = new CodeActionKind('refactor.extract');
  static readonly RefactorInline = new CodeActionKind('refactor.inline');
  static readonly RefactorMove = new CodeActionKind('refactor.move');
  static readonly RefactorRewrite = new CodeActionKind('refactor.rewrite');
  static readonly Source = new CodeActionKind('source');
  static readonly SourceOrganizeImports = new CodeActionKind('source.organizeImports');
  static readonly SourceFixAll = new CodeActionKind('source.fixAll');
  static readonly Notebook = new CodeActionKind('notebook');

  private constructor(readonly value: string) {}

  append(parts: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${parts}` : parts);
  }
  intersects(other: vscode.CodeActionKind): boolean {
    return this.contains(other) || other.contains(this);
  }
  contains(other: vscode.CodeActionKind): boolean {
    return this.value === '' || this.value === other.value || other.value.startsWith(`${this.value}.`);
  }
}

export class CodeAction implements vscode.CodeAction {
  title: string;
  kind?: vscode.CodeActionKind;
  edit?: vscode.WorkspaceEdit;
  diagnostics?: vscode.Diagnostic[];
  command?: vscode.Command;
  isPreferred?: boolean;
  disabled?: { readonly reason: string };

  constructor(title: string, kind?: vscode.CodeActionKind) {
    this.title = title;
    this.kind = kind;
  }
}

export class CodeLens implements vscode.CodeLens {
  range: vscode.Range;
  command?: vscode.Command;

  constructor(range: vscode.Range, command?: vscode.Command) {
    this.range = range;
    this.command = command;
  }
  get isResolved(): boolean {
    return !!this.command;
  }
}

export class ThemeColor implements vscode.ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon implements vscode.ThemeIcon {
  static readonly File = new ThemeIcon('file');
  static readonly Folder = new ThemeIcon('folder');

  constructor(
    readonly id: string,
    readonly color?: vscode.ThemeColor,
  ) {}
}

export class TreeItem implements vscode.TreeItem {
  label?: string | vscode.TreeItemLabel;
  id?: string;
  iconPath?: string | vscode.IconPath;
  description?: string | boolean;
  resourceUri?: vscode.Uri;
  tooltip?: string | vscode.MarkdownString;
  command?: vscode.Command;
  collapsibleState?: vscode.TreeItemCollapsibleState;
  contextValue?: string;
  accessibilityInformation?: vscode.AccessibilityInformation;
  checkboxState?: vscode.TreeItemCheckboxState | { readonly state: vscode.TreeItemCheckboxState; readonly tooltip?: string };

  constructor(labelOrUri: string | vscode.TreeItemLabel | vscode.Uri, collapsibleState: vscode.TreeItemCollapsibleState = TreeItemCollapsibleState.None) {
    if (labelOrUri instanceof Uri) this.resourceUri = labelOrUri;
    else this.label = labelOrUri as string | vscode.TreeItemLabel;
    this.collapsibleState = collapsibleState;
  }
}

export class FoldingRange implements vscode.FoldingRange {
  constructor(
    public start: number,
    public end: number,
    public kind?: vscode.FoldingRangeKind,
  ) {}
}

export class RelativePattern implements vscode.RelativePattern {
  baseUri: vscode.Uri;
  base: string;
  pattern: string;

  constructor(base: vscode.WorkspaceFolder | vscode.Uri | string, pattern: string) {
    this.baseUri = typeof base === 'string' ? Uri.file(base) : 'uri' in base ? base.uri : base;
    this.base = this.baseUri.fsPath;
    this.pattern = pattern;
  }
}

export class FileSystemError extends Error implements vscode.FileSystemError {
  readonly code: string;

  constructor(messageOrUri?: string | vscode.Uri, code = 'Unknown') {
    super(typeof messageOrUri === 'string' ? messageOrUri : messageOrUri ? `${code} (FileSystemError): ${messageOrUri.toString()}` : code);
    this.code = code;
    this.name = `${code} (FileSystemError)`;
  }
  static FileNotFound(messageOrUri?: string | vscode.Uri): FileSystemError {
    return new FileSystemError(messageOrUri, 'FileNotFound');
  }
  static FileExists(messageOrUri?: string | vscode.Uri): FileSystemError {
    return new FileSystemError(messageOrUri, 'FileExists');
  }
  static FileNotADirectory(messageOrUri?: string | vscode.Uri): FileSystemError {
    return new FileSystemError(messageOrUri, 'FileNotADirectory');
  }
  static FileIsADirectory(messageOrUri?: string | vscode.Uri): FileSystemError {
    return new FileSystemError(messageOrUri, 'FileIsADirectory');
  }
  static NoPermissions(messageOrUri?: string | vscode.Uri): FileSystemError {
    return new FileSystemError(messageOrUri, 'NoPermissions');
  }
  static Unavailable(messageOrUri?: string | vscode.Uri): FileSystemError {
    return new FileSystemError(messageOrUri, 'Unavailable');
  }
}
