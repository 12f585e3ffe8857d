import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

// The backend is chosen once per process, so each case runs in a child process.
function withBackend(value: string | undefined): { status: number | null; out: string } {
  const script = `
    const { initBackend } = require('./src/engine/backend/index.ts');
    initBackend().then((b) => { console.log(JSON.stringify(b)); }, (e) => { console.log('ERROR ' + e.message); process.exit(3); });`;
  const env = { ...process.env };
  delete env.NTKEXP_BACKEND;
  if (value !== undefined) env.NTKEXP_BACKEND = value;
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
