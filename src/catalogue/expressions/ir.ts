/**
 * The algebra the expression language compiles to: constants, variables, the five operators, negation
 * and calls of the functions in `functions.ts`. Nodes are built through the constructors below, which
 * simplify as they go (constant folding, 0 and 1 identities, double negation), so that third
 * derivatives stay small. Every node carries `key`, its canonical text: equal keys mean equal
 * expressions, which the tensor compiler uses to compute a shared subexpression (a sigmoid) once.
 */
export type Expr =
  | { readonly op: 'const'; readonly value: number; readonly key: string }
  | { readonly op: 'var'; readonly name: string; readonly key: string }
  | { readonly op: 'add' | 'sub' | 'mul' | 'div' | 'pow'; readonly a: Expr; readonly b: Expr; readonly key: string }
  | { readonly op: 'neg'; readonly a: Expr; readonly key: string }
  | { readonly op: 'call'; readonly fn: string; readonly args: readonly Expr[]; readonly key: string };

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow';

const SYMBOL: Record<BinaryOp, string> = { add: '+', sub: '-', mul: '*', div: '/', pow: '^' };

export function constant(value: number): Expr {
  return { op: 'const', value, key: Object.is(value, -0) ? '0' : String(value) };
}

export const ZERO = constant(0);
export const ONE = constant(1);

export function variable(name: string): Expr {
  return { op: 'var', name, key: name };
}

function isConst(e: Expr): e is Extract<Expr, { op: 'const' }> {
  return e.op === 'const';
}

/** Whether `e` is the constant `v` (not a type guard: a false answer says nothing about the kind). */
function is(e: Expr, v: number): boolean {
  return e.op === 'const' && e.value === v;
}

function binary(op: BinaryOp, a: Expr, b: Expr): Expr {
  return { op, a, b, key: `(${a.key} ${SYMBOL[op]} ${b.key})` };
}

export function neg(a: Expr): Expr {
  if (isConst(a)) return constant(-a.value);
  if (a.op === 'neg') return a.a;
  return { op: 'neg', a, key: `(-${a.key})` };
}

export function add(a: Expr, b: Expr): Expr {
  if (isConst(a) && isConst(b)) return constant(a.value + b.value);
  if (is(a, 0)) return b;
  if (is(b, 0)) return a;
  if (b.op === 'neg') return sub(a, b.a);
  if (isConst(b) && b.value < 0) return sub(a, constant(-b.value));
  if (a.op === 'neg') return sub(b, a.a);
  return binary('add', a, b);
}

export function sub(a: Expr, b: Expr): Expr {
  if (isConst(a) && isConst(b)) return constant(a.value - b.value);
  if (is(b, 0)) return a;
  if (is(a, 0)) return neg(b);
  if (a.key === b.key) return ZERO;
  if (b.op === 'neg') return add(a, b.a);
  return binary('sub', a, b);
}

export function mul(a: Expr, b: Expr): Expr {
  if (isConst(a) && isConst(b)) return constant(a.value * b.value);
  if (isConst(b)) return mul(b, a);
  if (is(a, 0)) return ZERO;
  if (is(a, 1)) return b;
  if (is(a, -1)) return neg(b);
  if (a.op === 'neg') return neg(mul(a.a, b));
  if (b.op === 'neg') return neg(mul(a, b.a));
  // c · (d · x) = (c d) · x
  if (isConst(a) && b.op === 'mul' && isConst(b.a)) return mul(constant(a.value * b.a.value), b.b);
  if (isConst(a) && b.op === 'div' && isConst(b.a)) return div(constant(a.value * b.a.value), b.b);
  if (a.key === b.key) return pow(a, constant(2));
  return binary('mul', a, b);
}

export function div(a: Expr, b: Expr): Expr {
  if (isConst(a) && isConst(b) && b.value !== 0) return constant(a.value / b.value);
  if (is(b, 1)) return a;
  if (is(a, 0)) return ZERO;
  if (is(b, -1)) return neg(a);
  if (a.op === 'neg') return neg(div(a.a, b));
  if (b.op === 'neg') return neg(div(a, b.a));
  if (isConst(b) && b.value !== 0) return mul(constant(1 / b.value), a);
  return binary('div', a, b);
}

export function pow(a: Expr, b: Expr): Expr {
  if (isConst(a) && isConst(b)) return constant(Math.pow(a.value, b.value));
  if (is(b, 0)) return ONE;
  if (is(b, 1)) return a;
  if (is(a, 1)) return ONE;
  // (x^m)^n = x^(m n) for integers m, n (valid for every real x).
  if (isConst(b) && Number.isInteger(b.value) && a.op === 'pow' && isConst(a.b) && Number.isInteger(a.b.value)) {
    return pow(a.a, constant(a.b.value * b.value));
  }
  return binary('pow', a, b);
}

export function call(fn: string, args: readonly Expr[]): Expr {
  return { op: 'call', fn, args, key: `${fn}(${args.map((x) => x.key).join(', ')})` };
}

export function build(op: BinaryOp, a: Expr, b: Expr): Expr {
  switch (op) {
    case 'add':
      return add(a, b);
    case 'sub':
      return sub(a, b);
    case 'mul':
      return mul(a, b);
    case 'div':
      return div(a, b);
    case 'pow':
      return pow(a, b);
  }
}

/** Whether `e` mentions variable `name`. */
export function dependsOn(e: Expr, name: string): boolean {
  switch (e.op) {
    case 'const':
      return false;
    case 'var':
      return e.name === name;
    case 'neg':
      return dependsOn(e.a, name);
    case 'call':
      return e.args.some((x) => dependsOn(x, name));
    default:
      return dependsOn(e.a, name) || dependsOn(e.b, name);
  }
}

/** Names of the functions `e` calls. */
export function functionsIn(e: Expr, out = new Set<string>()): Set<string> {
  if (e.op === 'call') {
    out.add(e.fn);
    for (const x of e.args) functionsIn(x, out);
  } else if (e.op === 'neg') functionsIn(e.a, out);
  else if (e.op !== 'const' && e.op !== 'var') {
    functionsIn(e.a, out);
    functionsIn(e.b, out);
  }
  return out;
}

