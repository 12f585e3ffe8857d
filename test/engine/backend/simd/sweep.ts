/**
 * The dense sweep the element-wise kernels are tested on: float32 inputs covering the whole range
 * (every 1021st bit pattern of each sign: 4.2 M values, ~8 per 2^-3 of every binade), every float32
 * step of 2^-16 on [−20, 20] (where pre-activations live), and the 64 float32 neighbours on each side
 * of the edges (exp's overflow, the normal/subnormal boundary and underflow to 0, log1p's pole, where
 * tanh reaches ±1, the smallest and largest floats), and the float32 nearest every multiple of π/2 up
 * to 2^19 with its two neighbours (where sin or cos is smallest: the hardest case of their reduction).
 */
const EDGES = [0, 2 ** -149, 2 ** -126, 3.4028234663852886e38, 88.72283935546875, -87.33654022216797, -103.27893, -103.97207641601562, 1, -1, 9.010913848876953, 13.94];

export function sweepInputs(): Float32Array {
  const bits: number[] = [];
  for (let b = 0; b < 0x7f800000; b += 1021) bits.push(b, (b | 0x80000000) >>> 0);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (const e of EDGES) {
    for (const s of [1, -1]) {
      f[0] = s * e;
      const centre = u[0];
      for (let k = -64; k <= 64; k++) {
        const b = centre + k;
        if (b >= 0 && b <= 0xffffffff) bits.push(b >>> 0);
      }
    }
  }
  for (let k = 1; k * (Math.PI / 2) < 2 ** 19; k++) {
    f[0] = k * (Math.PI / 2);
    bits.push(u[0] - 1, u[0], u[0] + 1);
  }
  const out = new Float32Array(bits.length + 40 * 65536 + 1);
  new Uint32Array(out.buffer, 0, bits.length).set(bits);
  for (let i = 0; i <= 40 * 65536; i++) out[bits.length + i] = -20 + i / 65536;
  return out;
}
