/**
 * scripts/prerequisites.mjs: how `npm test` finds the browser and unzip on a fresh machine, installs
 * them where it may, and otherwise stops at once with the command that fixes it. Driven with a PATH of
 * fakes in a temporary folder (no real apt-get runs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findChromium, onPath } from '../../scripts/prerequisites.mjs';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'prerequisites.mjs');

function folder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ntkexp-prereq-'));
}

function fake(dir: string, name: string, body = 'exit 0'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** Runs ensurePrerequisites() in a child with this PATH (and nothing else from the environment but HOME). */
function ensureWith(PATH: string, extra: Record<string, string> = {}): { status: number | null; stderr: string; env?: Record<string, string> } {
  const code = `import(${JSON.stringify(SCRIPT)}).then((m) => { const env = m.ensurePrerequisites(); process.stdout.write(JSON.stringify({ NTKEXP_CHROMIUM: env.NTKEXP_CHROMIUM })); })`;
  const r = spawnSync(process.execPath, ['-e', code], { env: { PATH, HOME: os.tmpdir(), ...extra }, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, ...(r.status === 0 ? { env: JSON.parse(r.stdout) } : {}) };
}

test('the browser: NTKEXP_CHROMIUM when set, else the first usual name on PATH; folders and non-executables do not count', () => {
  const a = folder();
  const b = folder();
  fs.mkdirSync(path.join(a, 'chromium')); // a folder named like the browser
  fs.writeFileSync(path.join(a, 'google-chrome'), 'not executable', { mode: 0o644 });
  assert.match(findChromium({ PATH: a }).problem ?? '', /no Chromium or Chrome on PATH/);
  const chrome = fake(b, 'google-chrome');
  assert.deepEqual(findChromium({ PATH: [a, b].join(path.delimiter) }), { path: chrome });
  const chromium = fake(a, 'chromium-browser');
  assert.deepEqual(findChromium({ PATH: [a, b].join(path.delimiter) }), { path: chromium }, 'the first folder on PATH wins');
  assert.deepEqual(findChromium({ PATH: '', NTKEXP_CHROMIUM: chrome }), { path: chrome });
  assert.match(findChromium({ PATH: b, NTKEXP_CHROMIUM: path.join(a, 'chromium') }).problem ?? '', /NTKEXP_CHROMIUM=.* is not an executable file/);
  assert.equal(onPath(['unzip'], { PATH: a }), undefined);
});

test('everything present: the tests run with NTKEXP_CHROMIUM naming the browser found', () => {
  const bin = folder();
  const browser = fake(bin, 'chromium');
  fake(bin, 'unzip');
  const r = ensureWith(bin);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.env!.NTKEXP_CHROMIUM, browser);
});

test('missing, no package manager: one message naming each missing thing and what to do, exit 1', () => {
  const bin = folder();
  const r = ensureWith(bin);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /a Chromium or Chrome .*: no Chromium or Chrome on PATH/);
  assert.match(r.stderr, /unzip .*: unzip is not on PATH/);
  assert.match(r.stderr, /To fix it: install Chromium or Chrome and set NTKEXP_CHROMIUM=\/path\/to\/the\/browser; install unzip/);
});

test('missing with apt-get: installed as root (update only when the install fails); otherwise the apt-get command to run', () => {
  const bin = folder();
  const calls = path.join(bin, 'calls');
  // A fake apt-get that records its arguments and "installs" by creating the programs asked for.
  fake(bin, 'apt-get', `echo "$@" >> ${calls}\ncase "$1" in install) for p in "$@"; do case "$p" in chromium|unzip) printf '#!/bin/sh\\n' > ${bin}/$p; /bin/chmod +x ${bin}/$p;; esac; done;; esac\nexit 0`);
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const r = ensureWith(bin);
  if (root) {
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /installing Debian packages chromium unzip/);
    assert.deepEqual(fs.readFileSync(calls, 'utf8').trim().split('\n'), ['install -y -qq --no-install-recommends chromium unzip']);
    assert.equal(r.env!.NTKEXP_CHROMIUM, path.join(bin, 'chromium'));
    // An install that fails at first: the package lists are updated once and the install retried.
    const bin2 = folder();
    const calls2 = path.join(bin2, 'calls');
    fake(bin2, 'apt-get', `echo "$@" >> ${calls2}\nexit 1`);
    const failed = ensureWith(bin2);
    assert.equal(failed.status, 1);
    assert.deepEqual(fs.readFileSync(calls2, 'utf8').trim().split('\n'), ['install -y -qq --no-install-recommends chromium unzip', 'update -qq', 'install -y -qq --no-install-recommends chromium unzip']);
    assert.match(failed.stderr, /To fix it: sudo apt-get install -y chromium unzip/);
  } else {
    console.log('not root: the install branch cannot run here; checking the message instead');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /To fix it: sudo apt-get install -y chromium unzip/);
  }
  // A browser named by NTKEXP_CHROMIUM that is missing is not apt's to fix.
  const named = ensureWith(folder() + path.delimiter + bin, { NTKEXP_CHROMIUM: '/nonexistent/chrome' });
  assert.equal(named.status, 1);
  assert.match(named.stderr, /NTKEXP_CHROMIUM=\/nonexistent\/chrome is not an executable file/);
  assert.match(named.stderr, /To fix it: set NTKEXP_CHROMIUM to the path of an installed Chromium or Chrome, or unset it/);
});
