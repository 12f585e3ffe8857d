import * as vscode from 'vscode';
import { definitionAt, referencesTo } from '../../format/index';
import { toRange } from './convert';
import type { ParsedDocuments } from './documents';

/**
 * Go to Definition from a use of a custom activation or loss (`activation = swish`, a sweep list,
 * `loss = logcosh`) to its `activation`/`loss` line, and Find All References back (the definition
 * included when asked).
 */
export class NtkexpDefinitionProvider implements vscode.DefinitionProvider, vscode.ReferenceProvider {
  constructor(private readonly documents: ParsedDocuments) {}

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location | undefined {
    const { file } = this.documents.get(document);
    const def = definitionAt(file, document.offsetAt(position));
    return def && def.kind !== 'experiment' ? new vscode.Location(document.uri, toRange(def.nameRange)) : undefined;
  }

  provideReferences(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext): vscode.Location[] {
    const { file } = this.documents.get(document);
    const def = definitionAt(file, document.offsetAt(position));
    if (!def || def.kind === 'experiment') return [];
    const uses = referencesTo(file, def.kind, def.name).map((r) => new vscode.Location(document.uri, toRange(r)));
    return context.includeDeclaration ? [new vscode.Location(document.uri, toRange(def.nameRange)), ...uses] : uses;
  }
}
