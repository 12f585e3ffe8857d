import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { EventEmitter, ExtensionKind, ExtensionMode, Uri } from './core';

/**
 * An ExtensionContext for tests: `subscriptions` to dispose (see `disposeContext`), the project root
 * as `extensionUri` (so `asAbsolutePath('dist/webview.js')` is the real bundle), in-memory mementos and
 * secrets, storage folders in a fresh temporary directory, and `extensionMode` Test.
 */

export class MockMemento implements vscode.Memento {
  readonly #values = new Map<string, unknown>();
  /** Keys passed to `setKeysForSync` (globalState). */
  syncedKeys: readonly string[] = [];

  keys(): readonly string[] {
    return [...this.#values.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    // Values go through JSON, as VS Code stores them.
    return this.#values.has(key) ? (structuredClone(this.#values.get(key)) as T) : defaultValue;
  }
  update(key: string, value: unknown): Thenable<void> {
    if (value === undefined) this.#values.delete(key);
    else this.#values.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
  setKeysForSync(keys: readonly string[]): void {
    this.syncedKeys = keys;
  }
}

export const PROJECT_ROOT = join(__dirname, '..', '..', '..');

export interface MockExtensionContext extends vscode.ExtensionContext {
  readonly workspaceState: MockMemento;
  readonly globalState: MockMemento;
}

export function createExtensionContext(options: { extensionPath?: string; storageRoot?: string } = {}): MockExtensionContext {
  const extensionPath = options.extensionPath ?? PROJECT_ROOT;
  const extensionUri = Uri.file(extensionPath);
  const storage = options.storageRoot ?? mkdtempSync(join(tmpdir(), 'ntkexp-ext-'));
  const secrets = new Map<string, string>();
  const secretsChanged = new EventEmitter<vscode.SecretStorageChangeEvent>();
  let packageJSON: unknown = {};
  try {
    packageJSON = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8'));
  } catch {
    // an extension path without package.json
  }
  const extension = {
    id: 'ntkexp.ntkexp',
    extensionUri,
    extensionPath,
    isActive: true,
    packageJSON,
    extensionKind: ExtensionKind.Workspace,
    exports: undefined,
    activate: async () => undefined,
  } as vscode.Extension<unknown>;
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    workspaceState: new MockMemento(),
    globalState: new MockMemento(),
    secrets: {
      get: async (key: string) => secrets.get(key),
      store: async (key: string, value: string) => {
        secrets.set(key, value);
        secretsChanged.fire({ key });
      },
      delete: async (key: string) => {
        secrets.delete(key);
        secretsChanged.fire({ key });
      },
      keys: async () => [...secrets.keys()],
      onDidChange: secretsChanged.event,
    },
    extensionUri,
    extensionPath,
    environmentVariableCollection: {} as vscode.GlobalEnvironmentVariableCollection,
    asAbsolutePath: (relativePath: string) => join(extensionPath, relativePath),
    storageUri: Uri.file(join(storage, 'workspace')),
    storagePath: join(storage, 'workspace'),
    globalStorageUri: Uri.file(join(storage, 'global')),
    globalStoragePath: join(storage, 'global'),
    logUri: Uri.file(join(storage, 'log')),
    logPath: join(storage, 'log'),
    extensionMode: ExtensionMode.Test,
    extension,
    languageModelAccessInformation: {} as vscode.LanguageModelAccessInformation,
  };
  return context as unknown as MockExtensionContext;
}

/** What VS Code does on deactivation: dispose every subscription in order; errors are collected and rethrown together. */
export function disposeContext(context: vscode.ExtensionContext): void {
  const errors: unknown[] = [];
  for (const d of context.subscriptions.splice(0)) {
    try {
      d.dispose();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} subscription(s) failed to dispose`);
}
