/**
 * The infinite-width kernels of a data set (THEORY.md §5): Σ(L), Σ̇(L), Σ̈(L), Θ, Φ, Ξ, Λ, Υ as
 * N × N row-major Gram matrices, for depth L, bias scale β and a nonlinearity. The whole depth is a
 * fold of `nextLayer` over the moments of each layer, neural-tangents style.
 *
 * Quadrature: the product Gauss–Hermite rule, trimmed to its significant nodes (`gaussianPair.ts`);
 * ReLU uses the arc-cosine closed forms. Unless `degree` fixes it, each layer starts from the
 * activation's `quadratureDegree` and doubles it while the check of `convergedDegree` (degree n
 * against 2n on the diagonal, at the layer's largest variance) exceeds `degreeTolerance` (1e-6): the
 * built-in degrees are tuned for normalized inputs (‖x‖² = n0) and β = 0.1, where the check passes
 * at once; larger variances (unnormalized inputs, large β) raise the degree.
 */
import type { Activation } from '../../catalogue/activation';
import { usesArcCosine } from './arcCosine';
import { convergedDegree, pairRule } from './gaussianPair';
import { firstLayer, nextLayer, type LayerKernels } from './kernelSteps';
import { momentMatrices } from './momentMatrices';
import { requireFinite } from '../nonFinite';

export interface KernelOptions {
  /** Number of weight layers L ≥ 1. */
  readonly depth: number;
  /** Bias scale β (the paper uses 0.1). */
  readonly beta: number;
  readonly activation: Activation;
  /** Gauss–Hermite degree per dimension, fixed for every layer. Default: adaptive from `activation.quadratureDegree`. */
  readonly degree?: number;
  /** Relative n-vs-2n discrepancy of the used moments below which the adaptive degree stops rising. Default 1e-6. */
  readonly degreeTolerance?: number;
  /** ρ-tables for equal-variance groups: 'auto' (default), 'always', 'never' (one quadrature per pair). */
  readonly tabulate?: 'auto' | 'always' | 'never';
  /** Relative tolerance of the ρ-tables; default 1e-9. */
  readonly tolerance?: number;
  /** Also return the kernels of every layer 1..L. */
  readonly keepLayers?: boolean;
}

export interface InfiniteWidthKernels {
  readonly N: number;
  readonly n0: number;
  readonly depth: number;
  readonly beta: number;
  readonly activation: string;
  /** Σ(L): covariance of the outputs at initialization. */
  readonly sigma: Float64Array;
  /** Σ̇(L) = E_11 over Σ(L−1); NaN-filled when L = 1 (not defined). */
  readonly sigmaDot: Float64Array;
  /** Σ̈(L) = E_22 over Σ(L−1); NaN-filled when L = 1, or when σ'' is not a function (ReLU). */
  readonly sigmaDDot: Float64Array;
  /** Θ(L): the limiting NTK. */
  readonly theta: Float64Array;
  /** Φ(x, x') = E[g(x) f(x')], first argument where g = Tr Hess f is taken. Not symmetric. */
  readonly phi: Float64Array;
  /** Ξ(x, x') = E[g(x) g(x')]. */
  readonly xi: Float64Array;
  /** Λ(x, x') = ∇g(x) · ∇f(x'): ∂t G(x) = −Σ_x' Λ(x, x') ∇C(x'). Not symmetric. */
  readonly lambdaKernel: Float64Array;
  /** Υ(x, x') = Tr(Hess f(x) Hess f(x')). */
  readonly upsilon: Float64Array;
  /**
   * false when σ is not smooth (ReLU) and L ≥ 2: the S-part (Σ̈, Φ, Ξ, Λ, Υ) is undefined and its
   * matrices are NaN-filled.
   */
  readonly sPartDefined: boolean;
  readonly quadrature: {
    /** Gauss–Hermite degree used for each step ℓ → ℓ + 1 (ℓ = 1..L−1); empty with closed forms (ReLU). */
    readonly degrees: number[];
    /** Largest n-vs-2n discrepancy of the adaptive check (0 when the degree was fixed or closed forms used). */
    readonly degreeDiscrepancy: number;
    /** Pairs of points (summed over layers) whose moments came from ρ-tables, and pair by pair. */
    readonly tabulatedPairs: number;
    readonly directPairs: number;
    /** Largest ρ-table error estimate (relative), 0 if no table was used. */
    readonly interpolationError: number;
  };
  readonly warnings: string[];
  /** Layers 1..L, with `keepLayers`. */
  readonly layers?: LayerKernels[];
}

/** The kernels of depth L for the N × n0 row-major inputs X. */
export function infiniteWidthKernels(X: Float64Array, n0: number, options: KernelOptions): InfiniteWidthKernels {
  const { depth, beta, activation } = options;
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`depth must be an integer ≥ 1, got ${depth}`);
  if (!Number.isFinite(beta)) throw new RangeError(`β must be a finite number, got ${beta}`);
  const closedForm = usesArcCosine(activation);
  const warnings: string[] = [];
  const degrees: number[] = [];
  let degreeDiscrepancy = 0;
  let tabulatedPairs = 0;
  let directPairs = 0;
  let interpolationError = 0;

  let layer = finiteLayer(firstLayer(X, n0, beta), activation.smooth);
  const layers = [layer];
  for (let l = 1; l < depth; l++) {
    let degree = options.degree ?? activation.quadratureDegree;
    if (!closedForm && options.degree === undefined) {
      const check = convergedDegree(activation, largestVariance(layer), degree, options.degreeTolerance ?? 1e-6);
      degree = check.degree;
      degreeDiscrepancy = Math.max(degreeDiscrepancy, check.discrepancy);
      if (!check.converged) {
        warnings.push(
          `layer ${l + 1}: Gauss–Hermite degree ${degree} leaves a relative discrepancy of ${check.discrepancy.toExponential(1)} in the moments (variance ${largestVariance(layer).toPrecision(4)}); kernels may be inaccurate`,
        );
      }
    }
    if (!closedForm) degrees.push(degree);
    const { moments, diagnostics } = momentMatrices(layer.sigma, layer.N, activation, {
      rule: pairRule(degree),
      tabulate: options.tabulate,
      tolerance: options.tolerance,
    });
    tabulatedPairs += diagnostics.tabulatedPairs;
    directPairs += diagnostics.directPairs;
    interpolationError = Math.max(interpolationError, diagnostics.interpolationError);
    if (diagnostics.unconvergedTables > 0) {
      warnings.push(
        `layer ${l + 1}: ${diagnostics.unconvergedTables} ρ-table(s) did not reach the tolerance; their pairs were computed one by one`,
      );
    }
    layer = finiteLayer(nextLayer(layer, moments, beta), activation.smooth);
    layers.push(layer);
  }

  const N = layer.N;
  const nan = () => new Float64Array(N * N).fill(NaN);
  const sPartDefined = activation.smooth || depth === 1;
  if (!sPartDefined) {
    warnings.push(
      `'${activation.name}' has no second derivative as a function (σ'' is a Dirac mass): the S-part kernels Σ̈, Φ, Ξ, Λ, Υ are undefined and NaN`,
    );
  }
  return {
    N,
    n0,
    depth,
    beta,
    activation: activation.name,
    sigma: layer.sigma,
    sigmaDot: layer.sigmaDot ?? nan(),
    sigmaDDot: layer.sigmaDDot && sPartDefined ? layer.sigmaDDot : nan(),
    theta: layer.theta,
    phi: sPartDefined ? layer.phi : nan(),
    xi: sPartDefined ? layer.xi : nan(),
    lambdaKernel: sPartDefined ? layer.lambdaKernel : nan(),
    upsilon: sPartDefined ? layer.upsilon : nan(),
    sPartDefined,
    quadrature: { degrees, degreeDiscrepancy, tabulatedPairs, directPairs, interpolationError },
    warnings,
    ...(options.keepLayers ? { layers } : {}),
  };
}

/**
 * A layer's kernels, checked finite before the next layer's quadrature or the predictions use them: an
 * activation whose Gaussian moments diverge (exp(exp(x))) is named at the layer where it happens. The
 * S-part of a nonsmooth σ is left alone (it is undefined, and NaN-filled below).
 */
function finiteLayer(layer: LayerKernels, smooth: boolean): LayerKernels {
  const at = `at layer ${layer.layer}`;
  requireFinite(layer.sigma, `the kernel Σ ${at}`);
  requireFinite(layer.theta, `the kernel Θ ${at}`);
  if (layer.sigmaDot) requireFinite(layer.sigmaDot, `the kernel Σ̇ ${at}`);
  if (smooth) {
    if (layer.sigmaDDot) requireFinite(layer.sigmaDDot, `the kernel Σ̈ ${at}`);
    for (const [name, m] of [['Φ', layer.phi], ['Ξ', layer.xi], ['Λ', layer.lambdaKernel], ['Υ', layer.upsilon]] as const) requireFinite(m, `the kernel ${name} ${at}`);
  }
  return layer;
}

/** max_x Σ(ℓ)(x, x): the hardest variance for the quadrature. */
function largestVariance(layer: LayerKernels): number {
  let q = 0;
  for (let i = 0; i < layer.N; i++) q = Math.max(q, layer.sigma[i * layer.N + i]);
  return q;
}
