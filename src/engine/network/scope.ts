import * as tf from '@tensorflow/tfjs-core';

/**
 * Run `fn` in a tensor scope and release every tensor it made: `tf.tidy` for functions that return
 * plain data (typed arrays, numbers), which `tf.tidy`'s types do not admit.
 */
export function scoped<T extends number | Float32Array | Float64Array | void>(fn: () => T): T {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}
