import type { Activation } from '../catalogue/activation';
import type { SampleLoss } from '../catalogue/losses';
import type { TargetFunction } from '../catalogue/target';
import type { KeyName, Settings, SourceSettings } from '../contracts/experimentKeys';

/**
 * The concrete experiment the engine runs: every default filled in, every name resolved to an object
 * (activation, loss, target function). src/run/compile.ts builds it from a resolved `.ntkexp`
 * experiment; a test builds it by hand. The plain settings' types are derived from the format's key
 * table (src/contracts/experimentKeys.ts `Settings`: `learning_rate` is `learningRate: number`,
 * `spacing` is 'log' | 'linear'), so a key added to the table reaches this type. It holds functions,
 * so it is not what crosses a process boundary: the run layer sends the resolved experiment, and the
 * engine process compiles it again.
 */
export type ExperimentConfig = Settings<'experiment', 'title' | 'seed' | 'trials'> & {
  readonly name: string;
  readonly data: DataConfig;
  readonly network: NetworkConfig;
  readonly loss: SampleLoss;
  readonly train: TrainConfig;
  readonly measure: MeasureConfig;
  readonly surface?: SurfaceConfig;
};

/** `normalize`: scale each input to squared norm n0 (the theory assumes it); `noise`: the sd of Gaussian label noise. */
type CommonData = Settings<'data', 'normalize' | 'noise'>;

/** Each source's settings; a target expression becomes its float64 function. Inline points, and CSV files once the run layer has read them, are `points`. */
export type DataConfig =
  | (CommonData & SourceSettings<'mnist', 'samples' | 'size' | 'digits' | 'target'> & { readonly source: 'mnist' })
  | (CommonData & SourceSettings<'disk', 'samples'> & { readonly source: 'disk'; readonly target: TargetFunction })
  | (CommonData & SourceSettings<'circle', 'samples'> & { readonly source: 'circle'; readonly target: TargetFunction })
  | (CommonData & SourceSettings<'gaussian', 'samples' | 'dim'> & { readonly source: 'gaussian'; readonly target: TargetFunction })
  | (CommonData & { readonly source: 'points'; readonly inputs: readonly (readonly number[])[]; readonly targets: readonly (readonly number[])[] });

/** `depth` L (weight layers), bias scale `beta`, `parametrization`; `width` becomes one width per hidden layer, the activation its object. */
export type NetworkConfig = Settings<'network', 'depth' | 'beta' | 'parametrization'> & {
  /** Hidden widths n1 … n_{L−1} (length L − 1). */
  readonly widths: readonly number[];
  readonly activation: Activation;
};

/**
 * η as written in the file (`learningRate`; under `mean_field` the engine multiplies it by the width),
 * the steps, the optimizer and every optimizer's settings (each reads its own: train/optimizers.ts).
 */
export type TrainConfig = Settings<'train', KeyName<'train'>>;

/** Every `measure` key (`every`, none by default, is optional): see docs/FORMAT.md for each. */
export type MeasureConfig = Settings<'measure', KeyName<'measure'>>;

/** `I3` = third eigenvector of I, etc., or a random direction. */
export type Direction = { readonly kind: 'I' | 'S' | 'H'; readonly index: number } | { readonly kind: 'random' };

export type SurfaceConfig = Settings<'surface', 'radius' | 'grid'> & {
  readonly directions: readonly [Direction, Direction];
};
