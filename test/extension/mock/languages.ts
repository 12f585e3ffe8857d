import type * as vscode from 'vscode';
import { Disposable, EventEmitter, Uri } from './core';
import { MockTextDocument } from './document';
import { matchesGlob } from './glob';
import { onReset } from './state';
import { closeDocument, openDocument } from './workspace';

/**
 * `vscode.languages`: diagnostic collections (merged by `getDiagnostics`), document-selector matching
 * with VS Code's scores, and every `register*Provider` capturing its provider in `registrations`, so a
 * test can find the providers for a document (`providersFor`) and call them (control.ts wraps the usual
 * ones).
 */

export type ProviderKind =
  | 'completion'
  | 'hover'
  | 'documentSymbol'
  | 'documentFormatting'
  | 'documentRangeFormatting'
  | 'onTypeFormatting'
  | 'definition'
  | 'references'
  | 'codeActions'
  | 'codeLens'
  | 'foldingRange'
  | 'rename'
  | 'signatureHelp'
  | 'documentLink'
  | 'documentHighlight'
  | 'inlayHints'
  | 'selectionRange'
  | 'documentSemanticTokens'
  | 'workspaceSymbol'
  | 'typeDefinition'
  | 'implementation'
  | 'color';

export interface Registration {
  readonly kind: ProviderKind;
  readonly selector: vscode.DocumentSelector | undefined;
  readonly provider: any;
  /** Trigger characters, metadata, legends: the register call's remaining arguments. */
  readonly extra: readonly unknown[];
  disposed: boolean;
}

export const languagesState = {
  registrations: [] as Registration[],
  collections: new Set<MockDiagnosticCollection>(),
  languageIds: new Set(['plaintext', 'ntkexp', 'json', 'jsonl', 'typescript', 'javascript', 'markdown', 'csv', 'html']),
  diagnosticsChanged: new EventEmitter<vscode.DiagnosticChangeEvent>(),
};

onReset(() => {
  languagesState.registrations = [];
  languagesState.collections.clear();
  languagesState.diagnosticsChanged.dispose();
  languagesState.diagnosticsChanged = new EventEmitter();
});

export class MockDiagnosticCollection implements vscode.DiagnosticCollection {
  #entries = new Map<string, { uri: vscode.Uri; diagnostics: readonly vscode.Diagnostic[] }>();
  #disposed = false;

  constructor(readonly name: string) {}

  #changed(uris: vscode.Uri[]): void {
    if (uris.length > 0) languagesState.diagnosticsChanged.fire({ uris });
  }
  #check(): void {
    if (this.#disposed) throw new Error('DiagnosticCollection has been disposed');
  }

  set(uriOrEntries: vscode.Uri | readonly [vscode.Uri, readonly vscode.Diagnostic[] | undefined][], diagnostics?: readonly vscode.Diagnostic[] | undefined): void {
    this.#check();
    if (uriOrEntries instanceof Uri) {
      if (!diagnostics || diagnostics.length === 0) this.#entries.delete(uriOrEntries.toString());
      else this.#entries.set(uriOrEntries.toString(), { uri: uriOrEntries, diagnostics: [...diagnostics] });
      this.#changed([uriOrEntries]);
      return;
    }
    const entries = uriOrEntries as readonly [vscode.Uri, readonly vscode.Diagnostic[] | undefined][];
    // Tuples of one uri merge; `undefined` drops what came before it (vscode.d.ts, DiagnosticCollection.set).
    const merged = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    for (const [uri, ds] of entries) {
      const entry = merged.get(uri.toString()) ?? { uri, diagnostics: [] };
      if (!ds) entry.diagnostics = [];
      else entry.diagnostics.push(...ds);
      merged.set(uri.toString(), entry);
    }
    for (const [key, entry] of merged) {
      if (entry.diagnostics.length === 0) this.#entries.delete(key);
      else this.#entries.set(key, entry);
    }
    this.#changed(entries.map(([u]) => u));
  }
  delete(uri: vscode.Uri): void {
    this.#check();
    if (this.#entries.delete(uri.toString())) this.#changed([uri]);
  }
  clear(): void {
    this.#check();
    const uris = [...this.#entries.values()].map((e) => e.uri);
    this.#entries.clear();
    this.#changed(uris);
  }
  forEach(callback: (uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[], collection: vscode.DiagnosticCollection) => unknown, thisArg?: unknown): void {
    for (const e of this.#entries.values()) callback.call(thisArg, e.uri, e.diagnostics, this);
  }
  get(uri: vscode.Uri): readonly vscode.Diagnostic[] | undefined {
    return this.#entries.get(uri.toString())?.diagnostics;
  }
  has(uri: vscode.Uri): boolean {
    return this.#entries.has(uri.toString());
  }
  *[Symbol.iterator](): IterableIterator<[uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[]]> {
    for (const e of this.#entries.values()) yield [e.uri, e.diagnostics];
  }
  get isDisposed(): boolean {
    return this.#disposed;
  }
  dispose(): void {
    if (this.#disposed) return;
    this.clear();
    this.#disposed = true;
    languagesState.collections.delete(this);
  }
}

/** VS Code's score of a selector for a document: 10 exact language or pattern, 5 wildcard, 0 no match (languages.match). */
export function match(selector: vscode.DocumentSelector, document: vscode.TextDocument): number {
  if (Array.isArray(selector)) return Math.max(0, ...selector.map((s) => match(s as vscode.DocumentSelector, document)));
  if (typeof selector === 'string') return selector === '*' ? 5 : selector === document.languageId ? 10 : 0;
  const f = selector as vscode.DocumentFilter;
  let score = 0;
  if (f.language) {
    if (f.language === document.languageId) score = 10;
    else if (f.language === '*') score = 5;
    else return 0;
  }
  if (f.scheme) {
    if (f.scheme === document.uri.scheme) score = 10;
    else if (f.scheme === '*') score = Math.max(score, 5);
    else return 0;
  }
  if (f.pattern) {
    const glob = typeof f.pattern === 'string' ? f.pattern : f.pattern.pattern;
    if (matchesGlob(glob, document.uri.fsPath) || matchesGlob(`**/${glob.replace(/^\*\*\//, '')}`, document.uri.fsPath)) score = 10;
    else return 0;
  }
  return score;
}

function register(kind: ProviderKind) {
  return (selector: vscode.DocumentSelector | undefined, provider: unknown, ...extra: unknown[]): vscode.Disposable => {
    const reg: Registration = { kind, selector, provider, extra, disposed: false };
    languagesState.registrations.push(reg);
    return new Disposable(() => {
      reg.disposed = true;
      languagesState.registrations = languagesState.registrations.filter((r) => r !== reg);
    });
  };
}

/** Live registrations of a kind whose selector matches the document (all of them without one), best score first. */
export function providersFor(kind: ProviderKind, document?: vscode.TextDocument): Registration[] {
  return languagesState.registrations
    .filter((r) => r.kind === kind && !r.disposed && (!document || !r.selector || match(r.selector, document) > 0))
    .map((r, i) => ({ r, i, score: document && r.selector ? match(r.selector, document) : 0 }))
    .sort((a, b) => b.score - a.score || b.i - a.i)
    .map((x) => x.r);
}

export const languages = {
  createDiagnosticCollection(name?: string): vscode.DiagnosticCollection {
    const c = new MockDiagnosticCollection(name ?? `collection${languagesState.collections.size}`);
    languagesState.collections.add(c);
    return c;
  },
  getDiagnostics(uri?: vscode.Uri): any {
    if (uri) return [...languagesState.collections].flatMap((c) => [...(c.get(uri) ?? [])]);
    const byUri = new Map<string, [vscode.Uri, vscode.Diagnostic[]]>();
    for (const c of languagesState.collections) {
      for (const [u, ds] of c) {
        const entry = byUri.get(u.toString()) ?? [u, []];
        entry[1].push(...ds);
        byUri.set(u.toString(), entry);
      }
    }
    return [...byUri.values()];
  },
  get onDidChangeDiagnostics() {
    return languagesState.diagnosticsChanged.event;
  },
  match,
  getLanguages: async (): Promise<string[]> => [...languagesState.languageIds],
  async setTextDocumentLanguage(document: vscode.TextDocument, languageId: string): Promise<vscode.TextDocument> {
    // VS Code closes the document and opens it again under the new language.
    const text = document.getText();
    closeDocument(document);
    const doc = openDocument(document.uri as Uri, text, languageId);
    return doc as MockTextDocument;
  },
  registerCompletionItemProvider: register('completion'),
  registerHoverProvider: register('hover'),
  registerDocumentSymbolProvider: register('documentSymbol'),
  registerDocumentFormattingEditProvider: register('documentFormatting'),
  registerDocumentRangeFormattingEditProvider: register('documentRangeFormatting'),
  registerOnTypeFormattingEditProvider: register('onTypeFormatting'),
  registerDefinitionProvider: register('definition'),
  registerReferenceProvider: register('references'),
  registerCodeActionsProvider: register('codeActions'),
  registerCodeLensProvider: register('codeLens'),
  registerFoldingRangeProvider: register('foldingRange'),
  registerRenameProvider: register('rename'),
  registerSignatureHelpProvider: register('signatureHelp'),
  registerDocumentLinkProvider: register('documentLink'),
  registerDocumentHighlightProvider: register('documentHighlight'),
  registerInlayHintsProvider: register('inlayHints'),
  registerSelectionRangeProvider: register('selectionRange'),
  registerDocumentSemanticTokensProvider: register('documentSemanticTokens'),
  registerTypeDefinitionProvider: register('typeDefinition'),
  registerImplementationProvider: register('implementation'),
  registerColorProvider: register('color'),
  registerWorkspaceSymbolProvider: (provider: unknown) => register('workspaceSymbol')(undefined, provider),
  setLanguageConfiguration: (_language: string, _configuration: vscode.LanguageConfiguration): vscode.Disposable => new Disposable(() => undefined),
};
