/**
 * The mutable state behind the mocked `vscode` namespaces, in one place so that `vscodeMock.reset()`
 * (control.ts) can return every namespace to a fresh editor between tests. Each namespace module
 * registers a reset hook here; nothing else in the mock keeps module-level state.
 */
export const state = {
  /** Errors thrown by event listeners (VS Code logs them and goes on; so does the mock). */
  listenerErrors: [] as unknown[],
  /** Set to keep listener errors off the console (a test that expects one). */
  quietListenerErrors: false,
};

const resets: (() => void)[] = [];

/** Called once by each namespace module with the function that clears its state. */
export function onReset(reset: () => void): void {
  resets.push(reset);
}

export function resetAll(): void {
  state.listenerErrors = [];
  state.quietListenerErrors = false;
  for (const r of resets) r();
}
