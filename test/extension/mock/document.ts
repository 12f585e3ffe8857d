import type * as vscode from 'vscode';
import { EndOfLine, Position, Range, Selection, TextEditorRevealType, Uri } from './core';

/**
 * A TextDocument over a string, with VS Code's line model (`\r\n`, `\r` and `\n` all end a line;
 * positions are UTF-16 columns; out-of-range positions are clamped by offsetAt/validatePosition), and a
 * TextEditor on it. Documents are created and changed through the workspace (workspace.ts) or the test
 * controls (control.ts), which fire the matching events; `setText` and `applyEdits` here only change
 * the content and the version.
 */

/** VS Code's default word pattern (used when a provider passes no regex). */
export const DEFAULT_WORD_PATTERN = /(-?\d*\.\d\w*)|([^`~!@#$%^&*()\-=+[{\]}\\|;:'",.<>/?\s]+)/g;

export class TextLine implements vscode.TextLine {
  constructor(
    readonly lineNumber: number,
    readonly text: string,
    readonly range: Range,
    readonly rangeIncludingLineBreak: Range,
  ) {}
  get firstNonWhitespaceCharacterIndex(): number {
    const m = /^\s*/.exec(this.text);
    return m ? m[0].length : 0;
  }
  get isEmptyOrWhitespace(): boolean {
    return this.firstNonWhitespaceCharacterIndex === this.text.length;
  }
}

export class MockTextDocument implements vscode.TextDocument {
  readonly uri: Uri;
  languageId: string;
  encoding = 'utf8';
  version: number;
  isDirty = false;
  isClosed = false;
  #text = '';
  /** Offset of the start of each line. */
  #lineStarts: number[] = [0];
  /** Line texts without their line breaks. */
  #lines: string[] = [''];
  /** What `save()` records (the mock writes nothing to disk). */
  saves = 0;

  constructor(uri: Uri, text: string, languageId: string, version = 1) {
    this.uri = uri;
    this.languageId = languageId;
    this.version = version;
    this.#setText(text);
  }

  get fileName(): string {
    return this.uri.fsPath;
  }
  get isUntitled(): boolean {
    return this.uri.scheme === 'untitled';
  }
  get eol(): EndOfLine {
    return /\r\n/.test(this.#text) ? EndOfLine.CRLF : EndOfLine.LF;
  }
  get lineCount(): number {
    return this.#lines.length;
  }

  #setText(text: string): void {
    this.#text = text;
    this.#lines = [];
    this.#lineStarts = [0];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 || c === 10) {
        this.#lines.push(text.slice(start, i));
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        start = i + 1;
        this.#lineStarts.push(start);
      }
    }
    this.#lines.push(text.slice(start));
  }

  /** Replace the whole content: the version goes up and the document becomes dirty. */
  setText(text: string): void {
    this.#setText(text);
    this.version++;
    this.isDirty = true;
  }

  /** Apply edits (ranges in the current text) at once; returns the change events VS Code would report. */
  applyEdits(edits: readonly { range: vscode.Range; newText: string }[]): vscode.TextDocumentContentChangeEvent[] {
    const resolved = edits
      .map((e) => ({ range: this.validateRange(e.range), start: this.offsetAt(e.range.start), end: this.offsetAt(e.range.end), text: e.newText }))
      .sort((a, b) => b.start - a.start || b.end - a.end);
    let text = this.#text;
    for (const e of resolved) text = text.slice(0, e.start) + e.text + text.slice(e.end);
    const changes = resolved.map((e) => ({ range: e.range, rangeOffset: e.start, rangeLength: e.end - e.start, text: e.text }));
    this.setText(text);
    return changes;
  }

  save(): Thenable<boolean> {
    this.saves++;
    this.isDirty = false;
    return Promise.resolve(!this.isClosed);
  }

  lineAt(lineOrPosition: number | vscode.Position): TextLine {
    const line = typeof lineOrPosition === 'number' ? lineOrPosition : lineOrPosition.line;
    if (!Number.isInteger(line) || line < 0 || line >= this.#lines.length) throw new Error('Illegal value for `line`');
    const text = this.#lines[line];
    const range = new Range(line, 0, line, text.length);
    const withBreak = line + 1 < this.#lines.length ? new Range(line, 0, line + 1, 0) : range;
    return new TextLine(line, text, range, withBreak);
  }

  offsetAt(position: vscode.Position): number {
    const p = this.validatePosition(position);
    return this.#lineStarts[p.line] + p.character;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(Math.floor(offset), this.#text.length));
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return new Position(lo, Math.min(o - this.#lineStarts[lo], this.#lines[lo].length));
  }

  getText(range?: vscode.Range): string {
    if (!range) return this.#text;
    const r = this.validateRange(range);
    return this.#text.slice(this.offsetAt(r.start), this.offsetAt(r.end));
  }

  getWordRangeAtPosition(position: vscode.Position, regex?: RegExp): Range | undefined {
    const p = this.validatePosition(position);
    const text = this.#lines[p.line];
    const source = regex ?? DEFAULT_WORD_PATTERN;
    if (regex && regex.test('')) throw new Error('Illegal argument: regex must not match the empty string');
    const re = new RegExp(source.source, source.flags.includes('g') ? source.flags : `${source.flags}g`);
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (start <= p.character && p.character <= end) return new Range(p.line, start, p.line, end);
      if (m[0].length === 0) re.lastIndex++;
    }
    return undefined;
  }

  validateRange(range: vscode.Range): Range {
    const start = this.validatePosition(range.start);
    const end = this.validatePosition(range.end);
    return start.isEqual(range.start) && end.isEqual(range.end) && range instanceof Range ? range : new Range(start, end);
  }

  validatePosition(position: vscode.Position): Position {
    if (position.line < 0) return new Position(0, 0);
    if (position.line >= this.#lines.length) return new Position(this.#lines.length - 1, this.#lines[this.#lines.length - 1].length);
    const max = this.#lines[position.line].length;
    return new Position(position.line, Math.max(0, Math.min(position.character, max)));
  }
}

/** A TextEditor on a mock document; `edit` applies through `onEdit` (the workspace, which fires change events). */
export class MockTextEditor implements vscode.TextEditor {
  selections: Selection[];
  visibleRanges: Range[];
  options: vscode.TextEditorOptions = { tabSize: 2, insertSpaces: true };
  viewColumn: vscode.ViewColumn | undefined;
  /** What the code under test did to the editor, for assertions. */
  readonly log: { snippets: { snippet: string; location?: unknown }[]; decorations: { type: unknown; ranges: unknown }[]; revealed: vscode.Range[] } = {
    snippets: [],
    decorations: [],
    revealed: [],
  };

  constructor(
    readonly document: MockTextDocument,
    private readonly onEdit: (document: MockTextDocument, edits: { range: vscode.Range; newText: string }[]) => void,
    viewColumn?: vscode.ViewColumn,
  ) {
    this.selections = [new Selection(0, 0, 0, 0)];
    this.visibleRanges = [new Range(0, 0, Math.max(0, document.lineCount - 1), 0)];
    this.viewColumn = viewColumn;
  }

  get selection(): Selection {
    return this.selections[0];
  }
  set selection(s: Selection) {
    this.selections = [s];
  }

  edit(callback: (editBuilder: vscode.TextEditorEdit) => void): Thenable<boolean> {
    const edits: { range: vscode.Range; newText: string }[] = [];
    callback({
      replace: (location, value) => edits.push({ range: 'start' in location ? location : new Range(location, location), newText: value }),
      insert: (location, value) => edits.push({ range: new Range(location, location), newText: value }),
      delete: (location) => edits.push({ range: location, newText: '' }),
      setEndOfLine: () => undefined,
    });
    if (this.document.isClosed) return Promise.resolve(false);
    this.onEdit(this.document, edits);
    return Promise.resolve(true);
  }

  insertSnippet(snippet: vscode.SnippetString, location?: vscode.Position | vscode.Range | readonly vscode.Position[] | readonly vscode.Range[]): Thenable<boolean> {
    this.log.snippets.push({ snippet: snippet.value, location });
    return Promise.resolve(true);
  }

  setDecorations(decorationType: vscode.TextEditorDecorationType, rangesOrOptions: readonly vscode.Range[] | readonly vscode.DecorationOptions[]): void {
    this.log.decorations.push({ type: decorationType, ranges: rangesOrOptions });
  }

  revealRange(range: vscode.Range, _revealType: vscode.TextEditorRevealType = TextEditorRevealType.Default): void {
    this.log.revealed.push(range);
  }

  show(): void {}
  hide(): void {}
}

