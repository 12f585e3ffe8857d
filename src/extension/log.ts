import * as vscode from 'vscode';

/**
 * The extension's LogOutputChannel ("NTK Hessian Explorer"): engine stderr, run lifecycle, warnings.
 * Failures elsewhere offer "Open Log", which shows it.
 */
let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('NTK Hessian Explorer', { log: true });
  return channel;
}

export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}

/** An error message with "Open Log" (and any other actions); resolves to the action chosen. */
export async function showError(message: string, ...actions: string[]): Promise<string | undefined> {
  const choice = await vscode.window.showErrorMessage(message, ...actions, 'Open Log');
  if (choice === 'Open Log') log().show(true);
  return choice;
}
