/**
 * The losses of the product, tensor-free: per-sample c(y, t) with its gradient and Hessian in y, and
 * what each can do. Used by the engine (loss.ts sums them over samples), the format and the editor.
 */

export interface SampleLoss {
  readonly name: string;
  readonly formula: string;
  /**
   * c(y, t) for one sample's outputs y and target t (both length nL), with its gradient (length nL)
   * and Hessian (nL × nL row-major) in y, written into `grad` and `hess`.
   */
  evaluate(y: Float64Array, t: Float64Array, grad: Float64Array, hess: Float64Array): number;
  /** Whether outputs must be 1 (bce), or ≥ 2 (softmax_ce); undefined: any. */
  readonly outputs?: 'one' | 'several';
  /**
   * c = ½‖y − t‖² (MSE): H_C = Id/N at every output, so the infinite-width dynamics are linear and the
   * theory solves them, and their expectation over initializations, in closed form (THEORY.md §6);
   * gradient descent diverges exactly when η λmax(Θ)/N > 2. Other losses go through the ODE and Monte
   * Carlo over (Y(0), G(0)).
   */
  readonly quadratic?: true;
}


/** c(y, t) = ½‖y − t‖²: ∇ = y − t, H = Id. */
export const mse: SampleLoss = {
  name: 'mse',
  formula: '(1/2N) ‖Y − Y*‖²',
  quadratic: true,
  evaluate(y, t, grad, hess) {
    const nL = y.length;
    let v = 0;
    for (let k = 0; k < nL; k++) {
      const r = y[k] - t[k];
      v += r * r;
      grad[k] = r;
      hess[k * nL + k] = 1;
    }
    return 0.5 * v;
  },
};

/**
 * Binary cross-entropy with labels t = ±1: c = log(1 + e^{−t y}) (THEORY.md §3). Written with
 * softplus-stable forms so a confident network neither overflows nor loses the gradient.
 */
export const bce: SampleLoss = {
  name: 'bce',
  formula: '(1/N) Σ log(1 + e^{−Y*_i Y_i})',
  outputs: 'one',
  evaluate(y, t, grad, hess) {
    const nL = y.length;
    let v = 0;
    for (let k = 0; k < nL; k++) {
      const m = t[k] * y[k];
      v += m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
      // ∂c/∂y = −t/(1 + e^{t y});  ∂²c/∂y² = 1/((1 + e^{y})(1 + e^{−y})) = p(1 − p), p = sigmoid(y).
      const q = m > 0 ? Math.exp(-m) / (1 + Math.exp(-m)) : 1 / (1 + Math.exp(m));
      grad[k] = -t[k] * q;
      const p = y[k] >= 0 ? 1 / (1 + Math.exp(-y[k])) : Math.exp(y[k]) / (1 + Math.exp(y[k]));
      hess[k * nL + k] = p * (1 - p);
    }
    return v;
  },
};

/**
 * Softmax cross-entropy with one-hot targets t: c = log Σ_k e^{y_k} − y_{class},
 * ∇ = softmax(y) − t, H = diag(p) − p pᵀ.
 */
export const softmaxCe: SampleLoss = {
  name: 'softmax_ce',
  formula: '(1/N) Σ_i [log Σ_k e^{Y_ik} − Y_{i,y_i}]',
  outputs: 'several',
  evaluate(y, t, grad, hess) {
    const nL = y.length;
    let max = -Infinity;
    for (let k = 0; k < nL; k++) max = Math.max(max, y[k]);
    let z = 0;
    for (let k = 0; k < nL; k++) z += Math.exp(y[k] - max);
    const logZ = max + Math.log(z);
    let v = logZ;
    for (let k = 0; k < nL; k++) {
      const p = Math.exp(y[k] - logZ);
      grad[k] = p - t[k];
      v -= t[k] * y[k];
    }
    for (let a = 0; a < nL; a++) {
      const pa = grad[a] + t[a];
      for (let b = 0; b < nL; b++) {
        const pb = grad[b] + t[b];
        hess[a * nL + b] = (a === b ? pa : 0) - pa * pb;
      }
    }
    return v;
  },
};

const builtins: Record<string, SampleLoss> = { mse, bce, softmax_ce: softmaxCe };

export const BUILTIN_LOSSES: readonly string[] = Object.keys(builtins);

export function isBuiltinLoss(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(builtins, name);
}

export function builtinLoss(name: string): SampleLoss {
  if (!isBuiltinLoss(name)) throw new Error(`unknown loss '${name}': expected one of ${BUILTIN_LOSSES.join(', ')}, or a loss defined in the file`);
  return builtins[name];
}

/**
 * A loss from a scalar function ℓ(y, t) and its first two derivatives in y, summed over outputs:
 * c(y, t) = Σ_k ℓ(y_k, t_k), so H is diagonal. The format plugs custom `loss name(y, t) = expr` in here.
 */
export function elementwiseLoss(spec: {
  name: string;
  formula: string;
  value: (y: number, t: number) => number;
  d1: (y: number, t: number) => number;
  d2: (y: number, t: number) => number;
}): SampleLoss {
  return {
    name: spec.name,
    formula: spec.formula,
    evaluate(y, t, grad, hess) {
      const nL = y.length;
      let v = 0;
      for (let k = 0; k < nL; k++) {
        v += spec.value(y[k], t[k]);
        grad[k] = spec.d1(y[k], t[k]);
        hess[k * nL + k] = spec.d2(y[k], t[k]);
      }
      return v;
    },
  };
}
