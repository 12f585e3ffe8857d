import type { Comment, Position } from './ast';
import type { Acceptor } from './diagnostics';

/**
 * Tokens of NTKEXP.md: identifiers `[A-Za-z_][A-Za-z0-9_]*`, decimal numbers with optional fraction
 * and exponent, double-quoted strings (`\"` and `\\` escapes), punctuation, and newlines (items are
 * separated by newlines or `;`). `#` comments go to a separate list for the formatter. A bad character
 * is reported and skipped, so lexing never stops early.
 *
 * Tokens are stored column-wise in typed arrays (kind, offsets, line, column), not as one object each:
 * a 1 MB file has ~300 000 tokens, and objects for them cost more in garbage collection than the
 * whole parse. A token never spans lines.
 */
export type Punctuation = '{' | '}' | '(' | ')' | '[' | ']' | ',' | '=' | ';' | '+' | '-' | '*' | '/' | '^';

export type TokenKind = 'identifier' | 'number' | 'string' | 'newline' | 'eof' | Punctuation;

const KINDS: readonly TokenKind[] = ['identifier', 'number', 'string', 'newline', 'eof', '{', '}', '(', ')', '[', ']', ',', '=', ';', '+', '-', '*', '/', '^'];
const KIND_CODE = new Map<string, number>(KINDS.map((k, i) => [k, i]));

/** The tokens of a text, by index; the last is `eof`. */
export class TokenStream {
  private kinds: Uint8Array;
  private starts: Int32Array;
  private ends: Int32Array;
  private lines: Int32Array;
  private columns: Int32Array;
  private numbers: Float64Array;
  private strings = new Map<number, string>();
  count = 0;

  constructor(
    readonly source: string,
    capacity: number,
  ) {
    this.kinds = new Uint8Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.lines = new Int32Array(capacity);
    this.columns = new Int32Array(capacity);
    this.numbers = new Float64Array(capacity);
  }

  push(kind: TokenKind, start: number, end: number, line: number, column: number, value?: number | string): void {
    if (this.count === this.kinds.length) this.grow();
    const i = this.count++;
    this.kinds[i] = KIND_CODE.get(kind)!;
    this.starts[i] = start;
    this.ends[i] = end;
    this.lines[i] = line;
    this.columns[i] = column;
    if (typeof value === 'number') this.numbers[i] = value;
    else if (typeof value === 'string') this.strings.set(i, value);
  }

  private grow(): void {
    const n = Math.max(16, this.kinds.length * 2);
    const copy = <T extends Uint8Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.kinds = copy(this.kinds, (k) => new Uint8Array(k));
    this.starts = copy(this.starts, (k) => new Int32Array(k));
    this.ends = copy(this.ends, (k) => new Int32Array(k));
    this.lines = copy(this.lines, (k) => new Int32Array(k));
    this.columns = copy(this.columns, (k) => new Int32Array(k));
    const numbers = new Float64Array(n);
    numbers.set(this.numbers);
    this.numbers = numbers;
  }

  kind(i: number): TokenKind {
    return KINDS[this.kinds[i]];
  }

  /** The token as written. */
  text(i: number): string {
    return this.source.slice(this.starts[i], this.ends[i]);
  }

  startOffset(i: number): number {
    return this.starts[i];
  }

  start(i: number): Position {
    return { line: this.lines[i], character: this.columns[i], offset: this.starts[i] };
  }

  end(i: number): Position {
    return { line: this.lines[i], character: this.columns[i] + this.ends[i] - this.starts[i], offset: this.ends[i] };
  }

  line(i: number): number {
    return this.lines[i];
  }

  column(i: number): number {
    return this.columns[i];
  }

  /** A number's value. */
  number(i: number): number {
    return this.numbers[i];
  }

  /** A string's content, escapes resolved. */
  string(i: number): string {
    return this.strings.get(i) ?? '';
  }
}

export interface LexResult {
  readonly tokens: TokenStream;
  readonly comments: readonly Comment[];
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

const PUNCTUATION = '{}()[],=;+-*/^';

export function lex(text: string, accept: Acceptor): LexResult {
  const n = text.length;
  const tokens = new TokenStream(text, Math.min(n + 1, Math.max(1024, n >> 1)));
  const comments: Comment[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 0;
  let lineStart = 0;
  const pos = (offset: number): Position => ({ line, character: offset - lineStart, offset });
  const push = (kind: TokenKind, start: number, end: number, value?: number | string): void => tokens.push(kind, start, end, line, start - lineStart, value);

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 12 || c === 0xfeff) {
      i++;
    } else if (c === 10 || c === 13) {
      const start = i;
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      push('newline', start, i);
      line++;
      lineStart = i;
    } else if (c === 35) {
      const start = i;
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      let end = i;
      while (end > start && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
      comments.push({ range: { start: pos(start), end: pos(end) }, text: text.slice(start, end) });
    } else if (isIdentStart(c)) {
      const start = i;
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      push('identifier', start, i);
    } else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      i = lexNumber(text, i, pos, push, accept);
    } else if (c === 34) {
      i = lexString(text, i, pos, push, accept);
    } else if (PUNCTUATION.includes(text[i])) {
      push(text[i] as Punctuation, i, i + 1);
      i++;
    } else {
      const start = i;
      const cp = text.codePointAt(i) ?? c;
      i += cp > 0xffff ? 2 : 1;
      const shown = cp < 32 || cp === 127 ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `\`${String.fromCodePoint(cp)}\``;
      accept('error', 'syntax', `unexpected character ${shown}: expected a name, a number, a string, or one of { } ( ) [ ] , = ; + - * / ^`, {
        start: pos(start),
        end: pos(i),
      });
    }
  }
  push('eof', n, n);
  return { tokens, comments };
}

type PositionAt = (offset: number) => Position;
type Push = (kind: TokenKind, start: number, end: number, value?: number | string) => void;

/** `12`, `0.5`, `1e-3`, `2.5E+4`; a leading `.5` is read as 0.5 but reported. */
function lexNumber(text: string, start: number, pos: PositionAt, push: Push, accept: Acceptor): number {
  let i = start;
  const n = text.length;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) {
    i++;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === 43 || sign === 45) j++;
    if (isDigit(text.charCodeAt(j))) {
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      i = j;
    }
  }
  const raw = text.slice(start, i);
  if (raw.startsWith('.')) {
    accept('error', 'syntax', `number \`${raw}\` needs a digit before the decimal point: write \`0${raw}\``, { start: pos(start), end: pos(i) }, `0${raw}`);
  }
  push('number', start, i, Number(raw));
  return i;
}

/** A double-quoted string on one line; an unterminated one is reported and ends at the line's end. */
function lexString(text: string, start: number, pos: PositionAt, push: Push, accept: Acceptor): number {
  let i = start + 1;
  const n = text.length;
  let value = '';
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      push('string', start, i + 1, value);
      return i + 1;
    }
    if (c === 10 || c === 13) break;
    if (c === 92 && (text.charCodeAt(i + 1) === 34 || text.charCodeAt(i + 1) === 92)) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    value += text[i];
    i++;
  }
  accept('error', 'syntax', 'unterminated string: expected a closing `"` on the same line', { start: pos(start), end: pos(i) });
  push('string', start, i, value);
  return i;
}

/**
 * A range between token boundaries whose positions are computed when asked, so that the tree of a
 * large file does not hold two position objects per node. From the start of token `first` to the end
 * of token `last` (or to its start, for the empty range of a missing value).
 */
export class TokenRange {
  readonly #tokens: TokenStream;

  constructor(
    tokens: TokenStream,
    readonly first: number,
    readonly last: number,
    readonly endAtStart = false,
  ) {
    this.#tokens = tokens;
  }

  get start(): Position {
    return this.#tokens.start(this.first);
  }

  get end(): Position {
    return this.endAtStart ? this.#tokens.start(this.last) : this.#tokens.end(this.last);
  }

  /** From this range's start to `other`'s end. */
  to(other: TokenRange): TokenRange {
    return new TokenRange(this.#tokens, this.first, other.last, other.endAtStart);
  }

  toJSON(): { start: Position; end: Position } {
    return { start: this.start, end: this.end };
  }
}
