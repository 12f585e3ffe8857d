import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';

// The backend is chosen once per process, so each case runs in a child process.
function withBackend(value: string | undefined, extraEnv: Record<string, string> = {}): { status: number | null; out: string } {
  const script = `
    const { initBackend } = require('./src/engine/backend');
    initBackend().then((b) => { console.log(JSON.stringify(b)); }, (e) => { console.log('ERROR ' + e.message); process.exit(3); });`;
  const env = { ...process.env };
  delete env.NTKEXP_BACKEND;
  delete env.NTKEXP_BLAS;
  if (value !== undefined) env.NTKEXP_BACKEND = value;
  Object.assign(env, extraEnv);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: new URL('../..', import.meta.url).pathname, env, encoding: 'utf8' });
  return { status: r.status, out: r.stdout.trim() };
}

function tfjsNodeInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

test('the best available backend loads: tensorflow where tfjs-node installed, else wasm with the reason', () => {
  const r = withBackend(undefined);
  assert.equal(r.status, 0, r.out);
  const info = JSON.parse(r.out);
  if (tfjsNodeInstalled()) {
    assert.equal(info.name, 'tensorflow');
  } else {
    assert.equal(info.name, 'wasm');
    assert.match(info.wasmDir, /tfjs-backend-wasm/);
    assert.match(info.skipped[0], /^tensorflow: /);
  }
});

test('NTKEXP_BACKEND forces a backend; a missing one is an error that says how to install it', () => {
  const cpu = withBackend('cpu');
  assert.equal(cpu.status, 0);
  assert.equal(JSON.parse(cpu.out).name, 'cpu');
  const tfnode = withBackend('tensorflow');
  if (tfjsNodeInstalled()) {
    assert.equal(JSON.parse(tfnode.out).name, 'tensorflow');
  } else {
    assert.equal(tfnode.status, 3);
    assert.match(tfnode.out, /backend 'tensorflow' is not available .*npm install @tensorflow\/tfjs-node/);
  }
  const bogus = withBackend('gpu');
  assert.equal(bogus.status, 3);
  assert.match(bogus.out, /unknown backend 'gpu', expected one of tensorflow, wasm, cpu/);
});

function koffiInstalled(): boolean {
  try {
    require.resolve('koffi');
    return true;
  } catch {
    return false;
  }
}

/** Whether the dynamic loader knows an OpenBLAS (Linux; CI installs libopenblas0-pthread). */
function openBlasInstalled(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    return /libopenblas\.so\.0\b/.test(execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
}

test('the wasm backend reports its matrix product: native BLAS where koffi and OpenBLAS are installed, else the stock kernel and why', () => {
  const r = withBackend('wasm');
  assert.equal(r.status, 0, r.out);
  const { gemm } = JSON.parse(r.out);
  if (koffiInstalled() && openBlasInstalled()) {
    assert.equal(gemm.path, 'native', JSON.stringify(gemm));
    assert.match(gemm.library, /libopenblas\.so\.0/);
    assert.deepEqual(gemm.kernels, ['BatchMatMul', 'NtkGemm']);
    assert.ok(gemm.selfCheck.products > 0 && gemm.selfCheck.worstRatio <= 1, JSON.stringify(gemm.selfCheck));
  } else {
    assert.equal(gemm.path, 'stock');
    assert.ok(['koffi', 'library'].includes(gemm.cause), JSON.stringify(gemm));
    console.log(`native GEMM not installed here: ${gemm.reason}`);
  }
  const cpu = JSON.parse(withBackend('cpu').out).gemm;
  assert.deepEqual([cpu.path, cpu.cause], ['stock', 'backend']);
  const off = JSON.parse(withBackend('wasm', { NTKEXP_BLAS: 'none' }).out).gemm;
  assert.deepEqual(off, { path: 'stock', cause: 'off', reason: 'turned off by NTKEXP_BLAS=none' });
  const named = JSON.parse(withBackend('wasm', { NTKEXP_BLAS: '/nonexistent/libblas.so' }).out).gemm;
  assert.equal(named.path, 'stock');
  assert.match(named.reason, koffiInstalled() ? /\/nonexistent\/libblas\.so: .*cannot open/ : /koffi is not installed/);
});
