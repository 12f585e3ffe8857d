// What the tests need from the system besides Node and npm, found or installed before any test runs,
// so that `npm test` passes on a fresh machine by itself or stops at once with the one command that
// fixes it (never with a wall of browser-launch failures):
//  - a Chromium or Chrome for the browser and end-to-end tests: $NTKEXP_CHROMIUM if set, else the first
//    of the usual names on PATH;
//  - unzip, with which the end-to-end suite lists the packed VSIX.
// Where something is missing and this process may install Debian packages (root, apt-get present), it
// installs them (apt-get update only if the install needs it); elsewhere it says what to run. The
// packages are those of scripts/ci-packages.txt, which .ci/run installs up front.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const BROWSER_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

/** An executable regular file at `file`, or false. */
function executable(file) {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of `names` on PATH, or undefined. */
export function onPath(names, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const file = join(dir, name);
      if (executable(file)) return file;
    }
  }
  return undefined;
}

/**
 * The browser the tests drive: { path } or { problem } (a set $NTKEXP_CHROMIUM that is not an
 * executable file is a problem, not a reason to look elsewhere).
 */
export function findChromium(env = process.env) {
  const named = env.NTKEXP_CHROMIUM;
  if (named) return executable(named) ? { path: named } : { problem: `NTKEXP_CHROMIUM=${named} is not an executable file` };
  const found = onPath(BROWSER_NAMES, env);
  return found ? { path: found } : { problem: `no Chromium or Chrome on PATH (looked for ${BROWSER_NAMES.join(', ')})` };
}

const REQUIREMENTS = [
  { what: 'a Chromium or Chrome (browser and end-to-end tests)', debian: 'chromium', find: () => findChromium(), elsewhere: 'install Chromium or Chrome and set NTKEXP_CHROMIUM=/path/to/the/browser' },
  { what: 'unzip (the end-to-end suite lists the VSIX)', debian: 'unzip', find: () => {
      const path = onPath(['unzip']);
      return path ? { path } : { problem: 'unzip is not on PATH' };
    }, elsewhere: 'install unzip' },
];

function missing() {
  return REQUIREMENTS.map((r) => ({ ...r, found: r.find() })).filter((r) => !r.found.path);
}

function mayInstall() {
  return typeof process.getuid === 'function' && process.getuid() === 0 && onPath(['apt-get']) !== undefined;
}

function aptInstall(packages) {
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  if (install()) return true;
  console.error('prerequisites: apt-get install failed; updating the package lists and trying again');
  // Even if the update fails (no network), the retry's own message says more than this one would.
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  return install();
}

/**
 * Finds (or installs) everything; returns the environment the tests should run with (NTKEXP_CHROMIUM
 * set to the browser found), or exits the process with the command that fixes what is missing.
 */
export function ensurePrerequisites() {
  let absent = missing();
  // A browser named by NTKEXP_CHROMIUM that is not there is the person's to fix, not apt's.
  const misnamed = absent.find((r) => r.debian === 'chromium' && process.env.NTKEXP_CHROMIUM);
  if (absent.length > 0 && !misnamed && mayInstall()) {
    const packages = absent.map((r) => r.debian);
    console.error(`prerequisites: installing Debian packages ${packages.join(' ')} (${absent.map((r) => r.what).join('; ')})`);
    if (aptInstall(packages)) absent = missing();
  }
  if (absent.length > 0) {
    const apt = onPath(['apt-get']) !== undefined;
    const lines = absent.map((r) => `  - ${r.what}: ${r.found.problem}`);
    const fix = misnamed
      ? 'set NTKEXP_CHROMIUM to the path of an installed Chromium or Chrome, or unset it'
      : apt
        ? `sudo apt-get install -y ${absent.map((r) => r.debian).join(' ')}`
        : absent.map((r) => r.elsewhere).join('; ');
    console.error(`The tests need what this machine lacks:\n${lines.join('\n')}\nTo fix it: ${fix}`);
    process.exit(1);
  }
  return { ...process.env, NTKEXP_CHROMIUM: findChromium().path };
}
