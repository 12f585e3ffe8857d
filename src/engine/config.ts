import type { Activation } from '../catalogue/activation';
import type { SampleLoss } from '../catalogue/losses';

/**
 * The concrete experiment the engine runs: every default filled in, every name resolved to an object
 * (activation, loss, target function). The format (`src/format`) builds it from an `.ntkexp` file; a
 * test builds it by hand. It holds functions, so it is not what crosses a process boundary: the run
 * layer sends the file's text and the experiment's name, and the engine process compiles it again.
 */
export interface ExperimentConfig {
  readonly name: string;
  readonly title: string;
  readonly seed: number;
  readonly trials: number;
  readonly data: DataConfig;
  readonly network: NetworkConfig;
  readonly loss: SampleLoss;
  readonly train: TrainConfig;
  readonly measure: MeasureConfig;
  readonly surface?: SurfaceConfig;
}

/** A target expression: its text (for records and hover) and its float64 evaluator. */
export interface TargetFunction {
  readonly text: string;
  /** Called with the named variables of the source (`x1`, `x2`, … or `gamma`). */
  readonly evaluate: (vars: Readonly<Record<string, number>>) => number;
}

interface CommonData {
  /** Scale each input to squared norm n0 (THEORY.md assumes it). */
  readonly normalize: boolean;
  /** Standard deviation of Gaussian noise added to the targets. */
  readonly noise: number;
}

export type DataConfig =
  | (CommonData & { readonly source: 'mnist'; readonly samples: number; readonly size: 7 | 14 | 28; readonly digits: readonly number[]; readonly target: 'parity' | 'onehot' })
  | (CommonData & { readonly source: 'disk'; readonly samples: number; readonly target: TargetFunction })
  | (CommonData & { readonly source: 'circle'; readonly samples: number; readonly target: TargetFunction })
  | (CommonData & { readonly source: 'gaussian'; readonly samples: number; readonly dim: number; readonly target: TargetFunction })
  /** Inline points, and CSV files once the run layer has read them. */
  | (CommonData & { readonly source: 'points'; readonly inputs: readonly (readonly number[])[]; readonly targets: readonly (readonly number[])[] });

export interface NetworkConfig {
  /** L, the number of weight layers. */
  readonly depth: number;
  /** Hidden widths n1 … n_{L−1} (length L − 1). */
  readonly widths: readonly number[];
  readonly activation: Activation;
  /** Bias scale β. */
  readonly beta: number;
  readonly parametrization: 'ntk' | 'mean_field';
}

export interface TrainConfig {
  /** η as written in the file; under `mean_field` the engine multiplies it by the width. */
  readonly learningRate: number;
  readonly steps: number;
}

export interface MeasureConfig {
  readonly points: number;
  readonly spacing: 'log' | 'linear';
  /** Measure every this many steps instead of `points`/`spacing`. */
  readonly every?: number;
  /** Highest power k of Tr(A^k). */
  readonly moments: number;
  readonly probes: number;
  readonly top: number;
  readonly bottom: number;
  /** Bins of the spectral density of H; 0 = off. */
  readonly density: number;
  readonly orthogonality: boolean;
  readonly theory: boolean;
  readonly exact: 'auto' | boolean;
}

/** `I3` = third eigenvector of I, etc., or a random direction. */
export type Direction = { readonly kind: 'I' | 'S' | 'H'; readonly index: number } | { readonly kind: 'random' };

export interface SurfaceConfig {
  readonly directions: readonly [Direction, Direction];
  readonly radius: number;
  readonly grid: number;
}
