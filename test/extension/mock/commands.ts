import type * as vscode from 'vscode';
import { Disposable, EventEmitter, LogLevel, UIKind } from './core';
import { onReset } from './state';

/**
 * `vscode.commands` (a registry: registering an id twice throws, executing an unknown id rejects, as in
 * VS Code), with a log of every execution; built-in commands the extension may call (`setContext`,
 * `vscode.open`, `revealFileInOS`, …) are accepted and only logged unless a test stubs them. And
 * `vscode.env` (an in-memory clipboard, openExternal logged) and `vscode.extensions`.
 */

export interface ExecutedCommand {
  readonly command: string;
  readonly args: readonly unknown[];
}

/** Built-in ids that resolve to undefined (after being logged) when nothing registered them. */
export const BUILTIN_COMMANDS = new Set([
  'setContext',
  'vscode.open',
  'vscode.openWith',
  'vscode.openFolder',
  'vscode.diff',
  'revealFileInOS',
  'revealInExplorer',
  'editor.action.triggerSuggest',
  'editor.action.formatDocument',
  'editor.action.showHover',
  'workbench.action.openSettings',
  'workbench.action.reloadWindow',
  'workbench.action.closeActiveEditor',
  'workbench.action.files.save',
  'workbench.action.webview.openDeveloperTools',
  'workbench.view.extension.ntkexp',
  'workbench.action.showCommands',
]);

export const commandsState = {
  registry: new Map<string, { callback: (...args: unknown[]) => unknown; thisArg: unknown }>(),
  stubs: new Map<string, (...args: unknown[]) => unknown>(),
  executed: [] as ExecutedCommand[],
  /** `setContext` keys and their last values. */
  context: new Map<string, unknown>(),
  clipboard: '',
  opened: [] as vscode.Uri[],
};

onReset(() => {
  commandsState.registry.clear();
  commandsState.stubs.clear();
  commandsState.executed = [];
  commandsState.context.clear();
  commandsState.clipboard = '';
  commandsState.opened = [];
});

export const commands = {
  registerCommand(command: string, callback: (...args: any[]) => any, thisArg?: unknown): vscode.Disposable {
    if (commandsState.registry.has(command)) throw new Error(`command '${command}' already exists`);
    commandsState.registry.set(command, { callback, thisArg });
    return new Disposable(() => commandsState.registry.delete(command));
  },
  registerTextEditorCommand(command: string, callback: (...args: any[]) => any, thisArg?: unknown): vscode.Disposable {
    return commands.registerCommand(command, (...args) => callback.call(thisArg, ...args), thisArg);
  },
  async executeCommand<T = unknown>(command: string, ...rest: any[]): Promise<T> {
    commandsState.executed.push({ command, args: rest });
    const registered = commandsState.registry.get(command);
    if (registered) return (await registered.callback.apply(registered.thisArg, rest)) as T;
    const stub = commandsState.stubs.get(command);
    if (stub) return (await stub(...rest)) as T;
    if (command === 'setContext') {
      commandsState.context.set(String(rest[0]), rest[1]);
      return undefined as T;
    }
    if (BUILTIN_COMMANDS.has(command)) return undefined as T;
    throw new Error(`command '${command}' not found`);
  },
  async getCommands(_filterInternal?: boolean): Promise<string[]> {
    return [...new Set([...commandsState.registry.keys(), ...commandsState.stubs.keys(), ...BUILTIN_COMMANDS])];
  },
};

export const env = {
  appName: 'Visual Studio Code',
  appRoot: '/usr/share/code/resources/app',
  appHost: 'desktop',
  uriScheme: 'vscode',
  language: 'en',
  machineId: 'mock-machine-id',
  sessionId: 'mock-session-id',
  remoteName: undefined as string | undefined,
  shell: '/bin/bash',
  uiKind: UIKind.Desktop,
  isNewAppInstall: false,
  isTelemetryEnabled: false,
  onDidChangeTelemetryEnabled: new EventEmitter<boolean>().event,
  logLevel: LogLevel.Info,
  onDidChangeLogLevel: new EventEmitter<LogLevel>().event,
  clipboard: {
    readText: async (): Promise<string> => commandsState.clipboard,
    writeText: async (value: string): Promise<void> => {
      commandsState.clipboard = value;
    },
  },
  openExternal: async (target: vscode.Uri): Promise<boolean> => {
    commandsState.opened.push(target);
    return true;
  },
  asExternalUri: async (target: vscode.Uri): Promise<vscode.Uri> => target,
};

export const extensions = {
  all: [] as readonly vscode.Extension<unknown>[],
  getExtension: (_id: string): vscode.Extension<unknown> | undefined => undefined,
  onDidChange: new EventEmitter<void>().event,
};
