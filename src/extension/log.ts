import * as vscode from 'vscode';
import { notificationText } from './markdown';

/**
 * The extension's LogOutputChannel ("NTK Hessian Explorer"): engine stderr, run lifecycle, warnings.
 * Failures elsewhere offer "Open Log", which shows it. Notifications go through the helpers below,
 * which keep text from workspace files (paths, run errors, names) from turning into links.
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
  const choice = await vscode.window.showErrorMessage(notificationText(message), ...actions, 'Open Log');
  if (choice === 'Open Log') log().show(true);
  return choice;
}

export function showWarning(message: string, ...actions: string[]): Thenable<string | undefined>;
export function showWarning(message: string, options: vscode.MessageOptions, ...actions: string[]): Thenable<string | undefined>;
export function showWarning(message: string, ...rest: (string | vscode.MessageOptions)[]): Thenable<string | undefined> {
  const [options, ...actions] = rest;
  if (typeof options === 'object') return vscode.window.showWarningMessage(notificationText(message), options, ...(actions as string[]));
  return vscode.window.showWarningMessage(notificationText(message), ...(rest as string[]));
}

export function showInformation(message: string, ...actions: string[]): Thenable<string | undefined> {
  return vscode.window.showInformationMessage(notificationText(message), ...actions);
}
