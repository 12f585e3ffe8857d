import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as os from 'node:os';
import { join } from 'node:path';
import { isRunning } from './procs';

/**
 * A real single-node Slurm cluster on this machine for the rehearsal of docs/CLUSTER.md: munged with
 * its own key and socket, slurmctld and slurmd on localhost at free ports, a generated slurm.conf,
 * every file under one folder; nothing of the system's own configuration is read or changed. `stop`
 * shuts them down and kills what is left (the test calls it in a finally, and at exit).
 */
export interface SlurmCluster {
  readonly dir: string;
  /** The environment Slurm's commands need (SLURM_CONF), over this process's. */
  readonly env: NodeJS.ProcessEnv;
  /** `sbatch --parsable ARGS`: the job id. */
  sbatch(args: readonly string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): string;
  /** A Slurm command's stdout; throws with its stderr when it fails. */
  command(name: string, args: readonly string[]): string;
  /** Each task's state by array index (one entry, index -1, for a job that is not an array). */
  states(job: string): Map<number, string>;
  /** Wait until every task of the jobs has ended (any state but pending, running, completing). */
  waitEnded(jobs: readonly string[], timeoutMs: number): Promise<void>;
  stop(): void;
}

const DAEMONS = ['munged', 'slurmctld', 'slurmd'] as const;
const ACTIVE = new Set(['PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING', 'SUSPENDED', 'REQUEUED', 'RESIZING']);

/** Why a cluster cannot be started here, or undefined. CI installs slurm-wlm and munge (scripts/ci-packages.txt) and runs as root. */
export function slurmUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not running as root: slurmd runs jobs as their users and must be root (CI runs as root)';
  for (const tool of [...DAEMONS, 'sbatch', 'scontrol', 'scancel']) {
    const found = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(join(d, tool)));
    if (!found) return `${tool} is not installed (Debian: apt-get install slurm-wlm munge)`;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSlurm(dir: string, options: { cpus?: number; memoryMb?: number } = {}): Promise<SlurmCluster> {
  for (const sub of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, sub), { recursive: true });
  // munged wants its key private and its socket's folder reachable.
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'munge'), 0o755);
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = join(dir, 'munge', 'socket');
  const host = os.hostname().split('.')[0];
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const cpus = options.cpus ?? os.availableParallelism();
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=rehearsal',
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      'SlurmUser=root',
      'SlurmdUser=root',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      // No cgroups in a container: processes are tracked by parentage, tasks are not confined.
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'SchedulerType=sched/builtin',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core_Memory',
      'ReturnToService=2',
      'MpiDefault=none',
      'SwitchType=switch/none',
      // A cancelled task's processes get SIGTERM, then SIGKILL this many seconds later (the default, 30).
      'KillWait=30',
      // Keep ended jobs visible to scontrol long enough to read their states.
      'MinJobAge=600',
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${options.memoryMb ?? 8000} State=UNKNOWN`,
      'PartitionName=rehearsal Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: conf };
  const run = (cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: opts.env ?? env, cwd: opts.cwd, timeout: 30_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr || r.error?.message || '').trim()}`);
    return r.stdout;
  };
  const pidOf = (name: string): number | undefined => {
    const file = join(dir, name === 'munged' ? 'munge/munged.pid' : `${name}.pid`);
    try {
      return Number(readFileSync(file, 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  };
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    spawnSync('scontrol', ['shutdown'], { env, timeout: 10_000 });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && ['slurmctld', 'slurmd'].some((d) => isAlive(pidOf(d)))) spawnSync('sleep', ['0.2']);
    for (const d of ['slurmctld', 'slurmd', 'munged']) {
      const pid = pidOf(d);
      if (isAlive(pid)) process.kill(pid!, 'SIGKILL');
    }
  };
  process.on('exit', stop);
  try {
    run('munged', ['--force', `--socket=${socket}`, `--key-file=${key}`, `--log-file=${join(dir, 'log', 'munged.log')}`, `--pid-file=${join(dir, 'munge', 'munged.pid')}`, `--seed-file=${join(dir, 'munge', 'seed')}`]);
    run('slurmctld', ['-i']);
    run('slurmd', ['-N', host]);
    // The node registers within a few seconds.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = spawnSync('sinfo', ['-h', '-N', '-o', '%T'], { encoding: 'utf8', env }).stdout.trim();
      if (state === 'idle') break;
      if (Date.now() > deadline) throw new Error(`the node did not come up (state ${JSON.stringify(state)}); see ${join(dir, 'log')}`);
      await sleep(300);
    }
  } catch (e) {
    stop();
    throw e;
  }
  const states = (job: string): Map<number, string> => {
    const out = new Map<number, string>();
    for (const line of run('scontrol', ['-o', 'show', 'job', job]).split('\n')) {
      const state = /JobState=(\S+)/.exec(line)?.[1];
      if (!state) continue;
      const task = /ArrayTaskId=(\d+)/.exec(line)?.[1];
      out.set(task === undefined ? -1 : Number(task), state);
    }
    return out;
  };
  return {
    dir,
    env,
    sbatch: (args, opts = {}) => run('sbatch', ['--parsable', ...args], { cwd: opts.cwd, env: { ...env, ...opts.env } }).trim().split(';')[0],
    command: (name, args) => run(name, args),
    states,
    async waitEnded(jobs, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const all = jobs.flatMap((j) => [...states(j).values()]);
        if (all.length > 0 && all.every((s) => !ACTIVE.has(s))) return;
        if (Date.now() > deadline) throw new Error(`jobs ${jobs.join(', ')} still ${all.join(', ')} after ${timeoutMs / 1000} s`);
        await sleep(500);
      }
    },
    stop,
  };
}

function isAlive(pid: number | undefined): boolean {
  return pid !== undefined && isRunning(pid);
}
