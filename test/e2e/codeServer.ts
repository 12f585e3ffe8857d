/**
 * A real VS Code for the end-to-end tests: code-server 4.100.3 (VS Code 1.100) from the project's cache
 * (scripts/install-code-server.sh, run here when its marker is missing), the extension packed into a
 * VSIX by scripts/package.mjs and installed into a fresh extensions folder, and one code-server process
 * per instance in its own process group, so that stopping it also ends its extension host and the
 * engine processes a run forked. Every folder an instance writes (user data, logs, config, XDG homes) is
 * under the instance's temporary folder: nothing in the user's home is touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_CACHE = path.join(ROOT, '.cache', 'code-server');
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_CACHE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Settings that keep the workbench quiet and deterministic (no welcome page, tips, updates, git scans). */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.editor.enablePreview': false,
  'workbench.colorTheme': 'Default Light Modern',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'github.gitAuthentication': false,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 300,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'files.autoSave': 'off',
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.untrustedFiles': 'open',
  'ntkexp.workers': 1,
};

/** Run a command to completion with a bound on its time; rejects with its output's tail on failure. */
export function runProcess(command: string, args: readonly string[], options: { cwd?: string; timeoutMs: number; env?: NodeJS.ProcessEnv; echo?: boolean }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const take = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
      if (options.echo) process.stderr.write(chunk);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    const timer = setTimeout(() => {
      killGroup(child.pid, 'SIGKILL');
      reject(new Error(`${path.basename(command)} ${args.join(' ')}: no end after ${options.timeoutMs} ms\n${tail(output, 40)}`));
    }, options.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${path.basename(command)} ${args.join(' ')}: exit ${code ?? signal}\n${tail(output, 40)}`));
    });
  });
}

/** Install code-server into the project's cache unless its marker says it is there (idempotent). */
export async function ensureCodeServer(timeoutMs: number): Promise<void> {
  const marker = path.join(CODE_SERVER_CACHE, `.installed-${CODE_SERVER_VERSION}`);
  if (fs.existsSync(marker) && fs.existsSync(CODE_SERVER_ENTRY)) return;
  console.log(`e2e: code-server ${CODE_SERVER_VERSION} is not in ${CODE_SERVER_CACHE}: running scripts/install-code-server.sh`);
  await runProcess('bash', [path.join(ROOT, 'scripts', 'install-code-server.sh')], { timeoutMs, echo: true });
  if (!fs.existsSync(CODE_SERVER_ENTRY)) throw new Error(`scripts/install-code-server.sh finished but ${CODE_SERVER_ENTRY} is missing`);
}

/** The VSIX, built the way `npm run package` builds it (bundles included). */
export async function buildVsix(file: string, timeoutMs: number): Promise<void> {
  await runProcess(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs'), file], { timeoutMs });
  if (!fs.existsSync(file)) throw new Error(`scripts/package.mjs did not write ${file}`);
}

/** The environment of a code-server instance: no test-runner, tsx or outer-VS-Code variables. */
function instanceEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('NODE_TEST') || k === 'NODE_OPTIONS' || k.startsWith('VSCODE_') || k.startsWith('CODE_SERVER') || k === 'NTKEXP_BACKEND') continue;
    env[k] = v;
  }
  for (const [k, dir] of [['XDG_CONFIG_HOME', 'config'], ['XDG_DATA_HOME', 'data'], ['XDG_CACHE_HOME', 'cache']] as const) {
    env[k] = path.join(home, dir);
    fs.mkdirSync(env[k] as string, { recursive: true });
  }
  return env;
}

export async function installExtension(vsix: string, extensionsDir: string, userDataDir: string, timeoutMs: number): Promise<void> {
  fs.mkdirSync(extensionsDir, { recursive: true });
  const out = await runProcess(process.execPath, [CODE_SERVER_ENTRY, '--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir], {
    timeoutMs,
    env: instanceEnv(path.dirname(userDataDir)),
  });
  if (!/successfully installed/i.test(out)) throw new Error(`the VSIX was not installed:\n${tail(out, 20)}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Every running instance, so that an exit of the test process (even on a signal) still stops them. */
const live = new Set<ChildProcess>();
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
process.on('exit', () => {
  for (const c of live) killGroup(c.pid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const c of live) killGroup(c.pid, 'SIGKILL');
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

export interface CodeServerOptions {
  /** Temporary folder of this instance: user data, config and XDG homes go below it. */
  home: string;
  extensionsDir: string;
  folder: string;
  settings: Record<string, unknown>;
}

export class CodeServer {
  private readonly output: string[] = [];
  private exited: Promise<void>;

  private constructor(
    readonly proc: ChildProcess,
    readonly port: number,
    readonly userDataDir: string,
    readonly folder: string,
  ) {
    live.add(proc);
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const take = (chunk: Buffer): void => {
      this.output.push(...chunk.toString().split('\n').filter((l) => l.trim() !== ''));
      if (this.output.length > 400) this.output.splice(0, this.output.length - 200);
    };
    proc.stdout?.on('data', take);
    proc.stderr?.on('data', take);
  }

  /** Start an instance on a free port and wait until it listens. */
  static async start(options: CodeServerOptions, timeoutMs = 60_000): Promise<CodeServer> {
    const userDataDir = path.join(options.home, 'user-data');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(options.settings, null, 2));
    const port = await freePort();
    const args = [
      CODE_SERVER_ENTRY,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--config',
      path.join(options.home, 'config.yaml'),
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      options.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      options.folder,
    ];
    const proc = spawn(process.execPath, args, { cwd: options.home, env: instanceEnv(options.home), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const server = new CodeServer(proc, port, userDataDir, options.folder);
    const end = Date.now() + timeoutMs;
    while (!server.output.some((l) => l.includes('HTTP server listening'))) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`code-server exited (${proc.exitCode ?? proc.signalCode}) before listening:\n${server.outputTail(30)}`);
      if (Date.now() > end) {
        await server.stop();
        throw new Error(`code-server did not listen within ${timeoutMs} ms:\n${server.outputTail(30)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return server;
  }

  /** The workbench on the instance's folder. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.folder)}`;
  }

  outputTail(lines: number): string {
    return this.output.slice(-lines).join('\n');
  }

  /** Stop the whole process group (code-server, its extension hosts, the engines they forked). */
  async stop(): Promise<void> {
    if (!live.has(this.proc)) return;
    killGroup(this.proc.pid, 'SIGTERM');
    const gone = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
    // Whatever is left of the group (a child that ignored SIGTERM) is killed outright.
    killGroup(this.proc.pid, 'SIGKILL');
    if (!gone) await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5_000))]);
    live.delete(this.proc);
  }

  /** Processes still in the instance's process group whose command line matches (from /proc). */
  groupProcesses(match: RegExp): string[] {
    const pgid = this.proc.pid;
    const found: string[] = [];
    if (!pgid || !fs.existsSync('/proc')) return found;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        // pid (comm) state ppid pgrp …: comm may hold spaces, so split after its closing parenthesis.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) !== pgid) continue;
        const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        if (match.test(cmd)) found.push(`${entry}: ${cmd.slice(0, 200)}`);
      } catch {
        // the process ended while we looked
      }
    }
    return found;
  }

  /** The newest log files of this instance whose path matches, newest last. */
  logFiles(match: RegExp): string[] {
    const root = path.join(this.userDataDir, 'logs');
    const files: string[] = [];
    const walk = (dir: string): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (match.test(p)) files.push(p);
      }
    };
    walk(root);
    return files.sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
  }

  /** The extension host logs and the extension's own output channel, last lines of each. */
  diagnostics(lines = 40): string {
    const parts: string[] = [`--- code-server output (last ${lines} lines) ---`, this.outputTail(lines)];
    for (const file of [...this.logFiles(/exthost\d*[/\\]remoteexthost\.log$/).slice(-2), ...this.logFiles(/NTK Hessian Explorer\.log$/).slice(-2)]) {
      parts.push(`--- ${path.relative(this.userDataDir, file)} (last ${lines} lines) ---`, tail(readText(file), lines));
    }
    return parts.join('\n');
  }

  /** Every line of the extension's output channel ("NTK Hessian Explorer") over all extension hosts. */
  extensionLog(): string[] {
    return this.logFiles(/NTK Hessian Explorer\.log$/).flatMap((f) => readText(f).split('\n').filter((l) => l.trim() !== ''));
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}
