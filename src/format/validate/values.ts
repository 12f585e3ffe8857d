import type { Expression, Value } from '../ast';
import type { Acceptor } from '../diagnostics';
import { toExpr } from '../expressions/fromAst';
import { CONSTANTS, functionSpec, isPublicFunction } from '../../catalogue/expressions/functions';
import { printExpression, printValue } from '../print';
import { BUILTIN_ACTIVATION_NAMES, BUILTIN_LOSS_NAMES, DIRECTION_PATTERN, type Json, type ValueType, describeType } from '../schema';
import { closest, didYouMean } from '../suggest';

/** What a value is checked against besides its type: the file's definitions and a target's variables. */
export interface ValueContext {
  /** "`width` in network": how messages name the setting. */
  readonly where: string;
  readonly activations: ReadonlySet<string>;
  readonly losses: ReadonlySet<string>;
  /** Variables of target expressions; undefined: the variables are unknown (say, `dim` is missing), skip the check. */
  readonly variables?: readonly string[];
  readonly describeVariables?: string;
  /** Called for each activation or loss name the value uses (unused-definition warnings). */
  readonly use?: (kind: 'activation' | 'loss', name: string) => void;
}

const silent: Acceptor = () => undefined;

/**
 * Check `value` against `type` and convert it to JSON: numbers (constant expressions folded: `2 * pi`,
 * `-0.1`), booleans, names and strings as strings, lists as arrays, target expressions as their
 * canonical text. Returns undefined after reporting a problem.
 */
export function convertValue(value: Value, type: ValueType, ctx: ValueContext, accept: Acceptor): Json | undefined {
  if (value.kind === 'missing') return undefined;
  switch (type.kind) {
    case 'integer':
    case 'number':
      return numeric(value, type, ctx, accept);
    case 'boolean': {
      const v = named(value, ['true', 'false'], ctx, accept, type);
      return v === undefined ? undefined : v === 'true';
    }
    case 'enum':
      return named(value, type.values, ctx, accept, type);
    case 'string':
      if (value.kind === 'string') return value.value;
      accept('error', 'type', `${ctx.where} expects a string in double quotes, got ${shown(value)}`, value.range, value.kind === 'identifier' ? `"${value.name}"` : undefined);
      return undefined;
    case 'activation':
    case 'loss':
      return definitionName(value, type.kind, ctx, accept);
    case 'expression':
      return expression(value, ctx, accept);
    case 'column':
      if (value.kind === 'string') return value.value;
      if (value.kind === 'identifier') return value.name;
      accept('error', 'type', `${ctx.where} expects a column name, got ${shown(value)}`, value.range);
      return undefined;
    case 'direction':
      return direction(value, ctx, accept);
    case 'list':
      return list(value, type, ctx, accept);
    case 'either':
      return either(value, type, ctx, accept);
  }
}

/** How a value is named in a message: `abc`, the string "abc", a list. */
function shown(value: Value): string {
  if (value.kind === 'string') return `the string ${value.raw}`;
  if (value.kind === 'list') return `a list \`${truncate(printValue(value))}\``;
  return `\`${truncate(printExpression(value))}\``;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** Whether the parser left a hole in the value (a missing operand): its error is already reported. */
export function hasHole(value: Value): boolean {
  switch (value.kind) {
    case 'missing':
      return true;
    case 'list':
      return value.items.some(hasHole);
    case 'paren':
      return hasHole(value.inner);
    case 'unary':
      return hasHole(value.operand);
    case 'binary':
      return hasHole(value.left) || hasHole(value.right);
    case 'call':
      return value.args.some(hasHole);
    default:
      return false;
  }
}

/** The value of a constant expression, or undefined (with the reason) if it has names or is not an expression. */
export function constantOf(value: Value): number | undefined {
  switch (value.kind) {
    case 'number':
      return value.value;
    case 'paren':
      return constantOf(value.inner);
    case 'unary': {
      const v = constantOf(value.operand);
      return v === undefined ? undefined : value.operator === '-' ? -v : v;
    }
    case 'binary': {
      const a = constantOf(value.left);
      const b = constantOf(value.right);
      if (a === undefined || b === undefined) return undefined;
      return value.operator === '+' ? a + b : value.operator === '-' ? a - b : value.operator === '*' ? a * b : value.operator === '/' ? a / b : Math.pow(a, b);
    }
    case 'identifier':
      return Object.prototype.hasOwnProperty.call(CONSTANTS, value.name) ? CONSTANTS[value.name] : undefined;
    case 'call': {
      const spec = isPublicFunction(value.callee.name) ? functionSpec(value.callee.name) : undefined;
      if (!spec || spec.arity !== value.args.length) return undefined;
      const args: number[] = [];
      for (const a of value.args) {
        const v = constantOf(a);
        if (v === undefined) return undefined;
        args.push(v);
      }
      return spec.scalar(...args);
    }
    default:
      return undefined;
  }
}

function numeric(value: Value, type: Extract<ValueType, { kind: 'integer' | 'number' }>, ctx: ValueContext, accept: Acceptor): number | undefined {
  const expected = describeType(type);
  const v = constantOf(value);
  if (v === undefined && hasHole(value)) return undefined; // the parser has said what is missing
  if (v === undefined) {
    const asNumber = value.kind === 'string' && value.value.trim() !== '' && Number.isFinite(Number(value.value)) ? value.value.trim() : undefined;
    accept('error', 'type', `${ctx.where} expects ${expected}, got ${shown(value)}`, value.range, asNumber);
    return undefined;
  }
  const got = writtenNumber(value, v);
  if (!Number.isFinite(v)) {
    accept('error', 'range', `${ctx.where} expects ${expected}, got ${shown(value)} = ${v}`, value.range);
    return undefined;
  }
  const range = `${ctx.where} must be ${expected.replace(/^an? (integer|number) /, '')}, got ${got}`;
  const max = type.max;
  const exclusiveMax = type.kind === 'number' && type.exclusiveMax === true;
  // Every count is an integer a double holds exactly: beyond 2^53 − 1, 9007199254740993 reads as …992.
  if (type.kind === 'integer' && !type.allowed && Math.abs(v) > Number.MAX_SAFE_INTEGER) {
    const rule = max !== undefined ? range : `${ctx.where} must be at most ${Number.MAX_SAFE_INTEGER} (2^53 − 1, the largest integer a number holds exactly), got ${got}`;
    accept('error', 'range', rule, value.range);
    return undefined;
  }
  // A count written as 1.5, or as 1e-400 (read as 0), is not the integer it reads as.
  if (type.kind === 'integer' && (!Number.isInteger(v) || got.endsWith(` (read as ${v})`))) {
    accept('error', 'type', `${ctx.where} expects ${expected}, got ${got}`, value.range, Number.isInteger(v) ? undefined : String(Math.round(v)));
    return undefined;
  }
  if (type.kind === 'integer' && type.allowed && !type.allowed.includes(v)) {
    const nearest = [...type.allowed].sort((a, b) => Math.abs(a - v) - Math.abs(b - v))[0];
    accept('error', 'range', `${ctx.where} must be ${expected}, got ${got}`, value.range, String(nearest));
    return undefined;
  }
  const min = type.min;
  const exclusive = type.kind === 'number' && type.exclusiveMin === true;
  if ((min !== undefined && (exclusive ? v <= min : v < min)) || (max !== undefined && (exclusiveMax ? v >= max : v > max))) {
    accept('error', 'range', range, value.range);
    return undefined;
  }
  return v;
}

/**
 * A number as the file writes it (`1e20`, `-0.5`), with the value held when that differs
 * (`9007199254740993 (read as 9007199254740992)`, `1e-400 (read as 0)`, `2^60 = 1152921504606847000`),
 * so a message never shows a number the user did not write.
 */
function writtenNumber(value: Value, v: number): string {
  const text = printExpression(value as Expression);
  if (!/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return `${text} = ${v}`;
  return heldExactly(text, v) ? text : `${text} (read as ${v})`;
}

/** Whether a decimal literal's value is the one written: not above 2^53 − 1 with lost digits, not underflowed to 0. */
function heldExactly(text: string, v: number): boolean {
  const mantissa = text.split(/e/i)[0];
  if (v === 0) return !/[1-9]/.test(mantissa);
  if (Math.abs(v) <= Number.MAX_SAFE_INTEGER || /[.e]/i.test(text)) return true;
  return BigInt(text) === BigInt(v);
}

/** An identifier among `allowed` (enumerations and booleans). */
function named(value: Value, allowed: readonly string[], ctx: ValueContext, accept: Acceptor, type: ValueType): string | undefined {
  const expected = describeType(type);
  if (value.kind === 'identifier') {
    if (allowed.includes(value.name)) return value.name;
    const suggestion = closest(value.name, allowed);
    accept('error', 'unknown-value', `${ctx.where} expects ${expected}, got \`${value.name}\`${didYouMean(suggestion)}`, value.range, suggestion);
    return undefined;
  }
  if (value.kind === 'string' && allowed.includes(value.value)) {
    accept('error', 'type', `${ctx.where} expects ${expected} without quotes: write \`${value.value}\``, value.range, value.value);
    return undefined;
  }
  accept('error', 'type', `${ctx.where} expects ${expected}, got ${shown(value)}`, value.range);
  return undefined;
}

function definitionName(value: Value, kind: 'activation' | 'loss', ctx: ValueContext, accept: Acceptor): string | undefined {
  const builtins = kind === 'activation' ? BUILTIN_ACTIVATION_NAMES : BUILTIN_LOSS_NAMES;
  const defined = kind === 'activation' ? ctx.activations : ctx.losses;
  if (value.kind === 'identifier') {
    if (builtins.includes(value.name)) return value.name;
    if (defined.has(value.name)) {
      ctx.use?.(kind, value.name);
      return value.name;
    }
    const candidates = [...builtins, ...defined];
    const suggestion = closest(value.name, candidates);
    accept(
      'error',
      'undefined-name',
      `${ctx.where}: no ${kind} named \`${value.name}\`: expected one of ${candidates.map((c) => `\`${c}\``).join(', ')}, or ${kind === 'activation' ? 'an' : 'a'} \`${kind}\` defined in the file${didYouMean(suggestion)}`,
      value.range,
      suggestion,
    );
    return undefined;
  }
  if (value.kind === 'string' && (builtins.includes(value.value) || defined.has(value.value))) {
    accept('error', 'type', `${ctx.where} expects the name of ${kind === 'activation' ? 'an activation' : 'a loss'} without quotes: write \`${value.value}\``, value.range, value.value);
    return undefined;
  }
  accept('error', 'type', `${ctx.where} expects the name of ${kind === 'activation' ? 'an activation' : 'a loss'}, got ${shown(value)}`, value.range);
  return undefined;
}

function expression(value: Value, ctx: ValueContext, accept: Acceptor): string | undefined {
  if (value.kind === 'string' || value.kind === 'list') {
    accept('error', 'type', `${ctx.where} expects an expression${ctx.describeVariables ? ` in ${ctx.describeVariables}` : ''}, got ${shown(value)}`, value.range);
    return undefined;
  }
  if (ctx.variables !== undefined) {
    const ok = toExpr(value as Expression, { variables: ctx.variables, where: `in ${ctx.where}`, describeVariables: ctx.describeVariables }, accept);
    if (!ok) return undefined;
  }
  return printExpression(value);
}

function direction(value: Value, ctx: ValueContext, accept: Acceptor): string | undefined {
  if (value.kind === 'identifier' && (value.name === 'random' || DIRECTION_PATTERN.test(value.name))) return value.name;
  const expected = describeType({ kind: 'direction' });
  if (value.kind === 'identifier') {
    const upper = /^[ish][1-9][0-9]*$/.test(value.name) ? value.name[0].toUpperCase() + value.name.slice(1) : undefined;
    const suggestion = upper ?? closest(value.name, ['random', 'I1', 'I2', 'S1', 'S2', 'H1', 'H2']);
    accept('error', 'unknown-value', `${ctx.where} expects ${expected}, got \`${value.name}\`${didYouMean(suggestion)}`, value.range, suggestion);
    return undefined;
  }
  accept('error', 'type', `${ctx.where} expects ${expected}, got ${shown(value)}`, value.range);
  return undefined;
}

function list(value: Value, type: Extract<ValueType, { kind: 'list' }>, ctx: ValueContext, accept: Acceptor): Json[] | undefined {
  if (value.kind !== 'list') {
    accept('error', 'type', `${ctx.where} expects ${describeType(type)}, got ${shown(value)}`, value.range, `[${printValue(value)}]`);
    return undefined;
  }
  const n = value.items.length;
  if (type.length !== undefined && n !== type.length) {
    accept('error', 'range', `${ctx.where} expects ${describeType(type)}, got ${n} item${n === 1 ? '' : 's'}`, value.range);
  } else if (type.minLength !== undefined && n < type.minLength) {
    accept('error', 'range', `${ctx.where} expects ${describeType(type)}, got an empty list`, value.range);
    return undefined;
  }
  const out: Json[] = [];
  let ok = type.length === undefined || n === type.length;
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const item = value.items[i];
    const v = convertValue(item, type.element, ctx, accept);
    if (v === undefined) {
      ok = false;
      continue;
    }
    if (type.unique) {
      const key = JSON.stringify(v);
      const first = seen.get(key);
      if (first !== undefined) {
        accept('error', 'duplicate', `${ctx.where}: ${printValue(item)} is listed twice (items ${first + 1} and ${i + 1})`, item.range);
        ok = false;
      } else seen.set(key, i);
    }
    out.push(v);
  }
  return ok ? out : undefined;
}

/** Whether `value` has the outer shape of `type` (list or not, recursively on the first element). */
function shapeMatches(value: Value, type: ValueType): boolean {
  if (type.kind === 'either') return type.options.some((o) => shapeMatches(value, o));
  if (type.kind === 'list') return value.kind === 'list' && (value.items.length === 0 || shapeMatches(value.items[0], type.element));
  return value.kind !== 'list';
}

function either(value: Value, type: Extract<ValueType, { kind: 'either' }>, ctx: ValueContext, accept: Acceptor): Json | undefined {
  const candidates = type.options.filter((o) => shapeMatches(value, o));
  for (const option of candidates) {
    const v = convertValue(value, option, { ...ctx, use: undefined }, silent);
    if (v !== undefined) return convertValue(value, option, ctx, silent);
  }
  if (candidates.length === 1) return convertValue(value, candidates[0], ctx, accept);
  // Several scalar options (`exact`): say all of them, suggesting the closest name.
  const names = type.options.flatMap((o) => (o.kind === 'enum' ? o.values : o.kind === 'boolean' ? ['true', 'false'] : []));
  const suggestion = value.kind === 'identifier' ? closest(value.name, names) : value.kind === 'string' && names.includes(value.value) ? value.value : undefined;
  const code = value.kind === 'identifier' && names.length > 0 ? 'unknown-value' : 'type';
  accept('error', code, `${ctx.where} expects ${describeType(type)}, got ${shown(value)}${didYouMean(suggestion)}`, value.range, suggestion);
  return undefined;
}
