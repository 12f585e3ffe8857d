import { initBackend, type BackendInfo } from '../../src/engine/backend';

/** The backend the tests run on: wasm unless NTKEXP_BACKEND says otherwise (CI uses the default). */
export function setupBackend(): Promise<BackendInfo> {
  return initBackend();
}
