import type { Expr } from './expressions/ir';

/** A float64 scalar function. */
export type Scalar = (x: number) => number;

/**
 * A nonlinearity σ as the theory and the editor see it: its first three derivatives as float64 scalar
 * functions (THEORY.md §2: the S-part of the theory needs σ''') and what it can do. Tensor-free: the
 * extension host, the format and the theory use it without TensorFlow.js; the engine looks up the
 * tensor form of an activation (engine/nonlinearity/tensorForms.ts) from what is declared here.
 *
 * An activation is one of three kinds, by what it carries:
 *  - a built-in (`builtin: true`), whose tensor form the engine has under its name;
 *  - an affine transform of another activation (`affine`), whose tensor form is that of its base;
 *  - a formula (`expression`, from a file's `activation name(x) = …`), whose tensor form the engine
 *    compiles from the symbolic derivatives.
 */
export interface Activation {
  readonly name: string;
  /** A human-readable formula, e.g. `log(1 + e^x)`. */
  readonly formula: string;
  /** σ, σ', σ'', σ''' in float64. */
  readonly scalar: readonly [Scalar, Scalar, Scalar, Scalar];
  /**
   * `false` where σ'' is not a function (ReLU: a Dirac mass at 0), so the S-part of the theory and
   * the second-order terms of H are undefined or zero almost everywhere.
   */
  readonly smooth: boolean;
  /**
   * Gauss–Hermite degree (per dimension) that makes the theory's kernels right to about 1e-6 for this
   * σ (THEORY.md §5: arctan needs ~150, softplus and sin far fewer). Tested in test/engine/theory.
   */
  readonly quadratureDegree: number;
  /**
   * The Gaussian expectations E[σ(u)σ(v)] and E[σ'(u)σ'(v)] in closed form (the kernel steps then need
   * no quadrature): `arcCosine` for the rectifier (Cho & Saul 2009, order 1).
   */
  readonly closedFormKernel?: 'arcCosine';
  readonly builtin?: true;
  readonly affine?: { readonly base: Activation; readonly shift: number; readonly scale: number };
  /** σ, σ', σ'', σ''' as expressions in `variable` (formula activations). */
  readonly expression?: { readonly variable: string; readonly derivatives: readonly [Expr, Expr, Expr, Expr] };
}

/**
 * σ̃(x) = (σ(x) − shift)/scale: every derivative is divided by `scale`, σ itself also shifted. This is
 * how a "normalized" nonlinearity delegates to its base instead of repeating it.
 */
export function affineActivation(base: Activation, name: string, shift: number, scale: number, formula: string): Activation {
  const inv = 1 / scale;
  const [f0, f1, f2, f3] = base.scalar;
  return {
    name,
    formula,
    smooth: base.smooth,
    quadratureDegree: base.quadratureDegree,
    scalar: [(x) => (f0(x) - shift) * inv, (x) => f1(x) * inv, (x) => f2(x) * inv, (x) => f3(x) * inv],
    affine: { base, shift, scale },
  };
}
