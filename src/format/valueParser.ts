import type { Expression, Identifier, ListValue, Range, StringLiteral, Value } from './ast';
import type { TokenKind } from './lexer';
import { TokenCursor } from './tokenCursor';

const EXPRESSION_START = new Set<TokenKind>(['number', 'identifier', '(', '-', '+']);

/**
 * Values: strings, lists and expressions (`+ - * / ^`, unary minus, calls, parentheses), where
 * newlines inside brackets do not end the item. A missing `]` or `)` before the end of the line is
 * reported there, so the next line still parses.
 */
export class ValueParser extends TokenCursor {
  // ---- values ----
  protected stringLiteral(t: number): StringLiteral {
    return { kind: 'string', value: this.tokens.string(t), raw: this.text(t), range: this.range(t) };
  }


  protected missingAt(t: number): Expression {
    return { kind: 'missing', range: this.emptyAt(t) };
  }

  protected value(after: string): Value {
    const t = this.peek();
    if (this.kind(t) === 'string') {
      this.next();
      return this.stringLiteral(t);
    }
    if (this.kind(t) === '[') return this.list();
    return this.expression(after);
  }

  protected list(): ListValue {
    const open = this.next();
    if (!this.enter(open)) {
      this.skipItem();
      return { kind: 'list', items: [], range: this.range(open) };
    }
    const items: Value[] = [];
    let end: Range = this.range(open);
    const unclosed = (t: number): void => {
      const at = this.tokens.start(open);
      this.consequence(`list opened at line ${at.line + 1}, column ${at.character + 1} is not closed: expected \`]\` before ${this.describe(t)}`, t);
    };
    for (;;) {
      const t = this.significant();
      const kind = this.kind(t);
      if (kind === ']') {
        let before = t - 1;
        while (this.kind(before) === 'newline') before--;
        if (items.length > 0 && this.kind(before) === ',') this.error('trailing `,` before `]`: remove it', this.range(before), '');
        this.i = t;
        this.next();
        end = this.range(t);
        break;
      }
      if (kind === 'eof' || kind === '}' || kind === ';' || kind === ')' || kind === '=') {
        unclosed(t);
        break;
      }
      this.i = t;
      const item = this.value('`[` or `,`');
      items.push(item);
      end = item.range;
      const after = this.significant();
      const next = this.kind(after);
      if (next === ',') {
        this.i = after;
        this.next();
        end = this.range(after);
        continue;
      }
      if (next === ']') continue;
      if (next === 'eof' || next === '}' || after > this.i) {
        // A missing `]` before the end of the line: stop here so the item ends at the newline.
        unclosed(after);
        break;
      }
      this.errorAt(after, `unexpected ${this.describe(after)} in a list: expected \`,\` or \`]\``);
      this.skipItem();
      break;
    }
    this.leave();
    return { kind: 'list', items, range: this.span(this.range(open), end) };
  }

  standaloneExpression(): Expression {
    while (this.at('newline')) this.next();
    const e = this.expression('the start');
    while (this.at('newline')) this.next();
    if (!this.at('eof')) this.errorAt(this.peek(), `unexpected ${this.describe(this.peek())} after the expression`);
    return e;
  }

  /** `after` names what precedes, for "expected a value after …". */
  protected expression(after: string, nested = false): Expression {
    return this.additive(after, nested);
  }

  /** The next operator token, looking past newlines only inside brackets. */
  protected operator(nested: boolean, ops: readonly TokenKind[]): number | undefined {
    const j = nested ? this.significant() : this.i;
    if (!ops.includes(this.kind(j))) return undefined;
    this.i = j;
    return this.next();
  }

  protected additive(after: string, nested: boolean): Expression {
    let left = this.multiplicative(after, nested);
    for (;;) {
      const op = this.operator(nested, ['+', '-']);
      if (!op) return left;
      const right = this.multiplicative(`\`${this.text(op)}\``, nested);
      left = { kind: 'binary', operator: this.kind(op) as '+' | '-', left, right, range: this.span(left.range, right.range) };
    }
  }

  protected multiplicative(after: string, nested: boolean): Expression {
    let left = this.unary(after, nested);
    for (;;) {
      const op = this.operator(nested, ['*', '/']);
      if (!op) return left;
      const right = this.unary(`\`${this.text(op)}\``, nested);
      left = { kind: 'binary', operator: this.kind(op) as '*' | '/', left, right, range: this.span(left.range, right.range) };
    }
  }

  protected unary(after: string, nested: boolean): Expression {
    if (nested) this.i = this.significant();
    const t = this.peek();
    if (this.kind(t) === '-' || this.kind(t) === '+') {
      if (!this.enter(t)) {
        this.skipItem();
        return this.missingAt(t);
      }
      this.next();
      const operand = this.unary(`\`${this.text(t)}\``, nested);
      this.leave();
      return { kind: 'unary', operator: this.kind(t) as '-' | '+', operand, range: this.span(this.range(t), operand.range) };
    }
    return this.power(after, nested);
  }

  /** `a ^ b ^ c` = `a ^ (b ^ c)`; `-x ^ 2` = `-(x ^ 2)`; `2 ^ -1` is allowed. */
  protected power(after: string, nested: boolean): Expression {
    const base = this.primary(after, nested);
    const op = this.operator(nested, ['^']);
    if (!op) return base;
    if (!this.enter(op)) {
      this.skipItem();
      return base;
    }
    const exponent = this.unary('`^`', nested);
    this.leave();
    return { kind: 'binary', operator: '^', left: base, right: exponent, range: this.span(base.range, exponent.range) };
  }

  protected primary(after: string, nested: boolean): Expression {
    if (nested) this.i = this.significant();
    const t = this.peek();
    if (this.kind(t) === 'number') {
      this.next();
      return { kind: 'number', value: this.tokens.number(t), raw: this.text(t), range: this.range(t) };
    }
    if (this.kind(t) === 'identifier') {
      this.next();
      const id = this.identifier(t);
      if (this.at('(')) return this.call(id);
      return id;
    }
    if (this.kind(t) === '(') {
      if (!this.enter(t)) {
        this.skipItem();
        return this.missingAt(t);
      }
      this.next();
      const inner = this.expression('`(`', true);
      const close = this.closing(')', t, 'parenthesis');
      this.leave();
      return { kind: 'paren', inner, range: this.span(this.range(t), close ?? inner.range) };
    }
    if (!EXPRESSION_START.has(this.kind(t))) {
      this.errorAt(t, `expected a value after ${after}, found ${this.describe(t)}`);
      return this.missingAt(t);
    }
    this.errorAt(t, `expected a value after ${after}, found ${this.describe(t)}`);
    return this.missingAt(t);
  }

  protected call(callee: Identifier): Expression {
    const open = this.next();
    if (!this.enter(open)) {
      this.skipItem();
      return callee;
    }
    const args: Expression[] = [];
    const j = this.significant();
    if (this.kind(j) !== ')') {
      for (;;) {
        args.push(this.expression(args.length === 0 ? '`(`' : '`,`', true));
        const k = this.significant();
        if (this.kind(k) === ',') {
          this.i = k;
          this.next();
          continue;
        }
        break;
      }
    }
    const close = this.closing(')', open, `call of \`${callee.name}\``);
    this.leave();
    const end = close ?? (args.length > 0 ? args[args.length - 1].range : this.range(open));
    return { kind: 'call', callee, args, range: this.span(callee.range, end) };
  }

  /** Consume the closing token (looking past newlines) or report it missing; returns its end. */
  protected closing(kind: ')' | ']', open: number, what: string) {
    const j = this.significant();
    const t = (j);
    if (this.kind(t) === kind) {
      this.i = j;
      this.next();
      return this.range(t);
    }
    this.consequence(`${what} opened at line ${this.tokens.start(open).line + 1}, column ${this.tokens.start(open).character + 1} is not closed: expected \`${kind}\`, found ${this.describe(t)}`, t);
    return undefined;
  }
}
