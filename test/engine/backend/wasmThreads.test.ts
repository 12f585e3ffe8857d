import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { MAX_WASM_THREADS, THREADED_FILES, setWasmThreads, threadedFilesDir } from '../../../src/engine/backend/wasmThreads';

// The backend is chosen once per process, so each case runs the probe (test/helpers/wasmThreadsProbe.ts)
// in a child process, which prints the backend it got and the SHA-256 of every result's float32 bytes.
const ROOT = path.join(__dirname, '..', '..', '..');
const PROBE = path.join(ROOT, 'test', 'helpers', 'wasmThreadsProbe.ts');
/** Long enough for a start-up on a loaded machine; a probe still running then did not end by itself. */
const EXIT_TIMEOUT_MS = 90_000;

interface ProbeOutput {
  readonly info: { name: string; threads?: number; threadsSkipped?: string; wasmDir?: string };
  readonly results: Record<string, string>;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ntkexp-threads-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function probe(
  options: object,
  how: { env?: Record<string, string>; nodeArgs?: string[]; script?: string } = {},
): { status: number | null; out: string; output?: ProbeOutput } {
  const env: NodeJS.ProcessEnv = { ...process.env, ...how.env };
  if (!how.env || !('NTKEXP_THREADS' in how.env)) delete env.NTKEXP_THREADS;
  delete env.NTKEXP_BACKEND;
  // The wasm builds' own kernels are what these tests compare: the native product (which replaces
  // BatchMatMul, and whose sums depend on its own thread count) stays out.
  env.NTKEXP_BLAS ??= 'none';
  const args = [...(how.nodeArgs ?? ['--import', 'tsx']), how.script ?? PROBE, JSON.stringify(options)];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', timeout: EXIT_TIMEOUT_MS });
  assert.equal(r.signal, null, `the probe did not end by itself within ${EXIT_TIMEOUT_MS / 1000} s (killed by ${r.signal}): a pthread worker keeps it alive\n${r.stderr}`);
  const out = r.stdout.trim();
  return { status: r.status, out: out + (r.status === 0 ? '' : `\n${r.stderr}`), output: r.status === 0 ? (JSON.parse(out) as ProbeOutput) : undefined };
}

function ok(r: ReturnType<typeof probe>): ProbeOutput {
  assert.equal(r.status, 0, r.out);
  return r.output as ProbeOutput;
}

// The single-threaded build's results: the reference of every case.
let singleCache: ProbeOutput | undefined;
function single(): ProbeOutput {
  singleCache ??= ok(probe({ threads: 1 }));
  return singleCache;
}

test('two threads give bitwise the results of the single-threaded build (products of every transpose, gradient, H v, I v, a step), and the process ends by itself', () => {
  const one = single();
  assert.equal(one.info.threads, 1);
  assert.equal(one.info.threadsSkipped, 'one thread requested');
  const two = ok(probe({ threads: 2 }));
  assert.equal(two.info.name, 'wasm');
  assert.equal(two.info.threads, 2, JSON.stringify(two.info));
  assert.equal(two.info.threadsSkipped, undefined);
  assert.match(two.info.wasmDir ?? '', /tfjs-backend-wasm[/\\]wasm-out$/);
  assert.deepEqual(two.results, one.results);
});

test('the thread count: NTKEXP_THREADS, an option over it, the cores by default, and a malformed count is an error', () => {
  const env1 = ok(probe({}, { env: { NTKEXP_THREADS: '1' } }));
  assert.equal(env1.info.threads, 1);
  assert.equal(env1.info.threadsSkipped, 'NTKEXP_THREADS=1');
  assert.deepEqual(env1.results, single().results);
  const env3 = ok(probe({}, { env: { NTKEXP_THREADS: '3' } }));
  assert.equal(env3.info.threads, 3);
  assert.deepEqual(env3.results, single().results);
  const option = ok(probe({ threads: 1 }, { env: { NTKEXP_THREADS: '2' } }));
  assert.equal(option.info.threads, 1, 'the option wins over the environment');
  const cores = os.availableParallelism();
  const byDefault = ok(probe({}));
  assert.equal(byDefault.info.threads, Math.min(cores, MAX_WASM_THREADS));
  if (cores === 1) assert.equal(byDefault.info.threadsSkipped, 'this process may use one core');
  const bad = probe({}, { env: { NTKEXP_THREADS: 'two' } });
  assert.equal(bad.status, 3);
  assert.match(bad.out, /^ERROR NTKEXP_THREADS='two': expected an integer ≥ 1/);
});

/** A folder with the threaded build's files, one of them replaced. */
function brokenDir(name: string, replace: Partial<Record<keyof typeof THREADED_FILES, string>>): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir);
  const source = threadedFilesDir();
  for (const [key, file] of Object.entries(THREADED_FILES) as [keyof typeof THREADED_FILES, string][]) {
    const text = replace[key];
    if (text === undefined) fs.copyFileSync(path.join(source, file), path.join(dir, file));
    else if (text !== '') fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

test('any start-up failure falls back to the single-threaded build with the reason: a missing file, a failing worker, a timeout, no SharedArrayBuffer', () => {
  const cases: { what: string; run: () => ReturnType<typeof probe>; reason: RegExp }[] = [
    {
      what: 'a missing file',
      run: () => probe({ threads: 2, dir: brokenDir('missing', { binary: '' }) }),
      reason: /^the threaded build did not start: cannot find .*tfjs-backend-wasm-threaded-simd\.wasm/,
    },
    {
      what: 'a worker that fails',
      // The main script loads on the main thread and throws in every pthread worker.
      run: () =>
        probe({
          threads: 2,
          dir: brokenDir('worker', {
            main: `if (!require('node:worker_threads').isMainThread) throw new Error('this pthread worker fails by design');\nmodule.exports = require(${JSON.stringify(path.join(threadedFilesDir(), THREADED_FILES.main))});\n`,
          }),
        }),
      reason: /^the threaded build did not start: a pthread worker failed: this pthread worker fails by design/,
    },
    {
      what: 'a timeout',
      run: () => probe({ threads: 2, startTimeoutMs: 1 }),
      reason: /^the threaded build did not start: it did not start within 1 ms/,
    },
    {
      what: 'no SharedArrayBuffer',
      // tsx's ESM hooks need SharedArrayBuffer themselves; its CommonJS hook does not.
      run: () => probe({ threads: 2 }, { nodeArgs: ['--no-harmony-sharedarraybuffer', '--require', 'tsx/cjs'] }),
      reason: /^the threaded build did not start: SharedArrayBuffer is not available in this runtime/,
    },
  ];
  for (const c of cases) {
    const r = ok(c.run());
    assert.equal(r.info.name, 'wasm', c.what);
    assert.equal(r.info.threads, 1, `${c.what}: ${JSON.stringify(r.info)}`);
    assert.match(r.info.threadsSkipped ?? '', c.reason, c.what);
    assert.match(r.info.wasmDir ?? '', /tfjs-backend-wasm[/\\]dist$/, `${c.what}: the single-threaded build's folder`);
    assert.deepEqual(r.results, single().results, `${c.what}: the fallback computes`);
  }
});

test('from an esbuild bundle (as dist/engine.js is built), the threaded files beside it and no node_modules, two threads start and the process ends by itself', async () => {
  const dist = path.join(ROOT, 'dist');
  const shipped = [...Object.values(THREADED_FILES), 'wasmThreadWorker.js', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'];
  for (const f of shipped) assert.ok(fs.existsSync(path.join(dist, f)), `the build copies ${f} into dist/ (run \`npm run build\`)`);
  // Outside the repository: the bundle cannot reach node_modules, only the files the build put beside it.
  const dir = path.join(scratch, 'bundle');
  fs.mkdirSync(dir);
  await esbuild.build({
    entryPoints: [PROBE],
    outfile: path.join(dir, 'probe.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['@tensorflow/tfjs-node'],
    logLevel: 'silent',
  });
  for (const f of shipped) fs.copyFileSync(path.join(dist, f), path.join(dir, f));
  const r = ok(probe({ threads: 2 }, { nodeArgs: [], script: path.join(dir, 'probe.js') }));
  assert.equal(r.info.threads, 2, JSON.stringify(r.info));
  assert.equal(r.info.wasmDir, dir);
  assert.deepEqual(r.results, single().results);
});

test('setWasmThreads re-makes the pool with the count asked, and the results do not change', async () => {
  // The wasm pool alone: with the native product the pool stays single-threaded (backend/index.ts).
  const info = await initBackend('wasm', { threads: 2, nativeGemm: false });
  assert.equal(info.threads, 2, JSON.stringify(info));
  const a = tf.randomNormal([200, 300], 0, 1, 'float32', 3);
  const b = tf.randomNormal([300, 150], 0, 1, 'float32', 4);
  const product = (): Float32Array => tf.tidy(() => tf.matMul(a, b).dataSync() as Float32Array);
  const before = product();
  for (const n of [1, 3, 2]) {
    assert.equal(await setWasmThreads(n), n);
    assert.deepEqual(product(), before, `${n} threads`);
  }
  tf.dispose([a, b]);
});

test('with the native product the wasm backend starts its single-threaded build and the BLAS gets the threads; without it, the threaded build', () => {
  const withBlas = ok(probe({ threads: 2 }, { env: { NTKEXP_BLAS: '' } }));
  const gemm = (withBlas.info as { gemm?: { path: string; threads?: number | null; reason?: string } }).gemm;
  if (gemm?.path !== 'native') {
    console.log(`no native product on this machine (${gemm?.reason}): only the threaded build is checked`);
  } else {
    assert.equal(withBlas.info.threads, 1, JSON.stringify(withBlas.info));
    assert.match(withBlas.info.threadsSkipped ?? '', /native product has the threads/);
    assert.equal(gemm.threads, 2, 'the BLAS runs on the threads asked');
  }
  const without = ok(probe({ threads: 2 }, { env: { NTKEXP_BLAS: 'none' } }));
  assert.equal(without.info.threads, 2, JSON.stringify(without.info));
});
