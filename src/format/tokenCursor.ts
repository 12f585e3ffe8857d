import type { Identifier, Range } from './ast';
import type { Acceptor } from './diagnostics';
import { type TokenKind, TokenRange, type TokenStream } from './lexer';

/** Deeper nesting than this is reported instead of recursed into (a file of 10⁶ `(` must not overflow the stack). */
export const MAX_NESTING = 200;

const ITEM_END = new Set<TokenKind>(['newline', ';', '}', 'eof']);

/**
 * The parser's footing: a position in the token stream, ranges, error reporting that reports an
 * item's first error and not its echoes, recovery to the end of an item, and the nesting guard.
 */
export abstract class TokenCursor {
  protected i = 0;
  protected depth = 0;
  protected tooDeepReported = false;
  /** Set when the current item has an error: later errors of the same item would only echo it. */
  protected itemFailed = false;

  constructor(
    protected readonly tokens: TokenStream,
    protected readonly accept: Acceptor,
  ) {}

  // ---- token access (tokens are indices into the stream) ----

  /** Index of the token `k` ahead (the last token, `eof`, repeats). */
  protected peek(k = 0): number {
    return Math.min(this.i + k, this.tokens.count - 1);
  }

  protected kind(j: number): TokenKind {
    return this.tokens.kind(j);
  }

  protected text(j: number): string {
    return this.tokens.text(j);
  }

  protected next(): number {
    const j = this.i;
    if (this.i < this.tokens.count - 1) this.i++;
    return j;
  }

  protected at(kind: TokenKind): boolean {
    return this.kind(this.peek()) === kind;
  }

  /** From the start of token `a` to the end of token `b`. */
  protected range(a: number, b = a): TokenRange {
    return new TokenRange(this.tokens, a, b);
  }

  /** The empty range at the start of token `j` (a missing value). */
  protected emptyAt(j: number): TokenRange {
    return new TokenRange(this.tokens, j, j, true);
  }

  /** From the start of `a` to the end of `b` (both made by this parser). */
  protected span(a: Range, b: Range): Range {
    return a instanceof TokenRange && b instanceof TokenRange ? a.to(b) : { start: a.start, end: b.end };
  }

  protected describe(j: number): string {
    switch (this.kind(j)) {
      case 'eof':
        return 'the end of the file';
      case 'newline':
        return 'the end of the line';
      case 'string':
        return `the string ${this.text(j)}`;
      default:
        return `\`${this.text(j)}\``;
    }
  }

  /** Index of the next token that is not a newline (inside brackets newlines do not count). */
  protected significant(): number {
    let j = this.i;
    while (this.kind(j) === 'newline') j++;
    return j;
  }

  protected skipSeparators(): void {
    while (this.at('newline') || this.at(';')) this.next();
  }

  protected error(message: string, range: Range, suggestion?: string): void {
    this.accept('error', 'syntax', message, range, suggestion);
    this.itemFailed = true;
  }

  /** An error that only follows from an earlier one in the same item is not reported. */
  protected consequence(message: string, token: number): void {
    if (!this.itemFailed) this.errorAt(token, message);
  }

  protected errorAt(token: number, message: string): void {
    this.error(message, this.range(token));
  }

  /** Skip to the end of the current item: a newline, `;` or `}` outside brackets, or a balanced `{ … }`. */
  protected skipItem(): void {
    let nest = 0;
    while (!this.at('eof')) {
      const kind = this.kind(this.peek());
      if (nest === 0 && (kind === 'newline' || kind === ';' || kind === '}')) return;
      if (kind === '(' || kind === '[' || kind === '{') nest++;
      else if ((kind === ')' || kind === ']' || kind === '}') && nest > 0) {
        nest--;
        if (kind === '}' && nest === 0) {
          this.next();
          return;
        }
      }
      this.next();
    }
  }

  protected enter(token: number): boolean {
    if (this.depth >= MAX_NESTING) {
      if (!this.tooDeepReported) {
        this.errorAt(token, `nesting deeper than ${MAX_NESTING} levels: simplify the expression or list`);
        this.tooDeepReported = true;
      }
      return false;
    }
    this.depth++;
    return true;
  }

  protected leave(): void {
    this.depth--;
  }

  /** After an item: a newline, `;`, `}` or the end; anything else is reported (and skipped unless it starts a new item). */
  protected endItem(what: string): void {
    const t = this.peek();
    if (ITEM_END.has(this.kind(t))) return;
    this.consequence(`unexpected ${this.describe(t)} after ${what}: expected an operator, a new line or \`;\``, t);
    if (this.kind(t) === 'identifier' && this.kind(this.peek(1)) === '=') return;
    this.skipItem();
  }

  protected identifier(token: number): Identifier {
    return { kind: 'identifier', name: this.text(token), range: this.range(token) };
  }

  /** A placeholder identifier where a name is missing, at `token`'s start. */
  protected missingName(token: number): Identifier {
    return { kind: 'identifier', name: '', range: this.emptyAt(token) };
  }
}
