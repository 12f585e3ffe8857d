import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * Processes as Linux shows them in /proc, for tests that check what a kill leaves running: the
 * children of a process, their CPU time (to know an engine is deep in its work, whatever the machine's
 * load), and whether one is gone (a zombie counts as gone: it runs nothing, and PID 1 in a container
 * may never reap it).
 */
export function procUnavailable(): string | undefined {
  return process.platform === 'linux' && existsSync('/proc/self/stat') ? undefined : `no /proc on ${process.platform}: cannot see the engine processes`;
}

/** The fields of /proc/PID/stat after the command name (field 3, the state, is index 0), or undefined when gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Running (not gone, not a zombie). */
export function isRunning(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** Direct children of `pid` that are running. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(Number(name));
    if (fields && Number(fields[1]) === pid && fields[0] !== 'Z') out.push(Number(name));
  }
  return out;
}

/** The command line of a process ('' when gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** User + system CPU time of a process, in seconds (0 when gone). */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
  return fields ? (Number(fields[11]) + Number(fields[12])) / 100 : 0;
}

/** Poll `predicate` until it holds; throw naming `what` after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
