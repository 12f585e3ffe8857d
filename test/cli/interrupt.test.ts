/**
 * The CLI's interrupt rule (src/cli/io.ts): a first Ctrl-C or SIGTERM asks the run to stop; a second
 * quits at once with 130 — also when it arrives while the stopped run winds down, after the caller has
 * unsubscribed (the race the engine-lifetime test hit under load: the process died by the signal).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const IO = path.join(__dirname, '..', '..', 'src', 'cli', 'io.ts');

function child(script: string): Promise<{ code: number | null; signal: string | null; out: string }> {
  const p = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => (out += String(d)));
  p.stderr.on('data', (d) => (out += String(d)));
  return new Promise((resolve) => p.on('exit', (code, signal) => resolve({ code, signal, out })));
}

test('a second SIGTERM after the run was stopped and the handler unsubscribed still exits 130', async () => {
  const r = await child(`
    const { nodeIO } = require(${JSON.stringify(IO)});
    const stop = nodeIO.onInterrupt(() => console.log('stopping'), () => console.log('forced'));
    process.kill(process.pid, 'SIGTERM');
    setTimeout(() => {
      stop(); // the run finished after the first stop
      process.kill(process.pid, 'SIGTERM');
      setTimeout(() => console.log('still alive'), 2000);
    }, 200);
  `);
  assert.equal(r.signal, null, r.out);
  assert.equal(r.code, 130, r.out);
  assert.match(r.out, /stopping[\s\S]*forced/);
  assert.doesNotMatch(r.out, /still alive/);
});

test('without an interrupt, unsubscribing restores the default: SIGTERM ends the process by the signal', async () => {
  const r = await child(`
    const { nodeIO } = require(${JSON.stringify(IO)});
    const stop = nodeIO.onInterrupt(() => console.log('stopping'));
    stop();
    process.kill(process.pid, 'SIGTERM');
    setTimeout(() => console.log('still alive'), 2000);
  `);
  assert.equal(r.signal, 'SIGTERM', r.out);
  assert.doesNotMatch(r.out, /stopping|still alive/);
});
