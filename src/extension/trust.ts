import * as vscode from 'vscode';

/**
 * Workspace Trust: running an experiment starts processes and reads the data files an experiment
 * names, so it needs a trusted workspace (package.json declares `untrustedWorkspaces: limited`).
 * Language features and opening results stay available in Restricted Mode. Every command that starts
 * work calls this first, whatever invoked it (palette, CodeLens, tree, another extension).
 */
export const RESTRICTED_MESSAGE =
  'Running experiments is disabled in Restricted Mode: it starts background processes and reads the data files an experiment names. Trust this workspace to run; checking, completion and opening results work without it.';

export async function requireTrust(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(RESTRICTED_MESSAGE, 'Manage Workspace Trust');
  if (choice === 'Manage Workspace Trust') await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
