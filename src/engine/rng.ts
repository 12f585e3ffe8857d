/**
 * Deterministic random numbers, independent of the TensorFlow.js backend, so that the same seed gives
 * the same network, data and probes on `wasm`, `cpu` and `tensorflow`, and in the float64 reference.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018), 128-bit state, period 2^128 − 1, seeded through
 * splitmix32 so that nearby seeds give unrelated streams. Gaussians by the Box–Muller transform with
 * 53-bit uniforms.
 */
// The largest seed (2^53 − 1): seeds are hashed by their decimal digits, and beyond it neighbouring
// integers are the same double, so two seeds written differently would give the same stream.
import { MAX_SEED } from '../contracts/experimentKeys';

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  constructor(seed: number, ...path: Array<number | string>) {
    const h = splitmix32(hashSeed(seed, path));
    this.s0 = h.next();
    this.s1 = h.next();
    this.s2 = h.next();
    this.s3 = h.next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A child stream named by `path` (e.g. `rng.derive('trial', 3)`): the same path gives the same stream. */
  static derive(seed: number, ...path: Array<number | string>): Rng {
    return new Rng(seed, ...path);
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal N(0, 1). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fill `out` with iid N(0, 1). */
  fillNormal<T extends Float32Array | Float64Array>(out: T): T {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** Fill `out` with iid Rademacher ±1. */
  fillRademacher<T extends Float32Array | Float64Array>(out: T): T {
    // 32 signs per draw, written without a branch per element (a probe has ~10^6 entries).
    const n = out.length;
    for (let base = 0; base < n; base += 32) {
      let bits = this.nextUint32();
      const end = Math.min(n, base + 32);
      for (let i = base; i < end; i++) {
        out[i] = ((bits & 1) << 1) - 1;
        bits >>>= 1;
      }
    }
    return out;
  }

  /** Fisher–Yates shuffle of `items` in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function splitmix32(seed: number): { next(): number } {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    },
  };
}

/** FNV-1a over the seed and the path, so `derive(seed, 'trial', 1)` and `derive(seed, 'trial', 2)` differ. */
function hashSeed(seed: number, path: Array<number | string>): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new RangeError(`seed must be an integer from 0 to ${MAX_SEED} (2^53 − 1), got ${seed}`);
  let h = 0x811c9dc5;
  const feed = (text: string): void => {
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  feed(String(seed));
  for (const part of path) feed(typeof part === 'number' ? `#${part}` : part);
  return h;
}
