import * as vscode from 'vscode';
import { type SymbolInfo, outline } from '../../format/index';
import { toRange } from './convert';
import type { ParsedDocuments } from './documents';

/**
 * The outline: custom activations and losses, experiments, and inside each its blocks and settings
 * (a setting shows its value), from the format's `outline`.
 */
const KINDS: Record<SymbolInfo['kind'], vscode.SymbolKind> = {
  activation: vscode.SymbolKind.Function,
  loss: vscode.SymbolKind.Function,
  experiment: vscode.SymbolKind.Namespace,
  block: vscode.SymbolKind.Struct,
  setting: vscode.SymbolKind.Property,
};

/** A setting's value as written, on one line and short. */
function settingValue(text: string, s: SymbolInfo): string {
  const written = text.slice(s.selectionRange.end.offset, s.range.end.offset).replace(/^\s*=\s*/, '').replace(/\s+/g, ' ').trim();
  return written.length > 40 ? `${written.slice(0, 39)}…` : written;
}

function toSymbol(text: string, s: SymbolInfo): vscode.DocumentSymbol {
  const range = toRange(s.range);
  const name = toRange(s.selectionRange);
  const detail = s.kind === 'setting' ? settingValue(text, s) : s.kind === 'activation' || s.kind === 'loss' ? `${s.kind}${s.detail ?? ''}` : (s.detail ?? '');
  // VS Code rejects a symbol without a name or whose name lies outside it (possible while typing).
  const symbol = new vscode.DocumentSymbol(s.name || '(unnamed)', detail, KINDS[s.kind], range, range.contains(name) ? name : range);
  symbol.children = s.children.map((c) => toSymbol(text, c));
  return symbol;
}

export class NtkexpDocumentSymbolProvider implements vscode.DocumentSymbolProvider {
  constructor(private readonly documents: ParsedDocuments) {}

  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    const { file, text } = this.documents.get(document);
    return outline(file).map((s) => toSymbol(text, s));
  }
}
