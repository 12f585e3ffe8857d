/**
 * Straight-line WAT for the element-wise kernels: each value is an f64x2 (two float64 lanes) held in a
 * local, so the functions of math.ts read like the formulas they implement. A `Lanes` is one copy of a
 * computation; the kernels run two copies (tags `a`, `b`) on the two halves of four float32 inputs, which
 * gives the CPU two independent dependency chains to overlap.
 *
 * Values are WAT expression strings: a `let` emits `(local.set $name_tag …)` and returns the matching
 * `(local.get …)`, so each intermediate is computed once however often it is used. An expression that
 * is not bound is copied into every place that uses it (fine for one use; bind anything used twice).
 */
export type V = string;

export class Lanes {
  readonly lines: string[] = [];
  private readonly names = new Set<string>();

  constructor(readonly tag: string) {}

  /**
   * Binds `expr` to a fresh local and returns its value. Names are made unique (a block used twice gets
   * new locals), so a value returned earlier is never overwritten before it is read.
   */
  let(name: string, expr: V): V {
    let id = `$${name}_${this.tag}`;
    for (let n = 2; this.names.has(id); n++) id = `$${name}_${this.tag}${n}`;
    this.names.add(id);
    this.lines.push(`(local.set ${id} ${expr})`);
    return `(local.get ${id})`;
  }

  /** Appends an instruction as it is (one that sets a local declared elsewhere). */
  emit(line: string): void {
    this.lines.push(line);
  }

  /** The v128 locals this computation needs, as WAT declarations. */
  locals(): string[] {
    return [...this.names].map((id) => `(local ${id} v128)`);
  }
}

/** An f64x2 constant (the same value in both lanes). */
export function f64(value: number): V {
  const text = Object.is(value, -0) ? '-0' : Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : '-Infinity';
  return `(v128.const f64x2 ${text} ${text})`;
}

/** An i64x2 constant (a bit pattern, the same in both lanes). */
export function i64(bits: bigint): V {
  return `(v128.const i64x2 ${bits} ${bits})`;
}

/** A quiet NaN in both lanes (float64 bits 0x7ff8…; it rounds to float32 NaN 0x7fc00000). */
export const NAN = i64(0x7ff8000000000000n);
/** The float64 sign bit in both lanes. */
export const SIGN = i64(-0x8000000000000000n);

export const add = (a: V, b: V): V => `(f64x2.add ${a} ${b})`;
export const sub = (a: V, b: V): V => `(f64x2.sub ${a} ${b})`;
export const mul = (a: V, b: V): V => `(f64x2.mul ${a} ${b})`;
export const div = (a: V, b: V): V => `(f64x2.div ${a} ${b})`;
/**
 * min(x, c) and max(x, c) for a value x and a constant c, as the pseudo-minimum and -maximum (one
 * instruction each on x86, where f64x2.min/max with their NaN and ±0 rules take about eight):
 * pmin(x, c) = c < x ? c : x, so a NaN x is returned as it is, and so is −0 against a constant 0.
 */
export const min = (x: V, c: V): V => `(f64x2.pmin ${x} ${c})`;
export const max = (x: V, c: V): V => `(f64x2.pmax ${x} ${c})`;
export const abs = (a: V): V => `(f64x2.abs ${a})`;
export const neg = (a: V): V => `(f64x2.neg ${a})`;
export const eq = (a: V, b: V): V => `(f64x2.eq ${a} ${b})`;
export const lt = (a: V, b: V): V => `(f64x2.lt ${a} ${b})`;
export const ge = (a: V, b: V): V => `(f64x2.ge ${a} ${b})`;
/** Lanes of `ifTrue` where `mask` is all ones, else of `ifFalse` (a mask from a comparison). */
export const select = (mask: V, ifTrue: V, ifFalse: V): V => `(v128.bitselect ${ifTrue} ${ifFalse} ${mask})`;
/** |magnitude| with the sign of `sign`. */
export const copySign = (magnitude: V, sign: V): V => select(SIGN, sign, magnitude);

/**
 * The same on f32x4 (four float32 lanes): the kernels clamp inputs and fix special values on the four
 * float32 numbers of a step at once, before promotion and after rounding, which costs half as much as on
 * the float64 halves.
 */
export const f32x4 = {
  c: (value: number): V => {
    const text = Object.is(value, -0) ? '-0' : Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : '-Infinity';
    return `(v128.const f32x4 ${text} ${text} ${text} ${text})`;
  },
  /** A quiet NaN (0x7fc00000) in every lane. */
  NAN: '(v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000)',
  add: (a: V, b: V): V => `(f32x4.add ${a} ${b})`,
  abs: (a: V): V => `(f32x4.abs ${a})`,
  neg: (a: V): V => `(f32x4.neg ${a})`,
  /** Pseudo-min/max, NaN-preserving for a value x against a constant c (see `min` above). */
  min: (x: V, c: V): V => `(f32x4.pmin ${x} ${c})`,
  max: (x: V, c: V): V => `(f32x4.pmax ${x} ${c})`,
  eq: (a: V, b: V): V => `(f32x4.eq ${a} ${b})`,
  ge: (a: V, b: V): V => `(f32x4.ge ${a} ${b})`,
  gt: (a: V, b: V): V => `(f32x4.gt ${a} ${b})`,
  copySign: (magnitude: V, sign: V): V => select('(v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)', sign, magnitude),
};

/** c[0] + x·(c[1] + x·(… + x·c[n])), Horner's rule. */
export function horner(x: V, c: readonly number[]): V {
  let p = f64(c[c.length - 1]);
  for (let i = c.length - 2; i >= 0; i--) p = add(mul(p, x), f64(c[i]));
  return p;
}
