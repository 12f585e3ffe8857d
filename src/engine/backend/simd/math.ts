/**
 * Float64 building blocks of the element-wise kernels, as WAT on f64x2 lanes (lanes.ts). The kernels
 * take float32 inputs, so float64 has 29 spare bits: each block is accurate to ~1e-13 relative (the
 * polynomials of coefficients.ts, plus a few float64 roundings), and the one rounding to float32 at the
 * end dominates every result's error (≤ 0.5 ulp + 2^-10 ulp, what the tests check).
 *
 * Range reductions:
 * - exp/expm1: x = k·ln2 + r, |r| ≤ ln2/2, k = round(x/ln2) by the 1.5·2^52 shifter (its low bits then
 *   hold k, so 2^k is built by shifting them into the exponent field); e^r − 1 = r + r²P(r).
 * - log: w = 2^k·m with m ∈ [√2/2, √2) read from w's bits; log m = log((1+s)/(1−s)) with s = (m−1)/(m+1),
 *   |s| ≤ 0.172, = 2s + 2s·s²R(s²).
 */
import { ATANH_TAIL, EXPM1_TAIL } from './coefficients';
import { type Lanes, type V, add, div, f64, horner, i64, mul, sub } from './lanes';

const LOG2E = Math.LOG2E;
const LN2 = Math.LN2;
/** 1.5·2^52: adding it rounds a float64 of magnitude < 2^51 to an integer held in the low mantissa bits. */
const SHIFTER = 6755399441055744;
/** The bits of 1.0 (the exponent bias in place). */
const ONE_BITS = 0x3ff0000000000000n;
/** The bits of √2/2 as float64: subtracting them puts m = w·2^-k in [√2/2, √2) (see `log`). */
const SQRT_HALF_BITS = 0x3fe6a09e667f3bcdn;

/** Largest |x| the exp blocks accept: 2^k stays a normal float64 and e^±120 is far outside float32. */
export const EXP_LIMIT = 120;

interface ExpParts {
  /** 2^k. */
  readonly scale: V;
  /** e^r − 1. */
  readonly q: V;
}

/** e^x = 2^k·(1 + q) for |x| ≤ EXP_LIMIT (NaN stays NaN through q). */
function expParts(L: Lanes, x: V): ExpParts {
  const t = L.let('t', add(mul(x, f64(LOG2E)), f64(SHIFTER)));
  const k = L.let('k', sub(t, f64(SHIFTER)));
  // k·ln2 rounds by at most 2^-53·120·ln2 ≈ 1e-14 absolute: 1e-14 relative in e^x.
  const r = L.let('r', sub(x, mul(k, f64(LN2))));
  const q = L.let('q', add(r, mul(mul(r, r), horner(r, EXPM1_TAIL))));
  const scale = L.let('scale', `(i64x2.add (i64x2.shl ${t} (i32.const 52)) ${i64(ONE_BITS)})`);
  return { scale, q };
}

/** e^x for |x| ≤ EXP_LIMIT. */
export function exp(L: Lanes, x: V): V {
  const { scale, q } = expParts(L, x);
  return add(scale, mul(scale, q));
}

/** e^x − 1 for |x| ≤ EXP_LIMIT, without cancellation near 0 (k = 0 there, so it is q itself). */
export function expm1(L: Lanes, x: V): V {
  const { scale, q } = expParts(L, x);
  return add(mul(scale, q), sub(scale, f64(1)));
}

/** log((1+s)/(1−s)) = 2 atanh(s) for |s| ≤ 1/3. */
function logRatio(L: Lanes, s: V): V {
  const z = L.let('z', mul(s, s));
  const s2 = L.let('s2', add(s, s));
  return add(s2, mul(mul(s2, z), horner(z, ATANH_TAIL)));
}

/** log w for a positive, finite float64 w (garbage, never a trap, for other lanes: callers select). */
export function log(L: Lanes, w: V): V {
  const k = L.let('lk', `(i64x2.shr_s (i64x2.sub ${w} ${i64(SQRT_HALF_BITS)}) (i32.const 52))`);
  const m = L.let('m', `(i64x2.sub ${w} (i64x2.shl ${k} (i32.const 52)))`);
  const f = L.let('f', sub(m, f64(1))); // exact: m ∈ [√2/2, √2)
  const logM = logRatio(L, L.let('s', div(f, add(f, f64(2)))));
  // k fits in 32 bits: gather the low halves of the two i64 lanes and convert them.
  const kf = `(f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 ${k} ${k}))`;
  return add(mul(kf, f64(LN2)), logM);
}

/** log(1 + e) for e ∈ [0, 1]: s = e/(2+e) ≤ 1/3, no range reduction (softplus's tail). */
export function log1pUnit(L: Lanes, e: V): V {
  return logRatio(L, L.let('s', div(e, add(e, f64(2)))));
}
