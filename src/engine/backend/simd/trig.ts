/**
 * Float64 blocks of the trigonometric kernels, as WAT on f64x2 lanes (see math.ts for the accuracy
 * budget they share).
 *
 * - atan t for t = |x| ≥ 0: three regions by t against tan(π/8) and tan(3π/8), each mapped to
 *   |u| ≤ tan(π/8) with one division: atan t = atan u (u = t), π/4 + atan u (u = (t−1)/(t+1)),
 *   π/2 + atan u (u = −1/t); atan u = u + u·u²A(u²).
 * - sin, cos: x = k·π/2 + r with |r| ≤ π/4, π/2 in three 33-bit pieces (Cody–Waite, as fdlibm's
 *   medium-size reduction): each k·piece is exact for |k| < 2^20, so r is exact but for the last
 *   piece's tail (≤ 2^19·8.5e-32 absolute). That holds for |x| ≤ TRIG_LIMIT; beyond it the kernels
 *   report the input (unaryKernels.ts) and the stock kernel, which reduces exactly, takes the tensor.
 *   The quadrant k mod 4 picks sin r or cos r and the sign.
 */
import { ATAN_TAIL, COS_TAIL, SIN_TAIL } from './coefficients';
import { type Lanes, type V, add, div, f64, horner, i64, mul, select, sub } from './lanes';

const bits = new DataView(new ArrayBuffer(8));
function fromBits(pattern: bigint): number {
  bits.setBigUint64(0, pattern);
  return bits.getFloat64(0);
}

/** The three 33-bit pieces of π/2 (fdlibm's pio2_1, pio2_2, pio2_3). */
const PIO2_1 = fromBits(0x3ff921fb54400000n);
const PIO2_2 = fromBits(0x3dd0b4611a600000n);
const PIO2_3 = fromBits(0x3ba3198a2e000000n);
const SHIFTER = 6755399441055744; // 1.5·2^52, as in math.ts

/** Largest |x| the sin and cos kernels reduce themselves: k = round(x·2/π) < 2^19 < 2^20. */
export const TRIG_LIMIT = 2 ** 19;

const TAN_PI_8 = Math.SQRT2 - 1;
const TAN_3PI_8 = Math.SQRT2 + 1;

const gt = (a: V, b: V): V => `(f64x2.gt ${a} ${b})`;

/** atan t for t ≥ 0 (or NaN); the caller restores the sign. */
export function atanOfMagnitude(L: Lanes, t: V): V {
  const mid = L.let('mid', gt(t, f64(TAN_PI_8)));
  const big = L.let('big', gt(t, f64(TAN_3PI_8)));
  const num = select(big, f64(-1), select(mid, sub(t, f64(1)), t));
  const den = select(big, t, select(mid, add(t, f64(1)), f64(1)));
  const u = L.let('u', div(num, den));
  const z = L.let('z', mul(u, u));
  const base = select(big, f64(Math.PI / 2), select(mid, f64(Math.PI / 4), f64(0)));
  return add(base, add(u, mul(mul(u, z), horner(z, ATAN_TAIL))));
}

/** sin x (quadrant 0) or cos x = sin(x + π/2) (quadrant 1), for |x| ≤ TRIG_LIMIT (NaN stays NaN). */
export function sinOrCos(L: Lanes, x: V, quadrant: 0 | 1): V {
  const t = L.let('t', add(mul(x, f64(2 / Math.PI)), f64(SHIFTER)));
  const k = L.let('k', sub(t, f64(SHIFTER)));
  const r = L.let('r', sub(sub(sub(x, mul(k, f64(PIO2_1))), mul(k, f64(PIO2_2))), mul(k, f64(PIO2_3))));
  const z = L.let('z', mul(r, r));
  const s = add(r, mul(mul(r, z), horner(z, SIN_TAIL)));
  const c = add(sub(f64(1), mul(f64(0.5), z)), mul(mul(z, z), horner(z, COS_TAIL)));
  // n = k (+1 for cos) in the low bits of t: bit 0 swaps sin and cos, bit 1 flips the sign.
  const n = L.let('n', quadrant ? `(i64x2.add ${t} ${i64(1n)})` : t);
  const swap = `(i64x2.shr_s (i64x2.shl ${n} (i32.const 63)) (i32.const 63))`;
  const sign = `(v128.and (i64x2.shl ${n} (i32.const 62)) ${i64(-0x8000000000000000n)})`;
  return `(v128.xor ${select(swap, c, s)} ${sign})`;
}
