/**
 * Data values too large to square. Normalization divides each input row by its norm, the kernels take
 * inner products xᵀx′ of inputs and the loss adds up squared targets: a finite value such as 1e308
 * becomes Infinity in its first square (and normalization then turns its row into zeros without a
 * word). A value is usable when `count` squares of its size still add up to a finite number, `count`
 * being the values of an input row (for inputs) or every target value (for targets).
 */

/**
 * The largest magnitude of a value of which `count` squares add up to a finite number: their sum
 * stays under half the largest double, so that rounding in the sum cannot push it over.
 */
export function largestMagnitude(count: number): number {
  return Math.sqrt(Number.MAX_VALUE / (2 * Math.max(1, count)));
}

/** Why `value` is too large, for a message "X is too large: …", or undefined when it is usable. */
export function tooLarge(value: number, role: 'input' | 'target', count: number): string | undefined {
  const limit = largestMagnitude(count);
  if (Math.abs(value) <= limit) return undefined;
  const most = `at most ${limit.toPrecision(3)} in absolute value`;
  return role === 'input'
    ? `the squares of the ${count} input value${count === 1 ? '' : 's'} of a point must add up to a finite number, so each must be ${most}`
    : `the squares of all ${count} target value${count === 1 ? '' : 's'} must add up to a finite number (the loss), so each must be ${most}`;
}
