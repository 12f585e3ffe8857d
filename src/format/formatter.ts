import type { Block, Comment, Definition, Experiment, Item, ListValue, NtkFile, Range, Setting, Value } from './ast';
import { type Diagnostic, collector, hasErrors } from './diagnostics';
import { parseWith } from './parser';
import { printExpression, printValue } from './print';

/**
 * The canonical layout of an .ntkexp file: two-space indentation, one item per line, `=` aligned
 * within each run of consecutive settings of a block (a blank line or a nested block ends a run),
 * canonical spacing inside values, at most one blank line in a row, none after `{` or before `}`.
 * Comments stay where they were (own-line comments before the item they precede, end-of-line comments
 * after it). A block or list written on one line stays on one line; a list spread over lines is laid
 * out one element per line. Line ends stay LF, or CRLF if the file uses CRLF. Formatting is
 * idempotent, and a file that does not parse is refused.
 */
export type FormatResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

const INDENT = '  ';

export function format(text: string): FormatResult {
  const { accept, diagnostics } = collector();
  const file = parseWith(text, accept);
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  const out = new Printer(text, file.comments).file(file);
  // Keep Windows line ends if the file uses them.
  return { ok: true, text: /\r\n/.test(text.slice(0, 10000)) ? out.replace(/\n/g, '\r\n') : out };
}

class Printer {
  private readonly out: string[] = [];
  private next = 0;
  /** Source line of the last thing printed, to keep one blank line where the source had some. */
  private lastLine = -1;

  constructor(
    private readonly source: string,
    private readonly comments: readonly Comment[],
  ) {}

  file(file: NtkFile): string {
    for (const item of file.items) {
      this.leading(item.range.start.offset, 0, true);
      this.gap(item.range.start.line, true);
      if (item.kind === 'experiment') this.block(item, 0);
      else this.definition(item);
    }
    this.leading(Infinity, 0, true);
    while (this.out.length > 0 && this.out[this.out.length - 1] === '') this.out.pop();
    return this.out.length === 0 ? '' : `${this.out.join('\n')}\n`;
  }

  // ---- comments and blank lines ----

  private emit(indent: number, text: string): void {
    this.out.push(text === '' ? '' : INDENT.repeat(indent) + text);
  }

  /** A blank line before something starting at `line` if the source had one (and blank lines are allowed here). */
  private gap(line: number, allowed: boolean): void {
    if (allowed && this.lastLine >= 0 && line - this.lastLine >= 2 && this.out.length > 0 && this.out[this.out.length - 1] !== '') this.emit(0, '');
  }

  /** Own-line comments before `offset`. `blankOk`: a blank line may precede the first one. */
  private leading(offset: number, indent: number, blankOk: boolean): void {
    while (this.next < this.comments.length && this.comments[this.next].range.start.offset < offset) {
      const c = this.comments[this.next++];
      this.gap(c.range.start.line, blankOk);
      this.emit(indent, c.text);
      this.lastLine = c.range.end.line;
      blankOk = true;
    }
  }

  /** An end-of-line comment on `line` after `offset`, as `  # …`, consumed; or ''. */
  private trailing(line: number, offset: number): string {
    const c = this.comments[this.next];
    if (c && c.range.start.line === line && c.range.start.offset >= offset) {
      this.next++;
      return `  ${c.text}`;
    }
    return '';
  }

  private hasCommentsIn(range: Range): boolean {
    const c = this.comments[this.next];
    return c !== undefined && c.range.start.offset < range.end.offset && c.range.start.offset >= range.start.offset;
  }

  // ---- items ----

  private definition(d: Definition): void {
    const text = `${d.kind} ${d.name.name}(${d.params.map((p) => p.name).join(', ')}) = ${printExpression(d.body)}`;
    this.emit(0, text + this.trailing(d.range.end.line, d.range.end.offset));
    this.lastLine = d.range.end.line;
  }

  private header(b: Block | Experiment): string {
    if (b.kind === 'experiment') return `experiment ${b.name.name}`;
    return [b.name.name, ...b.labels.map((l) => (l.kind === 'string' ? l.raw : l.name))].join(' ');
  }

  private isInline(b: Block | Experiment): boolean {
    return b.range.start.line === b.range.end.line && !this.hasCommentsIn(b.range);
  }

  private block(b: Block | Experiment, indent: number): void {
    const head = this.header(b);
    if (b.items.length === 0 && !this.hasCommentsIn(b.range)) {
      this.emit(indent, `${head} {}${this.trailing(b.range.end.line, b.range.end.offset)}`);
      this.lastLine = b.range.end.line;
      return;
    }
    if (this.isInline(b)) {
      this.emit(indent, `${this.inline(b)}${this.trailing(b.range.end.line, b.range.end.offset)}`);
      this.lastLine = b.range.end.line;
      return;
    }
    const headerEnd = b.kind === 'experiment' ? b.name.range.end : (b.labels[b.labels.length - 1] ?? b.name).range.end;
    const firstItem = b.items[0]?.range.start.offset ?? b.close?.start.offset ?? Infinity;
    const c = this.comments[this.next];
    const headComment = c && c.range.start.line === headerEnd.line && c.range.start.offset < firstItem ? this.trailing(headerEnd.line, headerEnd.offset) : '';
    this.emit(indent, `${head} {${headComment}`);
    this.lastLine = headerEnd.line;
    this.body(b.items, indent + 1);
    const closeOffset = b.close?.start.offset ?? b.range.end.offset;
    this.leading(closeOffset, indent + 1, true);
    const closeLine = b.close?.start.line ?? b.range.end.line;
    this.emit(indent, `}${b.close ? this.trailing(closeLine, b.close.end.offset) : ''}`);
    this.lastLine = closeLine;
  }

  /** The items of a multi-line block: runs of settings aligned on `=`. */
  private body(items: readonly Item[], indent: number): void {
    let first = true;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      this.leading(item.range.start.offset, indent, !first);
      this.gap(item.range.start.line, !first);
      first = false;
      if (item.kind === 'block') {
        this.block(item, indent);
        continue;
      }
      this.setting(item, indent, this.runWidth(items, i));
    }
  }

  /** Width of the longest key in the run of settings around `items[i]` (a blank line or a block ends a run). */
  private runWidth(items: readonly Item[], i: number): number {
    let lo = i;
    while (lo > 0 && items[lo - 1].kind === 'setting' && !this.blankBetween(items[lo - 1], items[lo])) lo--;
    let hi = i;
    while (hi + 1 < items.length && items[hi + 1].kind === 'setting' && !this.blankBetween(items[hi], items[hi + 1])) hi++;
    let width = 0;
    for (let k = lo; k <= hi; k++) width = Math.max(width, (items[k] as Setting).key.name.length);
    return width;
  }

  /** Whether the source has a blank line between two items (comment lines are not blank). */
  private blankBetween(a: Item, b: Item): boolean {
    const from = a.range.end.offset;
    const to = b.range.start.offset;
    // Line breaks as the lexer counts them (\r\n, \n or a lone \r), so that this agrees with `gap`,
    // which keeps the blank line by the lexer's line numbers.
    const between = this.source.slice(from, to).replace(/\r\n?/g, '\n');
    return /\n[ \t\f]*\n/.test(between.replace(/#[^\n]*/g, '#'));
  }

  private setting(s: Setting, indent: number, width: number): void {
    const key = s.key.name.padEnd(width);
    const lines = this.value(s.value, indent);
    const last = lines.length - 1;
    lines[0] = `${key} = ${lines[0]}`;
    lines[last] += this.trailing(s.range.end.line, s.range.end.offset);
    lines.forEach((line, k) => this.out.push(k === 0 ? INDENT.repeat(indent) + line : line));
    this.lastLine = s.range.end.line;
  }

  /**
   * A value as lines: the first without indentation (it follows `key = `), the others complete.
   * Lists spread over lines are laid out one element per line; other values with comments inside are
   * kept verbatim.
   */
  private value(v: Value, indent: number): string[] {
    const multiline = v.range.start.line !== v.range.end.line;
    if (v.kind === 'list' && multiline && v.items.length > 0) return this.expandedList(v, indent);
    if (multiline && this.hasCommentsIn(v.range)) {
      // Skip the comments inside: they are printed as part of the verbatim text.
      while (this.hasCommentsIn(v.range)) this.next++;
      return this.source.slice(v.range.start.offset, v.range.end.offset).split(/\r?\n|\r/);
    }
    return [printValue(v)];
  }

  private expandedList(v: ListValue, indent: number): string[] {
    const lines = ['['];
    const inner = INDENT.repeat(indent + 1);
    const c0 = this.comments[this.next];
    if (c0 && c0.range.start.line === v.range.start.line && c0.range.start.offset < v.items[0].range.start.offset) {
      lines[0] += `  ${c0.text}`;
      this.next++;
    }
    v.items.forEach((item, k) => {
      while (this.next < this.comments.length && this.comments[this.next].range.start.offset < item.range.start.offset) {
        lines.push(inner + this.comments[this.next++].text);
      }
      const sub = this.value(item, indent + 1);
      sub[0] = inner + sub[0];
      const comma = k < v.items.length - 1 ? ',' : '';
      // An end-of-line comment after the element goes after its comma.
      const nextItem = v.items[k + 1];
      const limit = nextItem ? nextItem.range.start.offset : v.range.end.offset;
      const c = this.comments[this.next];
      const tail = c && c.range.start.line === item.range.end.line && c.range.start.offset < limit ? `  ${this.comments[this.next++].text}` : '';
      sub[sub.length - 1] += comma + tail;
      lines.push(...sub);
    });
    while (this.next < this.comments.length && this.comments[this.next].range.start.offset < v.range.end.offset) {
      lines.push(inner + this.comments[this.next++].text);
    }
    lines.push(`${INDENT.repeat(indent)}]`);
    return lines;
  }

  /** A block on one line: `data circle { samples = 16; noise = 0.1 }`. */
  private inline(b: Block | Experiment): string {
    const parts = b.items.map((item) => (item.kind === 'block' ? this.inline(item) : `${item.key.name} = ${printValue(item.value)}`));
    return parts.length === 0 ? `${this.header(b)} {}` : `${this.header(b)} { ${parts.join('; ')} }`;
  }
}
