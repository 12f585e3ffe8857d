/**
 * The typed model of an `.ntkexp` file (NTKEXP.md, "Grammar"). Every node is immutable and carries
 * its source range; comments are kept beside the tree for the formatter.
 */

/** A place in the text: 0-based line and UTF-16 column (as LSP counts), and the offset. */
export interface Position {
  readonly line: number;
  readonly character: number;
  readonly offset: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

interface Node<K extends string> {
  readonly kind: K;
  readonly range: Range;
}

/** A name: a key, a block name, a label, a definition's name or parameter, or a variable in an expression. */
export interface Identifier extends Node<'identifier'> {
  readonly name: string;
}

export interface NumberLiteral extends Node<'number'> {
  readonly value: number;
  /** The digits as written, which the formatter keeps. */
  readonly raw: string;
}

export interface StringLiteral extends Node<'string'> {
  /** The content without quotes, escapes resolved. */
  readonly value: string;
  /** The literal as written, quotes included. */
  readonly raw: string;
}

export type BinaryOperator = '+' | '-' | '*' | '/' | '^';

export interface BinaryExpression extends Node<'binary'> {
  readonly operator: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
}

export interface UnaryExpression extends Node<'unary'> {
  readonly operator: '-' | '+';
  readonly operand: Expression;
}

export interface CallExpression extends Node<'call'> {
  readonly callee: Identifier;
  readonly args: readonly Expression[];
}

/** Parentheses as written: meaningless to evaluation, kept for the formatter. */
export interface ParenExpression extends Node<'paren'> {
  readonly inner: Expression;
}

/** Where the parser found no value; it has already reported why. */
export interface Missing extends Node<'missing'> {}

export type Expression = NumberLiteral | Identifier | BinaryExpression | UnaryExpression | CallExpression | ParenExpression | Missing;

export interface ListValue extends Node<'list'> {
  readonly items: readonly Value[];
}

export type Value = Expression | StringLiteral | ListValue;

export interface Setting extends Node<'setting'> {
  readonly key: Identifier;
  readonly value: Value;
}

export interface Block extends Node<'block'> {
  readonly name: Identifier;
  /** What follows the name before `{`: `mnist`, `csv "data.csv"` (NTKEXP.md's `data csv "PATH"`). */
  readonly labels: readonly (Identifier | StringLiteral)[];
  readonly items: readonly Item[];
  /** Range of the closing `}`; absent when the file ended first. */
  readonly close?: Range;
}

export type Item = Setting | Block;

export interface ActivationDefinition extends Node<'activation'> {
  readonly name: Identifier;
  readonly params: readonly Identifier[];
  readonly body: Expression;
}

export interface LossDefinition extends Node<'loss'> {
  readonly name: Identifier;
  readonly params: readonly Identifier[];
  readonly body: Expression;
}

export type Definition = ActivationDefinition | LossDefinition;

export interface Experiment extends Node<'experiment'> {
  readonly name: Identifier;
  readonly items: readonly Item[];
  readonly close?: Range;
}

export type TopLevel = Definition | Experiment;

export interface Comment {
  readonly range: Range;
  /** From `#` to the end of the line, trailing blanks removed. */
  readonly text: string;
}

export interface NtkFile extends Node<'file'> {
  readonly items: readonly TopLevel[];
  readonly comments: readonly Comment[];
}

/** Whether `offset` lies in `range` (end inclusive, so a cursor just after a word is in it). */
export function containsOffset(range: Range, offset: number): boolean {
  return range.start.offset <= offset && offset <= range.end.offset;
}
