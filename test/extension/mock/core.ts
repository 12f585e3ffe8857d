import type * as vscode from 'vscode';
import { state } from './state';

/**
 * The value types of the mocked `vscode` module: Position, Range, Selection, Uri, Disposable,
 * EventEmitter, cancellation, and the API's enums with VS Code's numeric values. Behaviour follows
 * VS Code's own implementation (src/vs/workbench/api/common/extHostTypes.ts) where a test could notice:
 * constructors reject negative positions, a Range orders its ends, listeners that throw do not stop
 * the others (their errors are collected in `state.listenerErrors`).
 */

export class Position implements vscode.Position {
  readonly line: number;
  readonly character: number;

  constructor(line: number, character: number) {
    if (!(line >= 0)) throw new Error('Illegal argument: line must be non-negative');
    if (!(character >= 0)) throw new Error('Illegal argument: character must be non-negative');
    this.line = line;
    this.character = character;
  }

  isBefore(other: vscode.Position): boolean {
    return this.line < other.line || (this.line === other.line && this.character < other.character);
  }
  isBeforeOrEqual(other: vscode.Position): boolean {
    return this.isBefore(other) || this.isEqual(other);
  }
  isAfter(other: vscode.Position): boolean {
    return !this.isBeforeOrEqual(other);
  }
  isAfterOrEqual(other: vscode.Position): boolean {
    return !this.isBefore(other);
  }
  isEqual(other: vscode.Position): boolean {
    return this.line === other.line && this.character === other.character;
  }
  compareTo(other: vscode.Position): number {
    return this.isBefore(other) ? -1 : this.isEqual(other) ? 0 : 1;
  }
  translate(lineDelta?: number | { lineDelta?: number; characterDelta?: number }, characterDelta?: number): Position {
    if (typeof lineDelta === 'object') return new Position(this.line + (lineDelta.lineDelta ?? 0), this.character + (lineDelta.characterDelta ?? 0));
    return new Position(this.line + (lineDelta ?? 0), this.character + (characterDelta ?? 0));
  }
  with(line?: number | { line?: number; character?: number }, character?: number): Position {
    if (typeof line === 'object') return new Position(line.line ?? this.line, line.character ?? this.character);
    return new Position(line ?? this.line, character ?? this.character);
  }
  toJSON(): { line: number; character: number } {
    return { line: this.line, character: this.character };
  }
}

export class Range implements vscode.Range {
  readonly start: Position;
  readonly end: Position;

  constructor(start: vscode.Position, end: vscode.Position);
  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number);
  constructor(a: vscode.Position | number, b: vscode.Position | number, c?: number, d?: number) {
    let start: Position;
    let end: Position;
    if (typeof a === 'number' && typeof b === 'number') {
      start = new Position(a, b);
      end = new Position(c as number, d as number);
    } else if (a instanceof Object && b instanceof Object) {
      start = new Position((a as vscode.Position).line, (a as vscode.Position).character);
      end = new Position((b as vscode.Position).line, (b as vscode.Position).character);
    } else {
      throw new Error('Invalid arguments');
    }
    if (start.isAfter(end)) [start, end] = [end, start];
    this.start = start;
    this.end = end;
  }

  get isEmpty(): boolean {
    return this.start.isEqual(this.end);
  }
  get isSingleLine(): boolean {
    return this.start.line === this.end.line;
  }
  contains(positionOrRange: vscode.Position | vscode.Range): boolean {
    if ('start' in positionOrRange) return this.contains(positionOrRange.start) && this.contains(positionOrRange.end);
    return !positionOrRange.isBefore(this.start) && !positionOrRange.isAfter(this.end);
  }
  isEqual(other: vscode.Range): boolean {
    return this.start.isEqual(other.start) && this.end.isEqual(other.end);
  }
  intersection(other: vscode.Range): Range | undefined {
    const start = this.start.isAfter(other.start) ? this.start : other.start;
    const end = this.end.isBefore(other.end) ? this.end : other.end;
    return start.isAfter(end) ? undefined : new Range(start, end);
  }
  union(other: vscode.Range): Range {
    return new Range(this.start.isBefore(other.start) ? this.start : other.start, this.end.isAfter(other.end) ? this.end : other.end);
  }
  with(start?: vscode.Position | { start?: vscode.Position; end?: vscode.Position }, end?: vscode.Position): Range {
    if (start && !(start instanceof Position) && !('line' in start)) return new Range(start.start ?? this.start, start.end ?? this.end);
    return new Range((start as vscode.Position | undefined) ?? this.start, end ?? this.end);
  }
  toJSON(): [{ line: number; character: number }, { line: number; character: number }] {
    return [this.start.toJSON(), this.end.toJSON()];
  }
}

export class Selection extends Range implements vscode.Selection {
  readonly anchor: Position;
  readonly active: Position;

  constructor(anchor: vscode.Position, active: vscode.Position);
  constructor(anchorLine: number, anchorCharacter: number, activeLine: number, activeCharacter: number);
  constructor(a: vscode.Position | number, b: vscode.Position | number, c?: number, d?: number) {
    const anchor = typeof a === 'number' ? new Position(a, b as number) : new Position(a.line, a.character);
    const active = typeof a === 'number' ? new Position(c as number, d as number) : new Position((b as vscode.Position).line, (b as vscode.Position).character);
    super(anchor, active);
    this.anchor = anchor;
    this.active = active;
  }
  get isReversed(): boolean {
    return this.anchor.isAfter(this.active);
  }
}

function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export class Uri implements vscode.Uri {
  readonly scheme: string;
  readonly authority: string;
  readonly path: string;
  readonly query: string;
  readonly fragment: string;

  protected constructor(scheme: string, authority: string, path: string, query: string, fragment: string) {
    if (!scheme) throw new Error('[UriError]: Scheme is missing');
    this.scheme = scheme;
    this.authority = authority;
    this.path = path && !path.startsWith('/') && (authority || scheme === 'file') ? `/${path}` : path;
    this.query = query;
    this.fragment = fragment;
  }

  static parse(value: string, strict = false): Uri {
    const m = /^(([^:/?#]+?):)?(\/\/([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?/.exec(value);
    if (!m || (!m[2] && strict)) throw new Error(`[UriError]: Scheme is missing: {scheme: "", path: "${value}"}`);
    const dec = (s: string | undefined): string => (s ? decodeURIComponent(s) : '');
    return new Uri(m[2] || 'file', dec(m[4]), dec(m[5]), dec(m[7]), dec(m[9]));
  }

  static file(path: string): Uri {
    let p = path.replace(/\\/g, '/');
    if (/^[A-Za-z]:/.test(p)) p = `/${p}`;
    let authority = '';
    if (p.startsWith('//')) {
      const i = p.indexOf('/', 2);
      authority = i < 0 ? p.slice(2) : p.slice(2, i);
      p = i < 0 ? '/' : p.slice(i);
    }
    return new Uri('file', authority, p, '', '');
  }

  static from(components: { readonly scheme: string; readonly authority?: string; readonly path?: string; readonly query?: string; readonly fragment?: string }): Uri {
    return new Uri(components.scheme, components.authority ?? '', components.path ?? '', components.query ?? '', components.fragment ?? '');
  }

  static joinPath(base: vscode.Uri, ...pathSegments: string[]): Uri {
    if (!base.path) throw new Error('[UriError]: cannot call joinPath on URI without path');
    const parts = `${base.path}/${pathSegments.join('/')}`.split('/');
    const out: string[] = [];
    for (const part of parts) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop();
      else out.push(part);
    }
    return base.with({ path: `/${out.join('/')}` }) as Uri;
  }

  get fsPath(): string {
    const p = this.authority && this.path.length > 1 && this.scheme === 'file' ? `//${this.authority}${this.path}` : this.path;
    return /^\/[A-Za-z]:/.test(p) ? p.slice(1) : p;
  }

  with(change: { scheme?: string; authority?: string | null; path?: string | null; query?: string | null; fragment?: string | null }): Uri {
    return new Uri(
      change.scheme ?? this.scheme,
      change.authority === undefined ? this.authority : (change.authority ?? ''),
      change.path === undefined ? this.path : (change.path ?? ''),
      change.query === undefined ? this.query : (change.query ?? ''),
      change.fragment === undefined ? this.fragment : (change.fragment ?? ''),
    );
  }

  toString(skipEncoding = false): string {
    const enc = skipEncoding ? (s: string): string => s : encodeSegment;
    let out = `${this.scheme}:`;
    if (this.authority || this.scheme === 'file') out += `//${enc(this.authority)}`;
    out += this.path.split('/').map(enc).join('/');
    if (this.query) out += `?${enc(this.query)}`;
    if (this.fragment) out += `#${enc(this.fragment)}`;
    return out;
  }

  toJSON(): { scheme: string; authority: string; path: string; query: string; fragment: string; fsPath: string } {
    return { scheme: this.scheme, authority: this.authority, path: this.path, query: this.query, fragment: this.fragment, fsPath: this.fsPath };
  }
}

export class Disposable implements vscode.Disposable {
  #callOnDispose: (() => unknown) | undefined;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }
  static from(...disposables: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const d of disposables) d?.dispose();
    });
  }
  dispose(): unknown {
    const f = this.#callOnDispose;
    this.#callOnDispose = undefined;
    return f?.();
  }
}

/** A listener that throws is reported (console + `state.listenerErrors`) and the others still run, as in VS Code. */
export class EventEmitter<T> implements vscode.EventEmitter<T> {
  #listeners = new Set<{ fn: (e: T) => unknown; thisArg: unknown }>();
  #disposed = false;

  readonly event: vscode.Event<T> = (listener, thisArgs?, disposables?) => {
    const entry = { fn: listener, thisArg: thisArgs };
    if (!this.#disposed) this.#listeners.add(entry);
    const d = new Disposable(() => this.#listeners.delete(entry));
    if (Array.isArray(disposables)) disposables.push(d);
    return d;
  };

  fire(data: T): void {
    for (const { fn, thisArg } of [...this.#listeners]) {
      try {
        const r = fn.call(thisArg, data);
        if (r && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch((e) => reportListenerError(e));
      } catch (e) {
        reportListenerError(e);
      }
    }
  }

  /** How many listeners are attached (tests check that a dispose detached them). */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  dispose(): void {
    this.#disposed = true;
    this.#listeners.clear();
  }
}

function reportListenerError(e: unknown): void {
  state.listenerErrors.push(e);
  if (!state.quietListenerErrors) console.error('[vscode mock] a listener threw:', e);
}

export class CancellationTokenSource implements vscode.CancellationTokenSource {
  #emitter = new EventEmitter<void>();
  #cancelled = false;
  readonly token: vscode.CancellationToken;

  constructor() {
    const self = this;
    this.token = {
      get isCancellationRequested() {
        return self.#cancelled;
      },
      onCancellationRequested: this.#emitter.event as vscode.Event<unknown>,
    };
  }
  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#emitter.fire();
  }
  dispose(): void {
    this.#emitter.dispose();
  }
}

export class CancellationError extends Error {
  constructor() {
    super('Canceled');
    this.name = 'Canceled';
  }
}

// ---- enums (values as in vscode.d.ts) ----

export enum DiagnosticSeverity { Error = 0, Warning = 1, Information = 2, Hint = 3 }
export enum DiagnosticTag { Unnecessary = 1, Deprecated = 2 }
export enum CompletionItemKind {
  Text = 0, Method = 1, Function = 2, Constructor = 3, Field = 4, Variable = 5, Class = 6, Interface = 7, Module = 8, Property = 9,
  Unit = 10, Value = 11, Enum = 12, Keyword = 13, Snippet = 14, Color = 15, File = 16, Reference = 17, Folder = 18, EnumMember = 19,
  Constant = 20, Struct = 21, Event = 22, Operator = 23, TypeParameter = 24, User = 25, Issue = 26,
}
export enum CompletionItemTag { Deprecated = 1 }
export enum CompletionTriggerKind { Invoke = 0, TriggerCharacter = 1, TriggerForIncompleteCompletions = 2 }
export enum SymbolKind {
  File = 0, Module = 1, Namespace = 2, Package = 3, Class = 4, Method = 5, Property = 6, Field = 7, Constructor = 8, Enum = 9,
  Interface = 10, Function = 11, Variable = 12, Constant = 13, String = 14, Number = 15, Boolean = 16, Array = 17, Object = 18,
  Key = 19, Null = 20, EnumMember = 21, Struct = 22, Event = 23, Operator = 24, TypeParameter = 25,
}
export enum SymbolTag { Deprecated = 1 }
export enum StatusBarAlignment { Left = 1, Right = 2 }
export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }
export enum ViewColumn { Active = -1, Beside = -2, One = 1, Two = 2, Three = 3, Four = 4, Five = 5, Six = 6, Seven = 7, Eight = 8, Nine = 9 }
export enum TreeItemCollapsibleState { None = 0, Collapsed = 1, Expanded = 2 }
export enum TreeItemCheckboxState { Unchecked = 0, Checked = 1 }
export enum EndOfLine { LF = 1, CRLF = 2 }
export enum ExtensionMode { Production = 1, Development = 2, Test = 3 }
export enum ExtensionKind { UI = 1, Workspace = 2 }
export enum ConfigurationTarget { Global = 1, Workspace = 2, WorkspaceFolder = 3 }
export enum FileType { Unknown = 0, File = 1, Directory = 2, SymbolicLink = 64 }
export enum UIKind { Desktop = 1, Web = 2 }
export enum LogLevel { Off = 0, Trace = 1, Debug = 2, Info = 3, Warning = 4, Error = 5 }
export enum FoldingRangeKind { Comment = 1, Imports = 2, Region = 3 }
export enum CodeActionTriggerKind { Invoke = 1, Automatic = 2 }
export enum QuickPickItemKind { Separator = -1, Default = 0 }
export enum TextEditorRevealType { Default = 0, InCenter = 1, InCenterIfOutsideViewport = 2, AtTop = 3 }
export enum TextDocumentChangeReason { Undo = 1, Redo = 2 }
export enum TextDocumentSaveReason { Manual = 1, AfterDelay = 2, FocusOut = 3 }
export enum ColorThemeKind { Light = 1, Dark = 2, HighContrast = 3, HighContrastLight = 4 }
export enum DocumentHighlightKind { Text = 0, Read = 1, Write = 2 }
export enum IndentAction { None = 0, Indent = 1, IndentOutdent = 2, Outdent = 3 }
export enum OverviewRulerLane { Left = 1, Center = 2, Right = 4, Full = 7 }
export enum InlayHintKind { Type = 1, Parameter = 2 }
