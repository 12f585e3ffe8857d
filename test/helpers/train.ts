import type { TrainConfig } from '../../src/engine/config';

/** A train block as the compiler makes it from a file that sets only `learning_rate` and `steps` (the table's defaults for the rest). */
export function trainConfig(over: Partial<TrainConfig> & Pick<TrainConfig, 'learningRate' | 'steps'>): TrainConfig {
  return { optimizer: 'gd', batchSize: 32, momentum: 0.9, nesterov: false, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, ...over };
}
