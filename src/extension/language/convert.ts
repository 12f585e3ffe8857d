import * as vscode from 'vscode';
import type { Diagnostic, Position, Range } from '../../format/index';

/**
 * The format's positions (0-based line and UTF-16 column, as VS Code counts; line ends `\n`, `\r\n`
 * and `\r` as in VS Code) to the editor's, and its diagnostics to `vscode.Diagnostic`s with the same
 * code, source `ntkexp`.
 */
export const LANGUAGE_ID = 'ntkexp';
export const DIAGNOSTIC_SOURCE = 'ntkexp';
export const SELECTOR: vscode.DocumentSelector = [{ language: LANGUAGE_ID }];

export function toPosition(p: Position): vscode.Position {
  return new vscode.Position(p.line, p.character);
}

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function toDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const severity = d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
  const out = new vscode.Diagnostic(toRange(d.range), d.message, severity);
  out.code = d.code;
  out.source = DIAGNOSTIC_SOURCE;
  // An unused definition is faded like unused code.
  if (d.code === 'unused-definition') out.tags = [vscode.DiagnosticTag.Unnecessary];
  return out;
}

export function sameRange(a: vscode.Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

export function isNtkexp(document: vscode.TextDocument): boolean {
  return document.languageId === LANGUAGE_ID;
}
