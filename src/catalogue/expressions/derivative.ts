import { functionSpec } from './functions';
import { type Expr, ONE, ZERO, add, constant, dependsOn, div, mul, neg, pow, sub, call } from './ir';

/**
 * Symbolic differentiation of an expression in one variable, by the chain rule over the function
 * table. The constructors simplify as they build, so d³/dx³ of `x * sigmoid(x)` stays a few dozen
 * nodes. Nonsmooth functions differentiate to `sign`/`step`, whose own derivative is taken as 0.
 */
export function derivative(e: Expr, x: string): Expr {
  if (!dependsOn(e, x)) return ZERO;
  switch (e.op) {
    case 'const':
      return ZERO;
    case 'var':
      return e.name === x ? ONE : ZERO;
    case 'neg':
      return neg(derivative(e.a, x));
    case 'add':
      return add(derivative(e.a, x), derivative(e.b, x));
    case 'sub':
      return sub(derivative(e.a, x), derivative(e.b, x));
    case 'mul':
      return add(mul(derivative(e.a, x), e.b), mul(e.a, derivative(e.b, x)));
    case 'div': {
      // (a/b)' = a'/b − a b'/b²
      const da = derivative(e.a, x);
      const db = derivative(e.b, x);
      return sub(div(da, e.b), div(mul(e.a, db), pow(e.b, constant(2))));
    }
    case 'pow':
      return powerDerivative(e.a, e.b, x);
    case 'call': {
      const spec = functionSpec(e.fn);
      if (!spec) throw new Error(`derivative: unknown function '${e.fn}'`);
      let out: Expr = ZERO;
      e.args.forEach((arg, i) => {
        if (dependsOn(arg, x)) out = add(out, mul(spec.partial(e.args, i), derivative(arg, x)));
      });
      return out;
    }
  }
}

/** d(a^b): constant exponent n·a^(n−1)·a′; constant base a^b·log(a)·b′; otherwise both terms. */
function powerDerivative(a: Expr, b: Expr, x: string): Expr {
  const aVaries = dependsOn(a, x);
  const bVaries = dependsOn(b, x);
  const e = pow(a, b);
  if (aVaries && !bVaries) return mul(mul(b, pow(a, sub(b, ONE))), derivative(a, x));
  if (!aVaries) return mul(mul(e, call('log', [a])), derivative(b, x));
  return mul(e, add(mul(derivative(b, x), call('log', [a])), div(mul(b, derivative(a, x)), a)));
}

/** [f, f′, …, f^(order)]. */
export function derivatives(e: Expr, x: string, order: number): Expr[] {
  const out = [e];
  for (let k = 1; k <= order; k++) out.push(derivative(out[k - 1], x));
  return out;
}
