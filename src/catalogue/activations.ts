import { gaussianExpectation } from './gaussHermite';
import { type Activation, affineActivation, type Scalar } from './activation';
import { erf, sigmoid, softplus } from './special';

/**
 * The built-in nonlinearities of NTKEXP.md, each with σ..σ''' in float64 and what it can do (their
 * tensor forms are the engine's: engine/nonlinearity/tensorForms.ts).
 * Quadrature degrees are the smallest that keep the depth-4 kernels within 1e-6 of a degree-300
 * reference (test/engine/theory/quadrature.test.ts checks the claim).
 */

/** A built-in: smooth unless said otherwise. */
function builtin(spec: { name: string; formula: string; scalar: readonly [Scalar, Scalar, Scalar, Scalar]; quadratureDegree: number; smooth?: boolean; closedFormKernel?: 'arcCosine' }): Activation {
  return { smooth: true, ...spec, builtin: true };
}

const smoothRelu = builtin({
  name: 'smooth_relu',
  formula: 'log(1 + e^x)',
  quadratureDegree: 60,
  scalar: [
    softplus,
    sigmoid,
    (x) => {
      const s = sigmoid(x);
      return s * (1 - s);
    },
    (x) => {
      const s = sigmoid(x);
      return s * (1 - s) * (1 - 2 * s);
    },
  ],
});

const tanhActivation = builtin({
  name: 'tanh',
  formula: 'tanh(x)',
  quadratureDegree: 120,
  scalar: [
    Math.tanh,
    (x) => 1 - Math.tanh(x) ** 2,
    (x) => {
      const t = Math.tanh(x);
      return -2 * t * (1 - t * t);
    },
    (x) => {
      const t = Math.tanh(x);
      return -2 * (1 - t * t) * (1 - 3 * t * t);
    },
  ],
});

const arctan = builtin({
  name: 'arctan',
  formula: 'atan(x)',
  // Derivatives have poles at ±i: the slowest of the built-ins to converge (THEORY.md §5).
  quadratureDegree: 160,
  scalar: [
    Math.atan,
    (x) => 1 / (1 + x * x),
    (x) => (-2 * x) / (1 + x * x) ** 2,
    (x) => (6 * x * x - 2) / (1 + x * x) ** 3,
  ],
});

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

const erfActivation = builtin({
  name: 'erf',
  formula: 'erf(x)',
  quadratureDegree: 60,
  scalar: [
    erf,
    (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x),
    (x) => -2 * x * TWO_OVER_SQRT_PI * Math.exp(-x * x),
    (x) => (4 * x * x - 2) * TWO_OVER_SQRT_PI * Math.exp(-x * x),
  ],
});

const sinActivation = builtin({
  name: 'sin',
  formula: 'sin(x)',
  quadratureDegree: 60,
  scalar: [Math.sin, Math.cos, (x) => -Math.sin(x), (x) => -Math.cos(x)],
});

const linear = builtin({
  name: 'linear',
  formula: 'x',
  quadratureDegree: 4,
  scalar: [(x) => x, () => 1, () => 0, () => 0],
});

/**
 * ReLU: σ'' is a Dirac mass at 0, which a finite network never samples, so H's second-order terms
 * come only from the output layer and the S-part of the theory is undefined (the format warns).
 * Its kernels Σ, Σ̇ have closed forms (arc-cosine kernels) that the theory uses instead of quadrature.
 */
const relu = builtin({
  name: 'relu',
  formula: 'max(0, x)',
  smooth: false,
  closedFormKernel: 'arcCosine',
  quadratureDegree: 200,
  scalar: [(x) => (x > 0 ? x : 0), (x) => (x > 0 ? 1 : 0), () => 0, () => 0],
});

/** Constants of the normalized softplus: E softplus(Z) and sd softplus(Z), Z ~ N(0,1). */
export function softplusMoments(): { mean: number; std: number } {
  const mean = gaussianExpectation(softplus, 200);
  const second = gaussianExpectation((z) => softplus(z) ** 2, 200);
  return { mean, std: Math.sqrt(second - mean * mean) };
}

let normalizedSmoothRelu: Activation | undefined;

/**
 * (softplus(x) − μ)/s with μ = E softplus(Z), s = sd softplus(Z), so that E σ(Z) = 0 and E σ(Z)² = 1:
 * the "normalized nonlinearity" of Jacot et al. (2019). μ ≈ 0.806059, s ≈ 0.521071 (degree-200
 * Gauss–Hermite; computed once, on first use).
 */
function normalizedSmoothReluActivation(): Activation {
  if (!normalizedSmoothRelu) {
    const { mean, std } = softplusMoments();
    normalizedSmoothRelu = affineActivation(
      smoothRelu,
      'normalized_smooth_relu',
      mean,
      std,
      `(log(1 + e^x) − ${mean.toFixed(6)}) / ${std.toFixed(6)}`,
    );
  }
  return normalizedSmoothRelu;
}

const builtins: Record<string, () => Activation> = {
  smooth_relu: () => smoothRelu,
  normalized_smooth_relu: normalizedSmoothReluActivation,
  arctan: () => arctan,
  tanh: () => tanhActivation,
  erf: () => erfActivation,
  sin: () => sinActivation,
  linear: () => linear,
  relu: () => relu,
};

/** Names of the built-in nonlinearities, in the order NTKEXP.md lists them. */
export const BUILTIN_ACTIVATIONS: readonly string[] = Object.keys(builtins);

export function isBuiltinActivation(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(builtins, name);
}

/** The built-in nonlinearity `name`; throws with the list of names if there is none. */
export function builtinActivation(name: string): Activation {
  if (!isBuiltinActivation(name)) {
    throw new Error(`unknown activation '${name}': expected one of ${BUILTIN_ACTIVATIONS.join(', ')}, or an activation defined in the file`);
  }
  return builtins[name]();
}
