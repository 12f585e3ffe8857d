/**
 * How the runner and its engine processes find each other beyond the messages (whose shapes are the
 * contract's: src/contracts/engineMessages.ts).
 */

/** The environment variable through which the runner tells an engine its parent's pid (the engine's watchdog checks it). */
export const PARENT_PID_ENV = 'NTKEXP_PARENT_PID';
