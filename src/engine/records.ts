/**
 * The records a run produces, as plain JSON-able data. The same objects are appended to
 * `series.jsonl`, posted to the editor's panel and inlined in `report.html`, so an old run and a live
 * one are drawn from the same data. Moment arrays are indexed k − 1 (entry 0 is Tr(A¹)). Parts that a
 * measurement did not compute are absent, never filled with made-up numbers.
 */
import type { PathName } from './backend';
export interface Moments {
  readonly H: number[];
  readonly I: number[];
  readonly S: number[];
}

export interface MeasurementRecord {
  readonly type: 'measurement';
  /** Run id; filled in by the run layer. */
  run?: string;
  readonly trial: number;
  readonly step: number;
  /** Continuous time t = η·step (η as used, i.e. times the width under mean-field). */
  readonly t: number;
  readonly loss: number;
  readonly moments: Moments;
  /**
   * Standard errors bounding the total error: the probes' sampling error and the arithmetic's rounding
   * (√(statistical² + rounding²)); on the exact path the float64 rounding bound alone.
   */
  readonly moments_stderr: Moments;
  /** The rounding bound included in moments_stderr (absent in records of older engines). */
  readonly moments_rounding?: Moments;
  /** The path-wise prediction of the theory for this trial (from its own Y(0), G(0)). */
  theory?: Moments;
  /** The prediction in expectation over initializations. */
  expected?: Moments;
  /**
   * Mean-field runs, at initialization only (their one prediction): the width and the spread of Tr(S)
   * over initializations, √(∇CᵀΞ∇C/w); `expected` then holds the limits on this record's scale.
   */
  mean_field?: { readonly width: number; readonly trace_s_std: number };
  readonly top?: { readonly H?: number[]; readonly I?: number[]; readonly S?: number[] };
  readonly bottom?: { readonly H?: number[]; readonly S?: number[] };
  /**
   * Spectral density of H on grid points x (eigenvalues per unit of λ, integrating to P), from
   * stochastic Lanczos quadrature (whose Ritz nodes and weights are kept, one list per start vector)
   * or, on the exact path, from the eigenvalues themselves.
   */
  readonly density?: { readonly H: { readonly x: number[]; readonly y: number[]; readonly nodes?: number[][]; readonly weights?: number[][] } };
  readonly orthogonality?: {
    /** ‖IS‖_F / (‖I‖_F ‖S‖_F). */
    readonly IS: number;
    readonly IS_stderr: number;
    /** (vᵀIv, vᵀSv) for the top eigenvectors v of I and of S (the paper's Figure 2). */
    readonly rayleigh: { readonly I: [number, number][]; readonly S: [number, number][] };
  };
  readonly ntk?: { readonly eigenvalues: number[]; limit_eigenvalues?: number[] };
  /** Computed from dense P×P matrices (exact spectra) rather than matrix-free estimates. */
  readonly exact: boolean;
  /** Operator applications spent on this measurement. */
  readonly applications?: { readonly H: number; readonly I: number; readonly S: number };
  readonly elapsed_ms: number;
  readonly backend?: string;
  /** The product that computed it (computePath in src/engine/backend). */
  readonly path?: PathName;
}

/** The loss on a grid in the plane of two directions through the final parameters (Figure 3). */
export interface SurfaceRecord {
  readonly type: 'surface';
  run?: string;
  readonly trial: number;
  readonly step: number;
  /** Names of the directions, e.g. ["I1", "I4"]. */
  readonly directions: [string, string];
  /** Grid coordinates along each direction (parameter-space distance). */
  readonly x: number[];
  readonly y: number[];
  /** loss[j][i] at (x[i], y[j]). */
  readonly loss: number[][];
  /** Second derivative of the loss along each direction at the centre (a finite-difference check of the curvature). */
  readonly curvature: [number, number];
}
