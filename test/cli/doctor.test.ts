import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ntkexp } from '../helpers/cli';
import type { PathAdvice } from '../../src/engine/backend/advice';

// `ntkexp doctor` starts the backend in its own process as an engine would; each case sets the
// environment that selects a path and checks what it reports against what it started.
interface Doctor {
  readonly path: string;
  readonly threads: number;
  readonly summary: string;
  readonly backend: { name: string; threads?: number; threadsSkipped?: string; gemm: { path: string; cause?: string; reason?: string }; elementwise: { kernels: string[]; reasons: string[] } };
  readonly unused: PathAdvice[];
}

// A clean environment for the paths: no variable of the caller's shell decides a case.
const CLEAN = { NTKEXP_BACKEND: '', NTKEXP_BLAS: '', NTKEXP_THREADS: '', NTKEXP_SIMD: '' };

function doctor(args: string[] = [], env: Record<string, string> = {}): Doctor {
  const r = ntkexp(['doctor', '--json', ...args], { env: { ...CLEAN, ...env }, timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Doctor;
}

const advice = (d: Doctor, path: string): PathAdvice | undefined => d.unused.find((u) => u.path === path);

test('doctor: the default path is what the backend started, and a path in use is never listed as unused', () => {
  const d = doctor();
  assert.ok(['native', 'wasm_threads', 'wasm1', 'tensorflow', 'cpu'].includes(d.path), d.path);
  if (d.backend.gemm.path === 'native') {
    assert.equal(d.path, 'native');
    assert.equal(advice(d, 'native'), undefined);
    assert.equal(advice(d, 'wasm_threads'), undefined, 'one wasm thread beside the native product is the choice, not a path missed');
  } else {
    console.log(`no native product here (${d.backend.gemm.reason}): the unused native path must say why`);
    assert.ok(advice(d, 'native')?.why);
  }
  if (d.backend.name !== 'tensorflow') assert.match(advice(d, 'tensorflow')?.enable ?? '', /npm install @tensorflow\/tfjs-node/);
  const text = ntkexp(['doctor'], { env: CLEAN, timeout: 120_000 });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^path +${d.path} `, 'm'));
  assert.match(text.stdout, /^product /m);
});

test('doctor: NTKEXP_BLAS=none is the stock product, and the native path says how to turn it back on', () => {
  const d = doctor([], { NTKEXP_BLAS: 'none' });
  assert.equal(d.backend.gemm.path, 'stock');
  assert.ok(d.path === 'wasm_threads' || d.path === 'wasm1', d.path);
  assert.match(advice(d, 'native')?.enable ?? '', /unset NTKEXP_BLAS/);
  const text = ntkexp(['doctor'], { env: { ...CLEAN, NTKEXP_BLAS: 'none' }, timeout: 120_000 });
  assert.match(text.stdout, /native: turned off by NTKEXP_BLAS=none\n +to enable: unset NTKEXP_BLAS/);
});

test('doctor: one wasm thread without the native product is a path unused, with the remedy for who asked for it', () => {
  const byFlag = doctor(['--threads', '1'], { NTKEXP_BLAS: 'none' });
  assert.equal(byFlag.path, 'wasm1');
  assert.equal(byFlag.threads, 1);
  assert.match(advice(byFlag, 'wasm_threads')?.enable ?? '', /--threads N/);
  const byEnv = doctor([], { NTKEXP_BLAS: 'none', NTKEXP_THREADS: '1' });
  assert.equal(byEnv.path, 'wasm1');
  assert.match(advice(byEnv, 'wasm_threads')?.enable ?? '', /unset NTKEXP_THREADS/);
});

test('doctor: a named library that is not there is the stock product, with the path in the reason and how to install one', () => {
  const d = doctor([], { NTKEXP_BLAS: '/nonexistent/libopenblas.so' });
  assert.equal(d.backend.gemm.path, 'stock');
  const native = advice(d, 'native');
  assert.match(native?.why ?? '', /\/nonexistent\/libopenblas\.so/);
  assert.match(native?.enable ?? '', /NTKEXP_BLAS=\/path/);
});

test('doctor: a backend with its own product has no native path to miss; NTKEXP_SIMD=0 lists the SIMD kernels as unused', () => {
  const cpu = doctor(['--backend', 'cpu']);
  assert.equal(cpu.path, 'cpu');
  assert.equal(advice(cpu, 'native'), undefined);
  const noSimd = doctor([], { NTKEXP_SIMD: '0' });
  assert.deepEqual(noSimd.backend.elementwise.kernels, []);
  assert.match(advice(noSimd, 'simd')?.why ?? '', /NTKEXP_SIMD=0/);
});

test('doctor: bad arguments are usage errors (exit 2) that say what is allowed', () => {
  for (const args of [['--threads', '0'], ['--threads', 'two'], ['--backend', 'gpu'], ['extra']]) {
    const r = ntkexp(['doctor', ...args], { env: CLEAN });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /doctor/);
  }
});
