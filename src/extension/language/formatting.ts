import * as vscode from 'vscode';
import { format } from '../../format/index';

/**
 * Format Document: the whole text through the format's formatter (the same as `ntkexp fmt`), one edit
 * that replaces it. A document with syntax errors gets no edits (the formatter refuses it; the
 * diagnostics already say why), and neither does one that is already formatted.
 */
export class NtkexpFormattingProvider implements vscode.DocumentFormattingEditProvider {
  provideDocumentFormattingEdits(document: vscode.TextDocument): vscode.TextEdit[] {
    const text = document.getText();
    const result = format(text);
    if (!result.ok || result.text === text) return [];
    const all = new vscode.Range(new vscode.Position(0, 0), document.positionAt(text.length));
    return [vscode.TextEdit.replace(all, result.text)];
  }
}
