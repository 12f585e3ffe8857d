import type { Activation } from '../catalogue/activation';
import type { TargetFunction } from '../catalogue/target';
import { elementwiseLoss } from '../catalogue/losses';
import type { SampleLoss } from '../catalogue/losses';
import type { Expression } from './ast';
import { derivatives } from '../catalogue/expressions/derivative';
import { type ExpressionScope, toExpr } from './expressions/fromAst';
import { functionSpec } from '../catalogue/expressions/functions';
import { type Expr, functionsIn } from '../catalogue/expressions/ir';
import { type ScalarFunction, compileScalar } from '../catalogue/expressions/scalar';
import { parseExpression } from './parser';
import { printExpression } from './print';

/**
 * The expression language at work: custom `activation` and `loss` definitions and data targets, from
 * their text to float64 functions and symbolic derivatives (the engine makes tensor ops of those). Nothing here uses
 * `eval` or the `Function` constructor (test/format/noEval.test.ts greps for them).
 */

/**
 * Gauss–Hermite degree for a custom activation. The built-ins need 4 (linear) to 160 (arctan, whose
 * derivatives have poles at ±i); a custom formula is unknown, so it gets a degree that covers every
 * smooth built-in with margin, and that of ReLU (200) when it has kinks (abs, min, max).
 */
export const CUSTOM_QUADRATURE_DEGREE = { smooth: 120, nonsmooth: 200 } as const;

/** An expression as text or as a parsed node, checked and converted; throws with every problem. */
export function expressionOf(source: string | Expression, scope: ExpressionScope): Expr {
  let node: Expression;
  const problems: string[] = [];
  if (typeof source === 'string') {
    const parsed = parseExpression(source);
    problems.push(...parsed.diagnostics.map((d) => d.message));
    node = parsed.expression;
  } else {
    node = source;
  }
  const expr = toExpr(node, scope, (_s, _c, message) => problems.push(message));
  if (!expr || problems.length > 0) {
    throw new Error(`invalid expression ${scope.where}: ${problems.join('; ') || 'incomplete'}`);
  }
  return expr;
}

/** Whether the formula has kinks (abs, min, max): then σ″ is not a function and the S-part of the theory is undefined. */
export function isSmooth(e: Expr): boolean {
  for (const fn of functionsIn(e)) if (functionSpec(fn)?.smooth === false) return false;
  return true;
}

export interface ActivationSource {
  readonly name: string;
  readonly param: string;
  readonly body: string | Expression;
}

/** `activation name(x) = expr` as an Activation: σ..σ‴ in float64 and as expressions (the engine compiles their tensor form). */
export function compileActivation(def: ActivationSource): Activation {
  const where = `in the formula of activation \`${def.name}\``;
  const sigma = expressionOf(def.body, { variables: [def.param], where });
  const ds = derivatives(sigma, def.param, 3);
  const scalar = ds.map((d) => compileScalar(d, [def.param])) as ScalarFunction[];
  const smooth = isSmooth(sigma);
  return {
    name: def.name,
    formula: typeof def.body === 'string' ? def.body : printExpression(def.body),
    scalar: [scalar[0], scalar[1], scalar[2], scalar[3]],
    expression: { variable: def.param, derivatives: [ds[0], ds[1], ds[2], ds[3]] },
    smooth,
    quadratureDegree: smooth ? CUSTOM_QUADRATURE_DEGREE.smooth : CUSTOM_QUADRATURE_DEGREE.nonsmooth,
  };
}

export interface LossSource {
  readonly name: string;
  /** The output and target parameters, in that order (`loss name(y, t)`). */
  readonly params: readonly [string, string];
  readonly body: string | Expression;
}

/** `loss name(y, t) = expr` as an engine loss summed over outputs, with ∂ℓ/∂y and ∂²ℓ/∂y². */
export function compileLoss(def: LossSource): SampleLoss {
  const where = `in the formula of loss \`${def.name}\``;
  const [y, t] = def.params;
  const ell = expressionOf(def.body, { variables: [y, t], where });
  const [v, d1, d2] = derivatives(ell, y, 2).map((e) => compileScalar(e, [y, t]));
  return elementwiseLoss({
    name: def.name,
    formula: typeof def.body === 'string' ? def.body : printExpression(def.body),
    value: (a, b) => v(a, b),
    d1: (a, b) => d1(a, b),
    d2: (a, b) => d2(a, b),
  });
}

/** A data target (`x1 * x2`, `sin(3 * gamma)`) as the engine's TargetFunction. */
export function compileTarget(text: string, variables: readonly string[], where = 'in the target'): TargetFunction {
  const expr = expressionOf(text, { variables, where });
  const f = compileScalar(expr, variables);
  return {
    text,
    evaluate: (vars) => f(...variables.map((name) => vars[name] ?? NaN)),
  };
}

/** f, f′, …, f^(order) of a one-variable formula as float64 functions (tests, hover previews). */
export function scalarDerivatives(text: string, variable: string, order: number): ScalarFunction[] {
  const expr = expressionOf(text, { variables: [variable], where: 'in the formula' });
  return derivatives(expr, variable, order).map((d) => compileScalar(d, [variable]));
}

