/**
 * The WebAssembly SIMD kernels behind the long-vector work of the Krylov methods, as WAT source
 * (assembled at load by assemble.ts). Float32 storage, float64 arithmetic: every f32 is promoted
 * before it is multiplied, so products are exact and sums accumulate in float64, as the JavaScript
 * reference (operator.ts `dot`) does; results are rounded to f32 once, when stored.
 *
 * Why WebAssembly: a JavaScript loop over a Float32Array runs at about 1 element per ns whatever is
 * done with it; these run at memory bandwidth (f64x2 lanes, about 20 GB/s here), which is 10-15×
 * faster for the multi-vector sweeps of Gram–Schmidt and the Ritz-vector products of thick restart.
 *
 * Addresses and offsets are in bytes. A vector is addressed by the start of its slot; [s, e) is a
 * byte range inside every vector of the call (multiples of 16: slots are padded with zeros to a
 * multiple of 16 floats, see arena.ts). Vectors come in groups of 4 through a table of i32 start
 * addresses (the arena pads a group with its zero slot and a zero coefficient).
 */
/**
 * The kernels work on vectors four at a time (a, b, c, d), each 16-byte chunk as two f64x2 halves
 * (0: the chunk's low 8 bytes, 1: its high 8). These helpers write the four-way unrolled lines once.
 */
const GROUP = ['a', 'b', 'c', 'd'] as const;

/** One line per vector of a group: `line(v, index)`, joined on new lines at `indent`. */
function perVector(indent: string, line: (v: string, index: number) => string): string {
  return GROUP.map((v, i) => indent + line(v, i)).join('\n');
}

/** The f32 pair at byte `addr` (+8 for the high half) promoted to an f64x2. */
function promoted(addr: string, half: 0 | 1): string {
  return `(f64x2.promote_low_f32x4 (v128.load64_zero${half ? ' offset=8' : ''} ${addr}))`;
}

/** Two f64x2 rounded to f32 and packed into one 16-byte chunk. */
function demoted(lo: string, hi: string): string {
  return `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero ${lo}) (f32x4.demote_f64x2_zero ${hi}))`;
}

/** $a … $d = the group's four start addresses from the table. */
function loadGroup(indent: string): string {
  return perVector(indent, (v, i) => `(local.set $${v} (i32.load offset=${4 * i} (local.get $tab)))`);
}

/** $a0, $a1 … $d1 = 0. */
function zeroAccumulators(indent: string): string {
  return perVector(indent, (v) => `(local.set $${v}0 (f64x2.splat (f64.const 0)))\n${indent}(local.set $${v}1 (f64x2.splat (f64.const 0)))`);
}

const ACCUMULATORS = '(local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128) (local $c0 v128) (local $c1 v128) (local $d0 v128) (local $d1 v128)';

export const KERNELS_WAT = String.raw`
(module
 (memory (import "env" "memory") 1)

 ;; acc[16·v] (one f64x2 per vector v, lanes summed by the caller) += Σ_{i∈[s,e)} V_v[i]·w[i],
 ;; for the 4·groups vectors of the table.
 (func $dots (export "dots") (param $tab i32) (param $groups i32) (param $w i32) (param $s i32) (param $e i32) (param $acc i32)
  (local $g i32) (local $i i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
  (local $wl v128) (local $wh v128)
  ${ACCUMULATORS}
  (block $gdone (loop $G
   (br_if $gdone (i32.ge_u (local.get $g) (local.get $groups)))
${loadGroup('   ')}
${zeroAccumulators('   ')}
   (local.set $i (local.get $s))
   (block $done (loop $L
    (br_if $done (i32.ge_u (local.get $i) (local.get $e)))
    (local.set $wl (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $w) (local.get $i)))))
    (local.set $wh (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $w) (local.get $i)))))
${perVector('    ', (v) => `(local.set $${v}0 (f64x2.add (local.get $${v}0) (f64x2.mul ${promoted(`(i32.add (local.get $${v}) (local.get $i))`, 0)} (local.get $wl))))\n    (local.set $${v}1 (f64x2.add (local.get $${v}1) (f64x2.mul ${promoted(`(i32.add (local.get $${v}) (local.get $i))`, 1)} (local.get $wh))))`)}
    (local.set $i (i32.add (local.get $i) (i32.const 16)))
    (br $L)))
${perVector('   ', (v, i) => `(v128.store offset=${16 * i} (local.get $acc) (f64x2.add (v128.load offset=${16 * i} (local.get $acc)) (f64x2.add (local.get $${v}0) (local.get $${v}1))))`)}
   (local.set $tab (i32.add (local.get $tab) (i32.const 16)))
   (local.set $acc (i32.add (local.get $acc) (i32.const 64)))
   (local.set $g (i32.add (local.get $g) (i32.const 1)))
   (br $G))))

 ;; t[i−s] (f64) = w[i] for i ∈ [s, e): the float64 accumulator of an update (t at byte 2(i−s)).
 (func $load (export "load") (param $w i32) (param $s i32) (param $e i32) (param $t i32)
  (local $i i32)
  (local.set $i (local.get $s))
  (block $done (loop $L
   (br_if $done (i32.ge_u (local.get $i) (local.get $e)))
   (v128.store offset=0 (local.get $t) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $w) (local.get $i)))))
   (v128.store offset=16 (local.get $t) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $w) (local.get $i)))))
   (local.set $t (i32.add (local.get $t) (i32.const 32)))
   (local.set $i (i32.add (local.get $i) (i32.const 16)))
   (br $L))))

 ;; w[i] = f32(t[i−s]): the one rounding of an update.
 (func $store (export "store") (param $w i32) (param $s i32) (param $e i32) (param $t i32)
  (local $i i32)
  (local.set $i (local.get $s))
  (block $done (loop $L
   (br_if $done (i32.ge_u (local.get $i) (local.get $e)))
   (v128.store (i32.add (local.get $w) (local.get $i))
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
     (f32x4.demote_f64x2_zero (v128.load offset=0 (local.get $t)))
     (f32x4.demote_f64x2_zero (v128.load offset=16 (local.get $t)))))
   (local.set $t (i32.add (local.get $t) (i32.const 32)))
   (local.set $i (i32.add (local.get $i) (i32.const 16)))
   (br $L))))

 ;; t[i−s] −= Σ_v cf[v]·V_v[i] over the 4·groups vectors of the table (cf: one f64 per vector).
 (func $sub (export "sub") (param $tab i32) (param $cf i32) (param $groups i32) (param $s i32) (param $e i32) (param $t0 i32)
  (local $g i32) (local $i i32) (local $t i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
  (local $ka v128) (local $kb v128) (local $kc v128) (local $kd v128) (local $lo v128) (local $hi v128)
  (block $gdone (loop $G
   (br_if $gdone (i32.ge_u (local.get $g) (local.get $groups)))
${loadGroup('   ')}
${perVector('   ', (v, i) => `(local.set $k${v} (v128.load64_splat offset=${8 * i} (local.get $cf)))`)}
   (local.set $t (local.get $t0))
   (local.set $i (local.get $s))
   (block $done (loop $L
    (br_if $done (i32.ge_u (local.get $i) (local.get $e)))
    ;; pairwise sums first: shorter dependency chains than four subtractions in a row
    (local.set $lo (f64x2.add
     (f64x2.add
      (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $a) (local.get $i)))) (local.get $ka))
      (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $b) (local.get $i)))) (local.get $kb)))
     (f64x2.add
      (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $c) (local.get $i)))) (local.get $kc))
      (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $d) (local.get $i)))) (local.get $kd)))))
    (local.set $hi (f64x2.add
     (f64x2.add
      (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $a) (local.get $i)))) (local.get $ka))
      (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $b) (local.get $i)))) (local.get $kb)))
     (f64x2.add
      (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $c) (local.get $i)))) (local.get $kc))
      (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $d) (local.get $i)))) (local.get $kd)))))
    (v128.store offset=0 (local.get $t) (f64x2.sub (v128.load offset=0 (local.get $t)) (local.get $lo)))
    (v128.store offset=16 (local.get $t) (f64x2.sub (v128.load offset=16 (local.get $t)) (local.get $hi)))
    (local.set $t (i32.add (local.get $t) (i32.const 32)))
    (local.set $i (i32.add (local.get $i) (i32.const 16)))
    (br $L)))
   (local.set $tab (i32.add (local.get $tab) (i32.const 16)))
   (local.set $cf (i32.add (local.get $cf) (i32.const 32)))
   (local.set $g (i32.add (local.get $g) (i32.const 1)))
   (br $G))))

 ;; Linear combinations, 4 outputs at a time: row q of tile k (at out + (4k+q)·rs + (i−s)) gets
 ;; f32(Σ_j cf[k][j][q]·V_j[i]) for i ∈ [s, e); cf holds m·4 f64 per tile, j-major. The m inputs
 ;; come through the table in any number (no grouping). Rows are scratch: the caller copies them
 ;; out, which lets outputs overwrite inputs.
 (func $combine (export "combine") (param $tab i32) (param $m i32) (param $cf i32) (param $tiles i32) (param $s i32) (param $e i32) (param $out i32) (param $rs i32)
  (local $k i32) (local $i i32) (local $j i32) (local $p i32) (local $q i32) (local $o i32)
  (local $lo v128) (local $hi v128) (local $x v128)
  ${ACCUMULATORS}
  (block $kdone (loop $K
   (br_if $kdone (i32.ge_u (local.get $k) (local.get $tiles)))
   (local.set $i (local.get $s))
   (block $idone (loop $I
    (br_if $idone (i32.ge_u (local.get $i) (local.get $e)))
${zeroAccumulators('    ')}
    (local.set $j (i32.const 0))
    (local.set $p (local.get $tab))
    (local.set $q (local.get $cf))
    (block $jdone (loop $J
     (br_if $jdone (i32.ge_u (local.get $j) (local.get $m)))
     (local.set $lo (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (i32.load (local.get $p)) (local.get $i)))))
     (local.set $hi (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (i32.load (local.get $p)) (local.get $i)))))
${perVector('     ', (v, i) => `(local.set $x (v128.load64_splat offset=${8 * i} (local.get $q)))\n     (local.set $${v}0 (f64x2.add (local.get $${v}0) (f64x2.mul (local.get $lo) (local.get $x))))\n     (local.set $${v}1 (f64x2.add (local.get $${v}1) (f64x2.mul (local.get $hi) (local.get $x))))`)}
     (local.set $p (i32.add (local.get $p) (i32.const 4)))
     (local.set $q (i32.add (local.get $q) (i32.const 32)))
     (local.set $j (i32.add (local.get $j) (i32.const 1)))
     (br $J)))
    (local.set $o (i32.add (local.get $out) (i32.sub (local.get $i) (local.get $s))))
${perVector('    ', (v, i) => `${i ? '(local.set $o (i32.add (local.get $o) (local.get $rs)))\n    ' : ''}(v128.store (local.get $o) ${demoted(`(local.get $${v}0)`, `(local.get $${v}1)`)})`)}
    (local.set $i (i32.add (local.get $i) (i32.const 16)))
    (br $I)))
   (local.set $cf (i32.add (local.get $cf) (i32.shl (local.get $m) (i32.const 5))))
   (local.set $out (i32.add (local.get $out) (i32.shl (local.get $rs) (i32.const 2))))
   (local.set $k (i32.add (local.get $k) (i32.const 1)))
   (br $K))))

 ;; Copies row l (at src + l·rs) to bytes [s, e) of vector tab[l], for l < count.
 (func $rows (export "rows") (param $tab i32) (param $count i32) (param $s i32) (param $e i32) (param $src i32) (param $rs i32)
  (local $l i32)
  (block $done (loop $L
   (br_if $done (i32.ge_u (local.get $l) (local.get $count)))
   (memory.copy (i32.add (i32.load (local.get $tab)) (local.get $s)) (local.get $src) (i32.sub (local.get $e) (local.get $s)))
   (local.set $tab (i32.add (local.get $tab) (i32.const 4)))
   (local.set $src (i32.add (local.get $src) (local.get $rs)))
   (local.set $l (i32.add (local.get $l) (i32.const 1)))
   (br $L))))

 ;; x[i] = f32(alpha·x[i]) for i ∈ [s, e).
 (func $scale (export "scale") (param $x i32) (param $s i32) (param $e i32) (param $alpha f64)
  (local $k v128) (local $i i32)
  (local.set $k (f64x2.splat (local.get $alpha)))
  (local.set $i (local.get $s))
  (block $done (loop $L
   (br_if $done (i32.ge_u (local.get $i) (local.get $e)))
   (v128.store (i32.add (local.get $x) (local.get $i))
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
     (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $i)))) (local.get $k)))
     (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $x) (local.get $i)))) (local.get $k)))))
   (local.set $i (i32.add (local.get $i) (i32.const 16)))
   (br $L))))
)
`;

export interface KernelExports {
  dots(tab: number, groups: number, w: number, s: number, e: number, acc: number): void;
  load(w: number, s: number, e: number, t: number): void;
  store(w: number, s: number, e: number, t: number): void;
  sub(tab: number, cf: number, groups: number, s: number, e: number, t: number): void;
  combine(tab: number, m: number, cf: number, tiles: number, s: number, e: number, out: number, rs: number): void;
  rows(tab: number, count: number, s: number, e: number, src: number, rs: number): void;
  scale(x: number, s: number, e: number, alpha: number): void;
}
