/**
 * The element-wise kernels that replace tfjs-wasm's scalar libm loops, and the WebAssembly module
 * that holds them. Each kernel maps n float32 at byte address x to n float32 at y (both in the
 * backend's heap, which the module imports): four at a time, then a tail of two and of one, so any n
 * works without padding. A step of four runs in three parts:
 *   pre   on the four float32 inputs (f32x4): clamps that are exact in float32;
 *   body  on each float64 half (f64x2), the function itself (math.ts), rounded to float32 once;
 *   post  on the four float32 results, with the inputs: special values.
 *
 * A kernel with a `limit` (sin, cos: their range reduction) returns 1 when any input has |x| above it,
 * and 0 otherwise; the caller then computes the call with `beyond` in float64 JavaScript (install.ts).
 *
 * Special values follow tfjs-wasm's own kernels (the tests compare them with the stock kernels):
 * NaN stays NaN, ±0 keep their sign where the function is odd, ±Inf give the limits, and underflow
 * rounds to float32 subnormals and zero.
 */
import { EXP_LIMIT, exp, expm1, log, log1pUnit } from './math';
import { type V, Lanes, abs, add, div, f64, f32x4, lt, max, mul, neg, select, sub } from './lanes';
import { TRIG_LIMIT, atanOfMagnitude, sinOrCos } from './trig';

export type UnaryKernelName = 'Exp' | 'Log' | 'Log1p' | 'Softplus' | 'Tanh' | 'Sigmoid' | 'Atan' | 'Sin' | 'Cos';

export interface UnaryKernel {
  /** The TensorFlow.js kernel it replaces. */
  readonly kernelName: UnaryKernelName;
  /** Its export in the module. */
  readonly exportName: string;
  /** On the four float32 inputs (f32x4), before promotion. */
  readonly pre?: (L: Lanes, x: V) => V;
  /** f on one f64x2 of (pre-processed, promoted, so exact) inputs. */
  readonly body: (L: Lanes, x: V) => V;
  /** On the four float32 results y, with the original inputs x (f32x4). */
  readonly post?: (L: Lanes, x: V, y: V) => V;
  /** Inputs with |x| above it are not computed here (the function returns 1)… */
  readonly limit?: number;
  /** …and the whole call is computed by this float64 function instead. */
  readonly beyond?: (x: number) => number;
}

/**
 * tfjs-wasm's atan(±Inf) (musl's atanf): ±0x3fc90fda, the float32 just below π/2, where π/2 itself
 * rounds to 0x3fc90fdb. Kept for ±Inf only, so that special values are exactly the stock kernel's.
 */
export const ATAN_OF_INFINITY = 1.5707962513;

/** e^±120 is far outside float32 (exact clamps: the rounding then gives Inf, subnormals and 0). */
const clampExp = (x: V): V => f32x4.min(f32x4.max(x, f32x4.c(-EXP_LIMIT)), f32x4.c(EXP_LIMIT));

/** Below this |x|, log1p(x) = x − x²/2 to 2^-58 relative; from it up, 1 + x is exact in float64. */
const LOG1P_SERIES = 2 ** -29;

export const UNARY_KERNELS: readonly UnaryKernel[] = [
  {
    kernelName: 'Exp',
    exportName: 'exp',
    pre: (_L, x) => clampExp(x),
    body: (L, x) => exp(L, x),
  },
  {
    kernelName: 'Log',
    exportName: 'log',
    body: (L, x) => log(L, x), // float32 subnormals are normal float64: no special case
    post: (L, x, y) => {
      const y0 = L.let('y0', select(f32x4.eq(x, f32x4.c(0)), f32x4.c(-Infinity), y));
      const yi = L.let('yi', select(f32x4.eq(x, f32x4.c(Infinity)), f32x4.c(Infinity), y0));
      return select(f32x4.ge(x, f32x4.c(0)), yi, f32x4.NAN); // x < 0 and NaN
    },
  },
  {
    kernelName: 'Log1p',
    exportName: 'log1p',
    body: (L, x) => select(lt(abs(x), f64(LOG1P_SERIES)), sub(x, mul(f64(0.5), mul(x, x))), log(L, L.let('w', add(x, f64(1))))),
    post: (L, x, y) => {
      // y + 0 turns −0 into +0, as tfjs-wasm's kernel (log(1 + x)) gives it; nothing else has a −0 result.
      const ym = L.let('ym', select(f32x4.eq(x, f32x4.c(-1)), f32x4.c(-Infinity), f32x4.add(y, f32x4.c(0))));
      const yi = L.let('yi', select(f32x4.eq(x, f32x4.c(Infinity)), f32x4.c(Infinity), ym));
      return select(f32x4.ge(x, f32x4.c(-1)), yi, f32x4.NAN); // x < −1 and NaN
    },
  },
  {
    kernelName: 'Softplus',
    exportName: 'softplus',
    // log(1 + e^x) = max(x, 0) + log(1 + e^−|x|): the exponential never overflows, the tail is in [0, log 2].
    body: (L, x) => {
      const e = L.let('e', exp(L, L.let('nx', max(neg(abs(x)), f64(-EXP_LIMIT)))));
      return add(max(x, f64(0)), log1pUnit(L, e));
    },
  },
  {
    kernelName: 'Tanh',
    exportName: 'tanh',
    // tanh|x| = −m/(2 + m) with m = e^{−2|x|} − 1 (no cancellation for small x); tanh 20 = 1 in float64.
    pre: (_L, x) => f32x4.min(f32x4.abs(x), f32x4.c(20)),
    body: (L, a) => {
      const m = L.let('m1', expm1(L, mul(f64(-2), a)));
      return div(neg(m), add(m, f64(2)));
    },
    post: (_L, x, y) => f32x4.copySign(y, x),
  },
  {
    kernelName: 'Sigmoid',
    exportName: 'sigmoid',
    pre: (_L, x) => clampExp(f32x4.neg(x)),
    body: (L, nx) => div(f64(1), add(f64(1), exp(L, nx))),
  },
  {
    kernelName: 'Atan',
    exportName: 'atan',
    pre: (_L, x) => f32x4.abs(x),
    body: (L, t) => atanOfMagnitude(L, t),
    post: (_L, x, y) => f32x4.copySign(select(f32x4.eq(f32x4.abs(x), f32x4.c(Infinity)), f32x4.c(ATAN_OF_INFINITY), y), x),
  },
  // tfjs-wasm's own sin and cos are far off for tiny and for large inputs (sin(−8.9e-16) = 1.7e-7,
  // cos near its zeros 1e8 ulp, beyond 2^19 1e12 ulp): beyond the reduction's limit, float64 Math is
  // both exact to 0.5 ulp and faster than the stock kernel.
  {
    kernelName: 'Sin',
    exportName: 'sin',
    body: (L, x) => sinOrCos(L, x, 0),
    // + 0 turns sin(−0) = −0 into +0, as the stock kernel gives it (no other result is −0).
    post: (_L, _x, y) => f32x4.add(y, f32x4.c(0)),
    limit: TRIG_LIMIT,
    beyond: (x) => Math.sin(x) + 0,
  },
  {
    kernelName: 'Cos',
    exportName: 'cos',
    body: (L, x) => sinOrCos(L, x, 1),
    limit: TRIG_LIMIT,
    beyond: Math.cos,
  },
];

const promoteLow = (v: V): V => `(f64x2.promote_low_f32x4 ${v})`;
const promoteHigh = (v: V): V => promoteLow(`(i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${v} ${v})`);
const demote = (v: V): V => `(f32x4.demote_f64x2_zero ${v})`;

/** One step's code: `lanes` float32 loaded by `load`, stored by `store(result)`. */
function step(k: UnaryKernel, tag: string, lanes: 1 | 2 | 4, load: V, store: (y: V) => string): { lines: string[]; locals: string[] } {
  const p = new Lanes(`${tag}p`);
  const x = p.let('x', load);
  if (k.limit !== undefined) p.emit(`(local.set $over (v128.or (local.get $over) (f32x4.gt (f32x4.abs ${x}) ${f32x4.c(k.limit)})))`);
  const input = k.pre ? p.let('pre', k.pre(p, x)) : x;
  const low = new Lanes(`${tag}a`);
  const high = new Lanes(`${tag}b`);
  const lo = demote(k.body(low, low.let('in', promoteLow(input))));
  const y = lanes === 4 ? `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 ${lo} ${demote(k.body(high, high.let('in', promoteHigh(input))))})` : lo;
  const o = new Lanes(`${tag}o`);
  const out = k.post ? k.post(o, x, o.let('y', y)) : y;
  return {
    lines: [...p.lines, ...low.lines, ...high.lines, ...o.lines, store(out)],
    locals: [...p.locals(), ...low.locals(), ...high.locals(), ...o.locals()],
  };
}

function kernelFunction(k: UnaryKernel): string {
  const x = '(i32.add (local.get $x) (local.get $i))';
  const y = '(i32.add (local.get $y) (local.get $i))';
  const four = step(k, '', 4, `(v128.load ${x})`, (v) => `(v128.store ${y} ${v})`);
  const two = step(k, 't', 2, `(v128.load64_zero ${x})`, (v) => `(v128.store64_lane 0 ${y} ${v})`);
  const one = step(k, 's', 1, `(v128.load32_zero ${x})`, (v) => `(v128.store32_lane 0 ${y} ${v})`);
  const indent = (lines: string[]): string => lines.map((l) => '   ' + l).join('\n');
  return `
 ;; ${k.kernelName}: y[j] = f32(f(x[j])) for j < n (x, y byte addresses); returns 1 if an input is beyond the limit.
 (func $${k.exportName} (export "${k.exportName}") (param $x i32) (param $y i32) (param $n i32) (result i32)
  (local $i i32) (local $end i32) (local $over v128)
  ${[...four.locals, ...two.locals, ...one.locals].join(' ')}
  (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
  (block $done (loop $L
   (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
${indent(four.lines)}
   (local.set $i (i32.add (local.get $i) (i32.const 16)))
   (br $L)))
  (block $pair
   (br_if $pair (i32.eqz (i32.and (local.get $n) (i32.const 2))))
${indent(two.lines)}
   (local.set $i (i32.add (local.get $i) (i32.const 8))))
  (block $single
   (br_if $single (i32.eqz (i32.and (local.get $n) (i32.const 1))))
${indent(one.lines)})
  ${k.limit !== undefined ? '(v128.any_true (local.get $over))' : '(i32.const 0)'})`;
}

/** The module's WAT text: one exported function per kernel, over the imported memory. */
export function unaryModuleWat(kernels: readonly UnaryKernel[] = UNARY_KERNELS): string {
  return `(module\n (memory (import "env" "memory") 1)\n${kernels.map(kernelFunction).join('\n')}\n)\n`;
}

/** The signature every kernel exports: (input address, output address, element count) → 1 if an input was beyond its limit. */
export type UnaryExport = (x: number, y: number, n: number) => number;
