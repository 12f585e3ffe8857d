/**
 * What the element-wise kernels promise, and how it is checked (at start-up on a probe set, and by the
 * tests on dense sweeps): every result within ULP_BOUND of the float64 reference, measured in float32
 * ulps, and the special values (±0, ±Inf, NaN) exactly those of the stock tfjs-wasm kernel.
 *
 * The bound: each kernel computes in float64 to ~1e-11 relative (math.ts, coefficients.ts) and rounds to
 * float32 once; a float64 result within δ relative of the truth rounds to within 0.5 + δ·2^24 ulp, and
 * δ ≤ 2^-34 = 5.8e-11 leaves 5× margin over the polynomials' 1.1e-11 and the few float64 roundings
 * (~1e-15 each). Anything worse (a wrong coefficient, a lost digit in a range reduction) breaks it.
 */
import { sigmoid, softplus } from '../../../catalogue/special';
import { ATAN_OF_INFINITY, type UnaryKernelName } from './unaryKernels';

export const ULP_BOUND = 0.5 + 2 ** -10;

/** The float64 reference of each kernel. */
export const REFERENCE: Record<UnaryKernelName, (x: number) => number> = {
  Exp: Math.exp,
  Log: Math.log,
  Log1p: Math.log1p,
  Softplus: softplus,
  Tanh: Math.tanh,
  Sigmoid: sigmoid,
  // ±Inf: the stock kernel's value, kept (unaryKernels.ts); every finite x: atan x.
  Atan: (x) => (Number.isFinite(x) || Number.isNaN(x) ? Math.atan(x) : Math.sign(x) * ATAN_OF_INFINITY),
  Sin: Math.sin,
  Cos: Math.cos,
};

const FLT_MAX = 3.4028234663852886e38;
const bits = new DataView(new ArrayBuffer(8));

/** The spacing of float32 numbers around |r| (r finite): 2^(e−23) in binade e, 2^-149 among subnormals. */
export function float32Ulp(r: number): number {
  bits.setFloat64(0, Math.abs(r));
  const e = (bits.getUint32(0) >>> 20) - 1023;
  return 2 ** (Math.max(e, -126) - 23);
}

/**
 * |y − r| in float32 ulps of r, for a float32 result y and the exact value r. NaN and infinite r must
 * be matched exactly (0, else Infinity); an infinite y counts as ±2^128, the value that float32
 * rounding treats as the step above FLT_MAX (so exp(89) = Inf is exact, FLT_MAX for it 1 ulp off).
 */
export function ulpError(y: number, r: number): number {
  if (Number.isNaN(r)) return Number.isNaN(y) ? 0 : Infinity;
  if (!Number.isFinite(r)) return y === r ? 0 : Infinity;
  if (Number.isNaN(y)) return Infinity;
  const value = Number.isFinite(y) ? y : Math.sign(y) * 2 ** 128;
  // Beyond 2^128 the correctly rounded float32 is ±Inf: measure against ±2^128.
  const exact = Math.sign(r) * Math.min(Math.abs(r), 2 ** 128);
  return Math.abs(value - exact) / float32Ulp(Math.min(Math.abs(r), FLT_MAX));
}

/** Whether two float32 results are the same value (NaN equals NaN; +0 and −0 differ). */
export function sameValue(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

export const SPECIAL_VALUES = [0, -0, Infinity, -Infinity, NaN];

/**
 * Inputs of the start-up check: the special values; the float32 edges (smallest subnormal, smallest
 * normal, largest finite; where exp overflows and underflows to subnormals and to zero; log1p's pole);
 * every binade from 2^-149 to 2^127 at 8 points, both signs; and a grid over [−20, 20], where the
 * network's pre-activations live.
 */
export function probeInputs(): Float32Array {
  const edges = [2 ** -149, 2 ** -126, FLT_MAX, 88.72283, 88.72284, 89, -87.33654, -87.34, -103.27893, -103.97207, -103.97208, -104, 1, -1, -0.99999994, -1.0000001];
  const values: number[] = [...SPECIAL_VALUES, ...edges, ...edges.map((v) => -v)];
  for (let e = -149; e <= 127; e++) for (let k = 0; k < 8; k++) values.push(2 ** e * (1 + k / 8), -(2 ** e) * (1 + k / 8));
  for (let i = 0; i <= 4000; i++) values.push(-20 + i / 100);
  return Float32Array.from(values);
}

export interface AccuracyReport {
  /** Largest ulpError over the inputs, and where. */
  readonly maxUlp: number;
  readonly at: number;
  /** Inputs (special values only) where the result differs from the stock kernel's. */
  readonly specialMismatches: readonly { x: number; got: number; stock: number }[];
}

/** The kernel's results `y` on `x` against the reference, and on the special values against `stock`. */
export function accuracy(kernelName: UnaryKernelName, x: Float32Array, y: Float32Array, stock?: Float32Array): AccuracyReport {
  const ref = REFERENCE[kernelName];
  let maxUlp = 0;
  let at = NaN;
  const specialMismatches: { x: number; got: number; stock: number }[] = [];
  for (let i = 0; i < x.length; i++) {
    const e = ulpError(y[i], ref(x[i]));
    if (!(e <= maxUlp)) {
      maxUlp = e;
      at = x[i];
    }
    if (stock && SPECIAL_VALUES.some((s) => sameValue(s, x[i])) && !sameValue(y[i], stock[i])) specialMismatches.push({ x: x[i], got: y[i], stock: stock[i] });
  }
  return { maxUlp, at, specialMismatches };
}

/** Why a report fails the promise, or undefined when it holds. */
export function accuracyFailure(kernelName: string, r: AccuracyReport): string | undefined {
  if (!(r.maxUlp <= ULP_BOUND)) return `${kernelName}: ${r.maxUlp.toPrecision(3)} ulp at x = ${r.at} (bound ${ULP_BOUND})`;
  if (r.specialMismatches.length) {
    const m = r.specialMismatches[0];
    return `${kernelName}: f(${show(m.x)}) = ${show(m.got)}, the stock kernel gives ${show(m.stock)}`;
  }
  return undefined;
}

/** A number as text, with the sign of −0 (which String() drops). */
function show(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}
