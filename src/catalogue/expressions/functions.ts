import { erf, sigmoid, softplus } from '../special';
import { type Expr, ONE, ZERO, add, call, constant, div, mul, neg, pow, sub } from './ir';

/**
 * The functions of the expression language (NTKEXP.md: `exp log sqrt abs tanh sigmoid softplus erf atan
 * sin cos sinh cosh atan2 min max`), each with its float64 form and its partial derivatives — one
 * table, so a function cannot be added to one and forgotten in the other. The TensorFlow.js op of each
 * lives in the engine (engine/nonlinearity/expressionTensor.ts), in a table typed by `FunctionName`,
 * so the compiler refuses a function added here without its op there; this file stays tensor-free
 * (the editor's extension host loads it).
 *
 * `sign` and `step` are internal: they appear only in derivatives of `abs`, `min` and `max`. Their own
 * derivatives are taken as 0 (the Dirac masses at the kinks are dropped, as for the built-in ReLU).
 * step(0) = 0 as `tf.step`; at a tie, min and max follow their first argument, so d/dx max(0, x) at
 * x = 0 is 0, as the engine's ReLU.
 */
export interface FunctionSpec<N extends string = string> {
  readonly name: N;
  readonly arity: number;
  /** Callable from a file (false for the internal `sign` and `step`). */
  readonly public: boolean;
  /** Has continuous derivatives of every order where it is defined. */
  readonly smooth: boolean;
  readonly doc: string;
  readonly scalar: (...args: number[]) => number;
  /** ∂f/∂(argument i) at `args`, as an expression. */
  readonly partial: (args: readonly Expr[], i: number) => Expr;
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

const step = (u: Expr): Expr => call('step', [u]);

function unary<N extends string>(name: N, doc: string, scalar: (x: number) => number, derivative: (u: Expr) => Expr, smooth = true): FunctionSpec<N> {
  return { name, arity: 1, public: true, smooth, doc, scalar, partial: (args) => derivative(args[0]) };
}

const TABLE = [
  unary('exp', 'eˣ', Math.exp, (u) => call('exp', [u])),
  unary('log', 'natural logarithm', Math.log, (u) => div(ONE, u)),
  unary('sqrt', 'square root', Math.sqrt, (u) => div(constant(0.5), call('sqrt', [u]))),
  unary('abs', '|x|', Math.abs, (u) => call('sign', [u]), false),
  unary('tanh', 'hyperbolic tangent', Math.tanh, (u) => sub(ONE, pow(call('tanh', [u]), constant(2)))),
  unary('sigmoid', '1/(1 + e⁻ˣ), computed without overflow', sigmoid, (u) => {
    const s = call('sigmoid', [u]);
    return mul(s, sub(ONE, s));
  }),
  unary('softplus', 'log(1 + eˣ), computed without overflow', softplus, (u) => call('sigmoid', [u])),
  unary('erf', 'error function', erf, (u) => mul(constant(TWO_OVER_SQRT_PI), call('exp', [neg(pow(u, constant(2)))]))),
  unary('atan', 'arctangent', Math.atan, (u) => div(ONE, add(ONE, pow(u, constant(2))))),
  unary('sin', 'sine', Math.sin, (u) => call('cos', [u])),
  unary('cos', 'cosine', Math.cos, (u) => neg(call('sin', [u]))),
  unary('sinh', 'hyperbolic sine', Math.sinh, (u) => call('cosh', [u])),
  unary('cosh', 'hyperbolic cosine', Math.cosh, (u) => call('sinh', [u])),
  {
    name: 'atan2',
    arity: 2,
    public: true,
    smooth: true,
    doc: 'atan2(y, x): the angle of the point (x, y)',
    scalar: Math.atan2,
    // ∂/∂y = x/(x² + y²), ∂/∂x = −y/(x² + y²)
    partial: ([y, x], i) => {
      const r2 = add(pow(x, constant(2)), pow(y, constant(2)));
      return i === 0 ? div(x, r2) : neg(div(y, r2));
    },
  },
  {
    name: 'min',
    arity: 2,
    public: true,
    smooth: false,
    doc: 'the smaller of two values',
    scalar: Math.min,
    // min(a, b) = a where a ≤ b: ∂a = 1 − step(a − b), ∂b = step(a − b).
    partial: ([a, b], i) => (i === 0 ? sub(ONE, step(sub(a, b))) : step(sub(a, b))),
  },
  {
    name: 'max',
    arity: 2,
    public: true,
    smooth: false,
    doc: 'the larger of two values',
    scalar: Math.max,
    // max(a, b) = a where a ≥ b: ∂a = 1 − step(b − a), ∂b = step(b − a).
    partial: ([a, b], i) => (i === 0 ? sub(ONE, step(sub(b, a))) : step(sub(b, a))),
  },
  {
    name: 'sign',
    arity: 1,
    public: false,
    smooth: false,
    doc: 'sign of x (internal: the derivative of abs)',
    scalar: Math.sign,
    partial: () => ZERO,
  },
  {
    name: 'step',
    arity: 1,
    public: false,
    smooth: false,
    doc: '1 for x > 0, else 0 (internal: derivatives of min and max)',
    scalar: (x) => (x > 0 ? 1 : 0),
    partial: () => ZERO,
  },
] as const satisfies readonly FunctionSpec[];

/** The name of every function of the language, internal ones included. */
export type FunctionName = (typeof TABLE)[number]['name'];

const BY_NAME = new Map<string, FunctionSpec>(TABLE.map((f) => [f.name, f]));

export function functionSpec(name: string): FunctionSpec | undefined {
  return BY_NAME.get(name);
}

/** The functions a file may call, in NTKEXP.md's order. */
export const PUBLIC_FUNCTIONS: readonly FunctionSpec[] = TABLE.filter((f) => f.public);

export const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

export function isPublicFunction(name: string): boolean {
  return BY_NAME.get(name)?.public === true;
}
