import { functionSpec } from './functions';
import type { Expr } from './ir';

/**
 * An expression as a float64 function of its variables, built as a tree of closures: no `eval`, no
 * `Function` constructor. `^` is `Math.pow` (a negative base with a fractional exponent gives NaN).
 */
export type ScalarFunction = (...args: number[]) => number;

type Env = readonly number[];
type Closure = (env: Env) => number;

export function compileScalar(e: Expr, params: readonly string[]): ScalarFunction {
  const f = closure(e, params);
  return (...args: number[]) => f(args);
}

function closure(e: Expr, params: readonly string[]): Closure {
  switch (e.op) {
    case 'const': {
      const v = e.value;
      return () => v;
    }
    case 'var': {
      const i = params.indexOf(e.name);
      if (i < 0) throw new Error(`compileScalar: variable '${e.name}' is not one of ${params.join(', ')}`);
      return (env) => env[i];
    }
    case 'neg': {
      const a = closure(e.a, params);
      return (env) => -a(env);
    }
    case 'add': {
      const a = closure(e.a, params);
      const b = closure(e.b, params);
      return (env) => a(env) + b(env);
    }
    case 'sub': {
      const a = closure(e.a, params);
      const b = closure(e.b, params);
      return (env) => a(env) - b(env);
    }
    case 'mul': {
      const a = closure(e.a, params);
      const b = closure(e.b, params);
      return (env) => a(env) * b(env);
    }
    case 'div': {
      const a = closure(e.a, params);
      const b = closure(e.b, params);
      return (env) => a(env) / b(env);
    }
    case 'pow': {
      const a = closure(e.a, params);
      if (e.b.op === 'const' && e.b.value === 2) {
        return (env) => {
          const v = a(env);
          return v * v;
        };
      }
      const b = closure(e.b, params);
      return (env) => Math.pow(a(env), b(env));
    }
    case 'call': {
      const spec = functionSpec(e.fn);
      if (!spec) throw new Error(`compileScalar: unknown function '${e.fn}'`);
      const f = spec.scalar;
      const args = e.args.map((x) => closure(x, params));
      if (args.length === 1) {
        const a = args[0];
        return (env) => f(a(env));
      }
      if (args.length === 2) {
        const [a, b] = args;
        return (env) => f(a(env), b(env));
      }
      return (env) => f(...args.map((a) => a(env)));
    }
  }
}
