'use strict';
/**
 * The engine's parent watchdog, run as a worker thread beside the engine's main thread (engineMain.ts
 * starts it). The main thread can be busy for minutes in synchronous work (the theory's kernels, a long
 * Lanczos, the loss surface) and then cannot hear its IPC channel close; this thread can. Every
 * `intervalMs` it checks that the parent is still there (the parent's pid is still our parent's, and
 * signal 0 reaches it) and, when it is not, kills the whole process: there is no one left to report to,
 * and the busy thread cannot be asked to stop.
 *
 * Plain JavaScript with nothing but Node's own modules, because a worker thread is loaded by Node itself:
 * neither tsx (running from source) nor the engine bundle reaches it, and it must not load TensorFlow.js.
 * The build copies it beside the engine bundle (dist/parentWatchdog.js).
 */
const { workerData } = require('node:worker_threads');

const { parentPid, intervalMs } = workerData;

function parentGone() {
  // A process whose parent died is given another (init, or a subreaper): the pid changes.
  if (process.ppid !== parentPid) return true;
  try {
    process.kill(parentPid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists (another user's); only ESRCH says it is gone.
    return error.code === 'ESRCH';
  }
}

setInterval(() => {
  if (parentGone()) process.kill(process.pid, 'SIGKILL');
}, intervalMs);
