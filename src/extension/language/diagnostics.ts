import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, isNtkexp, toDiagnostic } from './convert';
import type { ParsedDocuments } from './documents';

/**
 * Diagnostics as you type: the diagnostics of `ntkexp check` (same codes, ranges and messages) for
 * every open `.ntkexp` document, published at once when a document opens and `ntkexp.diagnosticsDelay`
 * ms after the last change while typing; removed when the document closes.
 */
export const DEFAULT_DIAGNOSTICS_DELAY = 250;

export function diagnosticsDelay(scope?: vscode.Uri): number {
  const value = vscode.workspace.getConfiguration('ntkexp', scope).get<number>('diagnosticsDelay', DEFAULT_DIAGNOSTICS_DELAY);
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : DEFAULT_DIAGNOSTICS_DELAY;
}

export class DiagnosticsPublisher implements vscode.Disposable {
  readonly collection: vscode.DiagnosticCollection;
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #subscriptions: vscode.Disposable[] = [];

  constructor(private readonly documents: ParsedDocuments) {
    this.collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
    this.#subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.publishNow(d)),
      // A save or an undo to the saved state changes only the dirty flag: no content changes, nothing to check.
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
    for (const d of vscode.workspace.textDocuments) this.publishNow(d);
  }

  /** Check the document now (cancelling a pending check). */
  publishNow(document: vscode.TextDocument): void {
    if (!isNtkexp(document) || document.isClosed) return;
    this.#cancel(document.uri);
    this.collection.set(document.uri, this.documents.get(document).diagnostics().map(toDiagnostic));
  }

  /** Check the document once it has been quiet for `ntkexp.diagnosticsDelay` ms. */
  schedule(document: vscode.TextDocument): void {
    if (!isNtkexp(document)) return;
    this.#cancel(document.uri);
    const key = document.uri.toString();
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.publishNow(document);
    }, diagnosticsDelay(document.uri));
    this.#timers.set(key, timer);
  }

  forget(uri: vscode.Uri): void {
    this.#cancel(uri);
    this.collection.delete(uri);
  }

  #cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const timer = this.#timers.get(key);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.#timers.delete(key);
    }
  }

  dispose(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    for (const s of this.#subscriptions.splice(0)) s.dispose();
  }
}
