import type {
  ActivationDefinition,
  Block,
  Experiment,
  Expression,
  Identifier,
  Item,
  LossDefinition,
  NtkFile,
  Range,
  StringLiteral,
  TopLevel,
} from './ast';
import { type Acceptor, type Diagnostic, collector } from './diagnostics';
import { lex } from './lexer';
import { ValueParser } from './valueParser';

export { MAX_NESTING } from './tokenCursor';

/**
 * A tolerant recursive-descent parser for NTKEXP.md's grammar. It never throws: each problem is
 * reported once through the acceptor and parsing resumes at the next item (new line, `;` or `}`), so
 * one pass reports every syntax error. Newlines separate items, except inside `( )` and `[ ]`.
 *
 * Deviation from the printed grammar, which says `block = IDENT [IDENT | STRING] "{"`: a block header
 * takes any number of labels so that the documented `data csv "PATH" { … }` parses; the validator
 * checks which labels each block takes.
 *
 * The work is split by layer: tokenCursor.ts (position, errors, recovery), valueParser.ts (values and
 * expressions), and here the file level (definitions, experiments, blocks, settings).
 */

export interface ParseResult {
  readonly file: NtkFile;
  readonly diagnostics: readonly Diagnostic[];
}

export function parse(text: string): ParseResult {
  const { accept, diagnostics } = collector();
  const file = parseWith(text, accept);
  return { file, diagnostics };
}

/**
 * Syntax errors past this many are not reported: a file with thousands of them is not an .ntkexp file
 * (or is binary), and a million diagnostics would cost more than the parse.
 */
export const MAX_SYNTAX_ERRORS = 1000;

function capped(accept: Acceptor): Acceptor {
  let count = 0;
  return (severity, code, message, range, suggestion) => {
    count++;
    if (count <= MAX_SYNTAX_ERRORS) accept(severity, code, message, range, suggestion);
    else if (count === MAX_SYNTAX_ERRORS + 1) {
      accept('error', 'syntax', `more than ${MAX_SYNTAX_ERRORS} syntax errors: the rest are not reported (is this an .ntkexp file?)`, range);
    }
  };
}

export function parseWith(text: string, report: Acceptor): NtkFile {
  const accept = capped(report);
  const { tokens, comments } = lex(text, accept);
  const parser = new Parser(tokens, accept);
  const items = parser.file();
  return { kind: 'file', items, comments, range: { start: { line: 0, character: 0, offset: 0 }, end: tokens.end(tokens.count - 1) } };
}

/** One expression on its own (a definition's body or a target kept as text in a resolved experiment). */
export function parseExpression(text: string): { expression: Expression; diagnostics: readonly Diagnostic[] } {
  const { accept: report, diagnostics } = collector();
  const accept = capped(report);
  const { tokens } = lex(text, accept);
  const expression = new ValueParser(tokens, accept).standaloneExpression();
  return { expression, diagnostics };
}

class Parser extends ValueParser {
  // ---- file level ----

  file(): TopLevel[] {
    const items: TopLevel[] = [];
    for (;;) {
      this.skipSeparators();
      const t = this.peek();
      if (this.kind(t) === 'eof') return items;
      this.itemFailed = false;
      if (this.kind(t) === '}') {
        this.errorAt(t, 'unexpected `}`: no block is open here');
        this.next();
        continue;
      }
      const item = this.topLevel();
      if (item) items.push(item);
      if (!(item?.kind === 'experiment' && !item.close)) this.endItem(item ? `the ${item.kind === 'experiment' ? 'experiment' : 'definition'}` : 'this line');
    }
  }

  protected topLevel(): TopLevel | undefined {
    const t = this.peek();
    if (this.kind(t) === 'identifier') {
      if ((this.text(t) === 'activation' || this.text(t) === 'loss') && this.kind(this.peek(1)) === 'identifier' && this.kind(this.peek(2)) === '(') {
        return this.definition(this.text(t));
      }
      if (this.text(t) === 'experiment') return this.experiment();
      if (this.kind(this.peek(1)) === '=') {
        this.errorAt(t, `setting \`${this.text(t)}\` is outside any experiment: settings go inside \`experiment NAME { … }\``);
      } else if (this.looksLikeBlock()) {
        this.errorAt(t, `block \`${this.text(t)}\` is outside any experiment: blocks go inside \`experiment NAME { … }\``);
      } else {
        this.errorAt(t, `unexpected ${this.describe(t)} at the top level: expected \`activation\`, \`loss\` or \`experiment\``);
      }
    } else {
      this.errorAt(t, `unexpected ${this.describe(t)} at the top level: expected \`activation\`, \`loss\` or \`experiment\``);
    }
    this.skipItem();
    return undefined;
  }

  /** `experiment NAME {` or `activation|loss NAME (` at the start of a line: the previous block lacks its `}`. */
  protected startsTopLevel(): boolean {
    const t = this.peek();
    if (this.kind(t) !== 'identifier' || this.tokens.start(t).character !== 0) return false;
    if (this.text(t) === 'experiment') return this.kind(this.peek(1)) === 'identifier' && this.kind(this.peek(2)) === '{';
    return (this.text(t) === 'activation' || this.text(t) === 'loss') && this.kind(this.peek(1)) === 'identifier' && this.kind(this.peek(2)) === '(';
  }

  /** IDENT {IDENT | STRING} `{` from the current token. */
  protected looksLikeBlock(): boolean {
    let k = 1;
    while (this.kind(this.peek(k)) === 'identifier' || this.kind(this.peek(k)) === 'string') k++;
    return this.kind(this.peek(k)) === '{';
  }

  protected definition(keyword: string): ActivationDefinition | LossDefinition {
    const kw = this.next();
    const name = this.identifier(this.next());
    this.next(); // (
    const params: Identifier[] = [];
    let closed = false;
    while (!this.at('eof') && !this.at('newline')) {
      const t = this.peek();
      if (this.kind(t) === ')') {
        this.next();
        closed = true;
        break;
      }
      if (this.kind(t) === 'identifier') {
        params.push(this.identifier(this.next()));
        if (this.at(',')) this.next();
        else if (!this.at(')')) {
          this.errorAt(this.peek(), `unexpected ${this.describe(this.peek())} in the parameters of \`${name.name}\`: expected \`,\` or \`)\``);
          break;
        }
      } else {
        this.errorAt(t, `unexpected ${this.describe(t)} in the parameters of \`${name.name}\`: expected a parameter name`);
        break;
      }
    }
    let body: Expression;
    if (!closed) {
      if (this.at('eof') || this.at('newline')) {
        this.consequence(`the parameters of \`${name.name}\` are not closed: expected \`)\` before ${this.describe(this.peek())}`, this.peek());
      }
      this.skipItem();
      body = this.missingAt(this.peek());
    } else if (!this.at('=')) {
      this.errorAt(this.peek(), `expected \`=\` and the formula after \`${keyword} ${name.name}(…)\`, found ${this.describe(this.peek())}`);
      this.skipItem();
      body = this.missingAt(this.peek());
    } else {
      this.next();
      body = this.expression(`the formula of \`${name.name}\``);
    }
    const range = body.kind === 'missing' ? this.range(kw, Math.max(kw, this.i - 1)) : this.span(this.range(kw), body.range);
    return keyword === 'activation'
      ? { kind: 'activation', name, params, body, range }
      : { kind: 'loss', name, params, body, range };
  }

  protected experiment(): Experiment {
    const kw = this.next();
    let name: Identifier;
    if (this.at('identifier')) name = this.identifier(this.next());
    else {
      this.errorAt(this.peek(), `expected the experiment's name after \`experiment\`, found ${this.describe(this.peek())}`);
      name = this.missingName(this.peek());
      while (this.at('string') || this.at('number')) this.next();
    }
    if (!this.at('{')) {
      this.errorAt(this.peek(), `expected \`{\` to open experiment \`${name.name}\`, found ${this.describe(this.peek())}`);
      this.skipItem();
      return { kind: 'experiment', name, items: [], range: this.span(this.range(kw), name.range) };
    }
    this.next();
    const { items, close } = this.items(`experiment \`${name.name}\``, kw, 1);
    const range = this.span(this.range(kw), close ?? this.emptyAt(this.peek()));
    return close ? { kind: 'experiment', name, items, close, range } : { kind: 'experiment', name, items, range };
  }

  // ---- blocks and settings ----

  /**
   * Items up to the matching `}` (consumed). An unclosed block is reported at its opening token; to
   * recover, a block also ends before something it cannot contain: the start of a top-level
   * definition or experiment, or (inside a block of an experiment, where blocks never nest) a block
   * header indented no deeper than the block's own.
   */
  protected items(owner: string, opener: number, level: number): { items: Item[]; close?: Range } {
    const items: Item[] = [];
    for (;;) {
      this.skipSeparators();
      const t = this.peek();
      if (this.kind(t) === '}') {
        this.next();
        return { items, close: this.range(t) };
      }
      if (this.kind(t) === 'eof') {
        this.errorAt(opener, `${owner} is never closed: expected \`}\` before the end of the file`);
        return { items };
      }
      if (this.startsTopLevel() || (level >= 2 && this.kind(t) === 'identifier' && this.tokens.start(t).character <= this.tokens.start(opener).character && this.looksLikeBlock())) {
        this.errorAt(opener, `${owner} is not closed: expected \`}\` before \`${this.text(t)}\` on line ${this.tokens.start(t).line + 1}`);
        return { items };
      }
      this.itemFailed = false;
      const item = this.item();
      if (item) {
        items.push(item);
        // After a block that ended without its `}` the next item follows directly.
        if (item.kind === 'setting' || item.close) this.endItem(item.kind === 'setting' ? `the value of \`${item.key.name}\`` : `block \`${item.name.name}\``);
      }
    }
  }

  protected item(): Item | undefined {
    const t = this.peek();
    if (this.kind(t) !== 'identifier') {
      this.errorAt(t, `unexpected ${this.describe(t)}: expected a setting \`name = value\` or a block \`name { … }\``);
      this.skipItem();
      return undefined;
    }
    if (this.kind(this.peek(1)) === '=') {
      const key = this.identifier(this.next());
      this.next();
      const value = this.value(`\`${key.name} =\``);
      return { kind: 'setting', key, value, range: this.span(key.range, value.range) };
    }
    if ((this.text(t) === 'activation' || this.text(t) === 'loss') && this.kind(this.peek(1)) === 'identifier' && this.kind(this.peek(2)) === '(') {
      this.errorAt(t, `definition of \`${this.text(this.peek(1))}\` inside a block: definitions go at the top level of the file, outside experiments`);
      this.skipItem();
      return undefined;
    }
    if (this.looksLikeBlock()) return this.block();
    this.errorAt(this.peek(1), `unexpected ${this.describe(this.peek(1))} after \`${this.text(t)}\`: expected \`=\` and a value, or \`{\` to open a block`);
    this.skipItem();
    return undefined;
  }

  protected block(): Block | undefined {
    const head = this.next();
    const name = this.identifier(head);
    const labels: (Identifier | StringLiteral)[] = [];
    while (this.at('identifier') || this.at('string')) {
      const t = this.next();
      labels.push(this.kind(t) === 'identifier' ? this.identifier(t) : this.stringLiteral(t));
    }
    const open = this.next(); // {
    if (!this.enter(open)) {
      this.skipBalanced();
      return undefined;
    }
    const { items, close } = this.items(`block \`${name.name}\``, head, this.depth + 1);
    this.leave();
    const range = this.span(this.range(head), close ?? this.emptyAt(this.peek()));
    return close ? { kind: 'block', name, labels, items, close, range } : { kind: 'block', name, labels, items, range };
  }

  /** After a too-deep `{`: skip to its matching `}`. */
  protected skipBalanced(): void {
    let nest = 1;
    while (!this.at('eof') && nest > 0) {
      const kind = this.kind(this.next());
      if (kind === '{') nest++;
      else if (kind === '}') nest--;
    }
  }
}
