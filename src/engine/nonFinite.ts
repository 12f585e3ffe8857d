/**
 * A value on its way into the linear algebra or the theory (the NTK Gram, G, a curvature product, a
 * dense matrix, a kernel) that is not a finite number: the network, its derivatives or the theory's
 * expectations overflowed. Thrown where the value is made, with what it is, so the trial can say in
 * the user's terms which activation, which step and which phase, and what to lower (train/overflow.ts),
 * instead of an eigensolver's "entry 0 is Infinity" further down.
 */
export class NonFiniteError extends Error {
  constructor(
    /** What the value is, in words: "the NTK Gram Θ̂", "H·v". */
    readonly quantity: string,
    readonly index: number,
    readonly value: number,
    /** The quantity is one number (the loss), not an array. */
    scalar = false,
  ) {
    super(scalar ? `${quantity} is ${value}` : `entry ${index} of ${quantity} is ${value}`);
    this.name = 'NonFiniteError';
  }
}

/** Throw NonFiniteError naming `quantity` at the first NaN or ±Infinity of `values`. */
export function requireFinite<T extends ArrayLike<number>>(values: T, quantity: string): T {
  for (let i = 0; i < values.length; i++) {
    // `x - x` is NaN for NaN and ±Infinity alone: one subtraction and compare per entry.
    const x = values[i];
    if (x - x !== 0) throw new NonFiniteError(quantity, i, x);
  }
  return values;
}

/** The same for one number. */
export function requireFiniteNumber(value: number, quantity: string): number {
  if (value - value !== 0) throw new NonFiniteError(quantity, 0, value, true);
  return value;
}

/** Beyond this, a finite value still overflows once squared (a loss, a norm, a Gram entry). */
export const SQUARE_SAFE = 1e150;
