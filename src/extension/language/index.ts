import * as vscode from 'vscode';
import { NtkexpQuickFixProvider, quickFixMetadata } from './codeActions';
import { NtkexpCodeLensProvider } from './codeLens';
import { NtkexpCompletionProvider, TRIGGER_CHARACTERS } from './completion';
import { SELECTOR } from './convert';
import { NtkexpDefinitionProvider } from './definition';
import { DiagnosticsPublisher } from './diagnostics';
import { ParsedDocuments } from './documents';
import { NtkexpFoldingProvider } from './folding';
import { NtkexpFormattingProvider } from './formatting';
import { NtkexpHoverProvider } from './hover';
import { NtkexpDocumentSymbolProvider } from './symbols';

/**
 * Language support for `.ntkexp`: diagnostics as you type, completion, hover, outline, formatting,
 * folding, go to definition and references, quick fixes and the "Run | Theory" code lenses, all over
 * one parse per document version (`documents`). Nothing here runs code from the workspace, so every
 * feature works in Restricted Mode.
 *
 * `activate` calls `registerLanguageFeatures(context)`; every registration goes into
 * `context.subscriptions` (and into the returned object, whose `dispose` undoes them all).
 */
export { LANGUAGE_ID, SELECTOR, DIAGNOSTIC_SOURCE } from './convert';
export { RUN_COMMAND, THEORY_COMMAND } from './codeLens';
export type { ParsedDocument, ParsedDocuments } from './documents';

export interface LanguageFeatures extends vscode.Disposable {
  /** The shared parse cache: `documents.get(document).file` is the parsed file of the current version. */
  readonly documents: ParsedDocuments;
  /** The `ntkexp` diagnostic collection. */
  readonly diagnostics: vscode.DiagnosticCollection;
}

export function registerLanguageFeatures(context: Pick<vscode.ExtensionContext, 'subscriptions'>): LanguageFeatures {
  const documents = new ParsedDocuments();
  const publisher = new DiagnosticsPublisher(documents);
  const definitions = new NtkexpDefinitionProvider(documents);
  const disposables: vscode.Disposable[] = [
    documents,
    publisher,
    vscode.languages.registerCompletionItemProvider(SELECTOR, new NtkexpCompletionProvider(documents), ...TRIGGER_CHARACTERS),
    vscode.languages.registerHoverProvider(SELECTOR, new NtkexpHoverProvider(documents)),
    vscode.languages.registerDocumentSymbolProvider(SELECTOR, new NtkexpDocumentSymbolProvider(documents), { label: 'NTK Experiment' }),
    vscode.languages.registerDocumentFormattingEditProvider(SELECTOR, new NtkexpFormattingProvider()),
    vscode.languages.registerFoldingRangeProvider(SELECTOR, new NtkexpFoldingProvider(documents)),
    vscode.languages.registerDefinitionProvider(SELECTOR, definitions),
    vscode.languages.registerReferenceProvider(SELECTOR, definitions),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new NtkexpQuickFixProvider(documents), quickFixMetadata()),
    vscode.languages.registerCodeLensProvider(SELECTOR, new NtkexpCodeLensProvider(documents)),
  ];
  const all = vscode.Disposable.from(...disposables);
  context.subscriptions.push(all);
  return { documents, diagnostics: publisher.collection, dispose: () => all.dispose() };
}
