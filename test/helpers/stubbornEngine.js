'use strict';
// A stand-in for an engine that nothing but SIGKILL stops: it ignores a closed IPC channel, SIGTERM and
// SIGINT, and has no watchdog. For tests of what the runner itself does to its engines. It answers a
// trial task with a `started` message (with its pid) and then sits.
process.on('disconnect', () => undefined);
process.on('SIGTERM', () => undefined);
process.on('SIGINT', () => undefined);
process.on('message', (m) => {
  if (m && m.type === 'trial') process.send({ type: 'started', run: m.run, trial: m.trial, backend: 'stub', pid: process.pid, parameters: 1, samples: 1, outputs: 1 });
});
setInterval(() => undefined, 1000);
