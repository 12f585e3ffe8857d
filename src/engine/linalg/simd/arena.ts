/**
 * Long float32 vectors kept in one WebAssembly memory, so the SIMD kernels of kernels.ts can sweep
 * them (a kernel can only read its own linear memory).
 *
 * An arena holds `capacity` slots of one length n, handed out as ordinary Float32Array views: the
 * algorithms, the operators and the callers see plain vectors, and anything that is not in the arena
 * simply takes the JavaScript path (basis.ts and operator.ts check `arenaOf` before using a kernel),
 * so running out of slots costs speed, never correctness. Each slot is padded with zeros to a
 * multiple of 16 floats (the kernels work in 16-byte steps; zeros add nothing to any sum and every
 * kernel writes zeros back into them).
 *
 * The memory is allocated once at its final size and never grows: growing would detach every view
 * handed out. Untouched pages cost no physical memory (the OS maps them on first write), so
 * capacities are generous. Vectors that leave an algorithm are copied out (`exportVector`), so a
 * caller never pins an arena, and an arena is garbage once its algorithm returns.
 *
 * Only float32 operators of at least `simdPolicy.minSize` use arenas: small exact float64 operators
 * keep the JavaScript path, which stays the reference. `NTKEXP_SIMD=0` turns arenas off.
 */
import { assembleWat } from './assemble';
import { KERNELS_WAT, type KernelExports } from './kernels';

type Vector = Float32Array | Float64Array;

/**
 * The part of the WebAssembly JS API used here, typed locally: the project compiles against lib
 * ES2022 without DOM, where TypeScript has no WebAssembly declarations.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

export const simdPolicy = {
  enabled: typeof process === 'undefined' || process.env.NTKEXP_SIMD !== '0',
  /** Smallest operator size that gets an arena (below it JavaScript is fast enough). */
  minSize: 2048,
};

/**
 * Floats per chunk of the sweeps (measured at P = 1.2 M; exported for the benchmark and the tests).
 * The kernels are bound by their f32 → f64 conversions and float64 arithmetic more than by memory, so
 * re-reading a chunk from cache saves little; long chunks let the hardware prefetcher stream each
 * vector (dots: 65536 floats took 11.4 ms for 50 vectors against 12.8 ms at 16384; updates 12.2 ms at
 * 32768 against 14.5 ms at 8192), and an update's f64 accumulator (8 bytes a float) still fits in L2.
 * `combine` keeps the rows of all its outputs for one chunk in L2.
 */
export const chunks = { dots: 65536, update: 32768, fused: 32768, combine: 512 };
const MAX_CHUNK = 65536;
const MAX_CHUNK_COMBINE = 2048;

/** A chunk in bytes: whole 16-byte steps (the kernels' stride), at least one, at most `max` floats. */
function chunkBytes(floats: number, max: number): number {
  return 16 * Math.max(1, Math.floor(Math.min(floats, max) / 4));
}
const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit

let compiled: object | null | undefined;

/** The compiled kernels, or null where WebAssembly SIMD is unavailable. */
function kernelModule(): object | null {
  if (compiled === undefined) {
    const bytes = assembleWat(KERNELS_WAT); // a syntax error here is a bug: let it throw
    compiled = wasm && wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return compiled;
}

const registry = new WeakMap<ArrayBufferLike, VectorArena>();

/** The arena holding every one of the vectors, if they all live in the same one. */
export function arenaOf(first: Vector, ...rest: readonly Vector[]): VectorArena | undefined {
  if (!(first instanceof Float32Array)) return undefined;
  const arena = registry.get(first.buffer);
  if (!arena || !arena.owns(first)) return undefined;
  for (const v of rest) if (!arena.owns(v)) return undefined;
  return arena;
}

/** A vector safe to hand out of an algorithm: a plain copy of an arena vector, else itself. */
export function exportVector<V extends Vector>(v: V): V {
  return arenaOf(v) ? (new Float32Array(v) as V) : v;
}

export class VectorArena {
  readonly n: number;
  readonly capacity: number;
  private readonly memory: WasmMemory;
  private readonly k: KernelExports;
  private readonly slotBytes: number;
  private readonly slotBase: number;
  /** Bytes the kernels sweep per vector: n rounded up to a multiple of 4 floats. */
  private readonly span: number;
  private readonly free: number[] = [];
  private readonly taken: Uint8Array;
  private readonly zeroAddress: number;
  // Scratch regions (byte addresses) and typed views on them.
  private readonly tabIn: number;
  private readonly tabOut: number;
  private readonly cfAddress: number;
  private readonly accAddress: number;
  private readonly tAddress: number;
  private readonly rowsAddress: number;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private inUse = 0;
  /** Most slots in use at once. */
  peak = 0;

  /**
   * An arena for `capacity` vectors of an operator's size, or undefined when the operator does not
   * qualify (float64, small, SIMD unavailable or disabled). The capacity is cut to what 4 GiB holds.
   */
  static forOperator(op: { size: number; precision: 'float32' | 'float64' }, capacity: number): VectorArena | undefined {
    if (!simdPolicy.enabled || op.precision !== 'float32' || op.size < simdPolicy.minSize || capacity < 1) return undefined;
    const module = kernelModule();
    if (!module) return undefined;
    try {
      return new VectorArena(module, op.size, capacity);
    } catch (error) {
      if (error instanceof RangeError) return undefined; // the memory could not be reserved
      throw error;
    }
  }

  private constructor(module: object, n: number, capacity: number) {
    this.n = n;
    const floats = Math.ceil(n / 16) * 16;
    this.slotBytes = floats * 4;
    this.span = Math.ceil(n / 4) * 16;
    const scratch = (cap: number): number => {
      const t = cap + 8; // vectors per call: the slots, w, and group padding
      return 2 * 4 * t + 8 * t * t + 16 * t * t + 8 * MAX_CHUNK + 4 * t * MAX_CHUNK_COMBINE + 64 * 8;
    };
    let cap = capacity;
    while (cap > 0 && Math.ceil((scratch(cap) + (cap + 1) * this.slotBytes) / PAGE) > MAX_PAGES) cap--;
    if (cap < 1) throw new RangeError('arena: not even one vector fits in 4 GiB');
    this.capacity = cap;
    const t = cap + 8;
    const align = (x: number): number => Math.ceil(x / 64) * 64;
    this.tabIn = 0;
    this.tabOut = align(this.tabIn + 4 * t);
    this.cfAddress = align(this.tabOut + 4 * t);
    this.accAddress = align(this.cfAddress + 8 * t * t);
    this.tAddress = align(this.accAddress + 16 * t * t);
    this.rowsAddress = align(this.tAddress + 8 * MAX_CHUNK);
    this.zeroAddress = align(this.rowsAddress + 4 * t * MAX_CHUNK_COMBINE);
    this.slotBase = this.zeroAddress + this.slotBytes;
    const pages = Math.ceil((this.slotBase + cap * this.slotBytes) / PAGE);
    this.memory = new wasm!.Memory({ initial: pages, maximum: pages });
    this.k = new wasm!.Instance(module, { env: { memory: this.memory } }).exports as unknown as KernelExports;
    this.i32 = new Int32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
    this.taken = new Uint8Array(cap);
    for (let i = cap - 1; i >= 0; i--) this.free.push(i);
    registry.set(this.memory.buffer, this);
  }

  /** Slots still free. */
  get available(): number {
    return this.free.length;
  }

  /** Whether `v` is one of this arena's slots (a view of a whole slot, not a part of one). */
  owns(v: Vector): v is Float32Array {
    return (
      v instanceof Float32Array &&
      v.buffer === this.memory.buffer &&
      v.length === this.n &&
      (v.byteOffset - this.slotBase) % this.slotBytes === 0 &&
      v.byteOffset >= this.slotBase
    );
  }

  /** A zero vector in the arena, or undefined when every slot is taken. */
  alloc(): Float32Array | undefined {
    const v = this.allocForWrite();
    v?.fill(0);
    return v;
  }

  /**
   * A slot whose n entries the caller writes in full (a copy, a random probe, a combination), or
   * undefined when every slot is taken: its entries are left as they were (zeroing 4.8 MB only to
   * overwrite it; measured, about 0.2 s of a Figure-1 measurement, since the first write to a fresh
   * page costs the rest either way), its padding is zero, as the kernels need.
   */
  allocForWrite(): Float32Array | undefined {
    const slot = this.free.pop();
    if (slot === undefined) return undefined;
    this.taken[slot] = 1;
    this.inUse++;
    this.peak = Math.max(this.peak, this.inUse);
    const address = this.slotBase + slot * this.slotBytes;
    new Uint8Array(this.memory.buffer, address + 4 * this.n, this.slotBytes - 4 * this.n).fill(0);
    return new Float32Array(this.memory.buffer, address, this.n);
  }

  /** A copy of `v` in the arena, or undefined when every slot is taken. */
  copyIn(v: Vector): Float32Array | undefined {
    if (v.length !== this.n) throw new RangeError(`arena: a vector of length ${v.length} for slots of ${this.n}`);
    const slot = this.allocForWrite();
    slot?.set(v);
    return slot;
  }

  /** Gives a slot back (vectors not in the arena are ignored: they belong to the garbage collector). */
  release(v: Vector): void {
    if (!this.owns(v)) return;
    const slot = (v.byteOffset - this.slotBase) / this.slotBytes;
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.capacity || !this.taken[slot]) {
      throw new Error(`arena: releasing a vector that is not an allocated slot (offset ${v.byteOffset})`);
    }
    this.taken[slot] = 0;
    this.inUse--;
    this.free.push(slot);
  }

  /** Whether every vector lives here (the precondition of the kernels below). */
  holds(vectors: readonly Vector[]): vectors is Float32Array[] {
    for (const v of vectors) if (!this.owns(v)) return false;
    return true;
  }

  // --- kernels (every vector must be held by this arena) ---------------------------------------

  /** Vᵀw, accumulated in float64. */
  dots(V: readonly Float32Array[], w: Float32Array): Float64Array {
    return this.dotsMany(V, [w])[0];
  }

  /** [Vᵀw for w of W] in one sweep over V (each chunk of V is reused from cache for every w). */
  dotsMany(V: readonly Float32Array[], W: readonly Float32Array[]): Float64Array[] {
    const groups = this.table(this.tabIn, V);
    const stride = groups * 64;
    this.f64.fill(0, this.accAddress / 8, (this.accAddress + W.length * stride) / 8);
    const step = chunkBytes(chunks.dots, MAX_CHUNK);
    for (let s = 0; s < this.span; s += step) {
      const e = Math.min(this.span, s + step);
      W.forEach((w, q) => this.k.dots(this.tabIn, groups, w.byteOffset, s, e, this.accAddress + q * stride));
    }
    return W.map((_, q) => this.lanes(this.accAddress + q * stride, V.length));
  }

  /** w ← w − V h, in float64 with one rounding per element. */
  subtract(w: Float32Array, V: readonly Float32Array[], h: ArrayLike<number>): void {
    this.subtractMany([w], V, [h]);
  }

  /** W[q] ← W[q] − V H[q] for every q, in one sweep over V. */
  subtractMany(W: readonly Float32Array[], V: readonly Float32Array[], H: readonly ArrayLike<number>[]): void {
    const groups = this.table(this.tabIn, V);
    const cf = this.cfAddress / 8;
    H.forEach((h, q) => this.coefficients(cf + q * groups * 4, h, V.length, groups));
    const step = chunkBytes(chunks.update, MAX_CHUNK);
    for (let s = 0; s < this.span; s += step) {
      const e = Math.min(this.span, s + step);
      W.forEach((w, q) => this.update(w, groups, this.cfAddress + q * groups * 32, s, e));
    }
  }

  /**
   * w ← w − V h, then Vᵀw and ‖w‖² of the result, in one pass over memory (each chunk of V is read
   * again from cache): the next Gram–Schmidt pass's coefficients without a second sweep of memory
   * traffic (the arithmetic is that of a separate `dots`).
   */
  subtractThenDots(w: Float32Array, V: readonly Float32Array[], h: ArrayLike<number>): { dots: Float64Array; normSquared: number } {
    // Table [V, w]: the update gives w a zero coefficient, the dots give ‖w‖² in slot V.length.
    const all = [...V, w];
    const groups = this.table(this.tabIn, all);
    this.coefficients(this.cfAddress / 8, h, V.length, groups);
    this.f64.fill(0, this.accAddress / 8, (this.accAddress + groups * 64) / 8);
    const step = chunkBytes(chunks.fused, MAX_CHUNK);
    for (let s = 0; s < this.span; s += step) {
      const e = Math.min(this.span, s + step);
      this.update(w, groups, this.cfAddress, s, e);
      this.k.dots(this.tabIn, groups, w.byteOffset, s, e, this.accAddress);
    }
    const d = this.lanes(this.accAddress, all.length);
    return { dots: d.subarray(0, V.length), normSquared: d[V.length] };
  }

  /**
   * out[l] = Σ_j V[j] S[j·ld + cols[l]], accumulated in float64 and rounded once. `out` may share
   * vectors with V (a thick restart writes the Ritz vectors over the basis): each chunk is read in
   * full before it is written.
   */
  combine(V: readonly Float32Array[], S: ArrayLike<number>, ld: number, cols: readonly number[], out: readonly Float32Array[]): void {
    const m = V.length;
    const p = cols.length;
    if (out.length !== p) throw new RangeError(`arena.combine: ${out.length} outputs for ${p} columns`);
    if (p === 0) return;
    const tiles = Math.ceil(p / 4);
    V.forEach((v, j) => (this.i32[this.tabIn / 4 + j] = v.byteOffset));
    out.forEach((v, l) => (this.i32[this.tabOut / 4 + l] = v.byteOffset));
    const cf = this.cfAddress / 8;
    for (let k = 0; k < tiles; k++) {
      for (let j = 0; j < m; j++) {
        for (let q = 0; q < 4; q++) {
          const l = 4 * k + q;
          this.f64[cf + (k * m + j) * 4 + q] = l < p ? S[j * ld + cols[l]] : 0;
        }
      }
    }
    const rs = chunkBytes(chunks.combine, MAX_CHUNK_COMBINE);
    for (let s = 0; s < this.span; s += rs) {
      const e = Math.min(this.span, s + rs);
      this.k.combine(this.tabIn, m, this.cfAddress, tiles, s, e, this.rowsAddress, rs);
      this.k.rows(this.tabOut, p, s, e, this.rowsAddress, rs);
    }
  }

  /** x ← alpha x (float64 product, one rounding). */
  scale(alpha: number, x: Float32Array): void {
    this.k.scale(x.byteOffset, 0, this.span, alpha);
  }

  /** Writes the start addresses of `vectors` at `tab`, padded to whole groups of 4 with the zero slot. */
  private table(tab: number, vectors: readonly Float32Array[]): number {
    const groups = Math.ceil(vectors.length / 4);
    const base = tab / 4;
    for (let j = 0; j < groups * 4; j++) this.i32[base + j] = j < vectors.length ? vectors[j].byteOffset : this.zeroAddress;
    return groups;
  }

  /** Writes h (zero-padded to whole groups) as float64 at f64 index `at`. */
  private coefficients(at: number, h: ArrayLike<number>, count: number, groups: number): void {
    for (let j = 0; j < groups * 4; j++) this.f64[at + j] = j < count ? h[j] : 0;
  }

  private update(w: Float32Array, groups: number, cf: number, s: number, e: number): void {
    this.k.load(w.byteOffset, s, e, this.tAddress);
    this.k.sub(this.tabIn, cf, groups, s, e, this.tAddress);
    this.k.store(w.byteOffset, s, e, this.tAddress);
  }

  /** Sums the two lanes of each f64x2 accumulator. */
  private lanes(address: number, count: number): Float64Array {
    const out = new Float64Array(count);
    const base = address / 8;
    for (let j = 0; j < count; j++) out[j] = this.f64[base + 2 * j] + this.f64[base + 2 * j + 1];
    return out;
  }
}
