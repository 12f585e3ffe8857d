import Module from 'node:module';
import { join } from 'node:path';

/**
 * Makes `require('vscode')` resolve to the mock (vscode.ts beside this file). Import this module first
 * in every extension test, before anything that imports `vscode`: the tests run as CommonJS through
 * tsx, so `import * as vscode from 'vscode'` in src/extension/ becomes a `require` that this hook
 * answers. Installing twice is harmless.
 */
const MOCK = join(__dirname, 'vscode.ts');
const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string; __vscodeMockInstalled?: boolean };

if (!resolver.__vscodeMockInstalled) {
  const original = resolver._resolveFilename;
  resolver._resolveFilename = function resolveFilename(this: unknown, request: string, ...rest: unknown[]): string {
    return request === 'vscode' ? MOCK : original.call(this, request, ...rest);
  };
  resolver.__vscodeMockInstalled = true;
}
