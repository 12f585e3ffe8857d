/**
 * The catalogue is tensor-free, and so is everything the editor's extension host loads: the extension
 * bundle, built as scripts/build.mjs builds it, holds no TensorFlow.js module (of tfjs-core's
 * package.json only the version string run.json records). And every activation the catalogue lists has
 * a tensor form in the engine that agrees with its float64 derivatives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BUILTIN_ACTIVATIONS, builtinActivation } from '../../src/catalogue/activations';
import { tensorDerivatives } from '../../src/engine/nonlinearity/tensorForms';

const ROOT = path.join(__dirname, '..', '..');

async function bundleInputs(entry: string): Promise<{ inputs: string[]; bytes: number; bytesOf: (input: string) => number }> {
  const r = await esbuild.build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['vscode', '@tensorflow/tfjs-node', 'koffi'],
  });
  const out = Object.values(r.metafile.outputs)[0];
  return { inputs: Object.keys(out.inputs), bytes: out.bytes, bytesOf: (input) => out.inputs[input]?.bytesInOutput ?? 0 };
}

test('the extension bundle holds no TensorFlow.js code; the engine bundle does (the check can fail)', async () => {
  const tfjs = (inputs: string[]) => inputs.filter((f) => f.includes('node_modules/@tensorflow/') && !f.endsWith('/package.json'));
  const extension = await bundleInputs('src/extension/extension.ts');
  assert.deepEqual(tfjs(extension.inputs), [], 'the extension host never computes');
  // The package files contribute their version strings only (named imports), not the whole JSON.
  for (const manifest of ['node_modules/@tensorflow/tfjs-core/package.json', 'package.json']) {
    assert.ok(extension.bytesOf(manifest) > 0 && extension.bytesOf(manifest) < 120, `${manifest}: ${extension.bytesOf(manifest)} bytes in the bundle`);
  }
  assert.ok(extension.inputs.some((f) => f.startsWith('src/catalogue/')), 'it does use the catalogue');
  const engine = await bundleInputs('src/run/engineMain.ts');
  assert.ok(tfjs(engine.inputs).length > 0);
  console.log(`bundles: extension ${(extension.bytes / 1e3).toFixed(0)} kB, engine ${(engine.bytes / 1e3).toFixed(0)} kB (unminified)`);
});

test('no catalogue module imports the engine, the format or TensorFlow.js', async () => {
  for (const entry of ['src/catalogue/activations.ts', 'src/catalogue/losses.ts', 'src/catalogue/expressions/derivative.ts', 'src/catalogue/expressions/scalar.ts']) {
    const { inputs } = await bundleInputs(entry);
    const outside = inputs.filter((f) => !f.startsWith('src/catalogue/'));
    assert.deepEqual(outside, [], `${entry} reaches outside the catalogue`);
  }
});

test('every built-in activation has a tensor form equal to its float64 σ … σ‴, leaking no tensors', () => {
  tf.setBackend('cpu');
  const grid = Array.from({ length: 161 }, (_, i) => -4 + i * 0.05 + 0.0125);
  const z = tf.tensor1d(grid);
  for (const name of BUILTIN_ACTIVATIONS) {
    const a = builtinActivation(name);
    const before = tf.memory().numTensors;
    const outs = tensorDerivatives(a)(z, 3);
    assert.equal(outs.length, 4, name);
    assert.equal(tf.memory().numTensors, before + 4, `${name}: only the four outputs remain`);
    outs.forEach((t, k) => {
      const values = t.dataSync();
      grid.forEach((x, i) => {
        const expected = a.scalar[k](x);
        assert.ok(Math.abs(values[i] - expected) <= 2e-5 * Math.max(1, Math.abs(expected)), `${name} order ${k} at ${x}: ${values[i]} vs ${expected}`);
      });
    });
    tf.dispose(outs);
  }
  z.dispose();
  // An activation that declares no way to get a tensor form is refused by name, not run wrongly.
  assert.throws(() => tensorDerivatives({ ...builtinActivation('tanh'), builtin: undefined, name: 'orphan' }), /activation 'orphan' has no tensor form/);
});
