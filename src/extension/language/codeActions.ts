import * as vscode from 'vscode';
import type { Diagnostic, DiagnosticCode } from '../../format/index';
import { DIAGNOSTIC_SOURCE, sameRange } from './convert';
import type { ParsedDocuments } from './documents';

/**
 * Quick fixes that apply a diagnostic's suggestion (`widht` → `width`, `.5` → `0.5`). The editor hands
 * back its `vscode.Diagnostic`s, which cannot carry the suggestion; it is found again among the
 * document's current diagnostics by code and range, so a fix never applies to text that changed.
 */
const TITLES: Partial<Record<DiagnosticCode, (from: string, to: string) => string>> = {
  'unknown-key': (from, to) => `Change \`${from}\` to \`${to}\``,
  'unknown-value': (from, to) => `Change \`${from}\` to \`${to}\``,
  'sweep-key': (from, to) => `Change \`${from}\` to \`${to}\``,
  'undefined-name': (from, to) => `Change \`${from}\` to \`${to}\``,
  syntax: (_from, to) => `Write \`${to}\``,
  type: (_from, to) => `Write \`${to}\``,
};

function titleFor(code: DiagnosticCode, from: string, to: string): string {
  return (TITLES[code] ?? ((_f: string, t: string) => `Replace with \`${t}\``))(from, to);
}

export function quickFixMetadata(): vscode.CodeActionProviderMetadata {
  return { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
}

export class NtkexpQuickFixProvider implements vscode.CodeActionProvider {
  constructor(private readonly documents: ParsedDocuments) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !context.only.intersects(vscode.CodeActionKind.QuickFix)) return [];
    const mine = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string');
    if (mine.length === 0) return [];
    const current = this.documents.get(document).diagnostics();
    const actions: vscode.CodeAction[] = [];
    for (const shown of mine) {
      const found: Diagnostic | undefined = current.find((d) => d.code === shown.code && d.suggestion !== undefined && sameRange(shown.range, d.range));
      if (!found?.suggestion) continue;
      const from = document.getText(shown.range);
      if (from === found.suggestion) continue;
      const action = new vscode.CodeAction(titleFor(found.code, from, found.suggestion), vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(document.uri, shown.range, found.suggestion);
      action.diagnostics = [shown];
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }
}
