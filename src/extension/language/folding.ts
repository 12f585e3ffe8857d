import * as vscode from 'vscode';
import type { Item, NtkFile, Value } from '../../format/index';
import type { ParsedDocuments } from './documents';

/**
 * Folding by braces: every experiment and block that spans lines, every list spread over lines, and
 * runs of two or more comment lines. (Without a provider VS Code would fold by indentation only.)
 */
function ranges(file: NtkFile, text: string): vscode.FoldingRange[] {
  const out: vscode.FoldingRange[] = [];
  const span = (start: number, end: number, kind?: vscode.FoldingRangeKind): void => {
    if (end > start) out.push(new vscode.FoldingRange(start, end, kind));
  };
  // The closing `}` stays visible: fold to the line before it when it sits on a line of its own.
  const block = (startLine: number, close: { start: { line: number } } | undefined, endLine: number): void => span(startLine, close && close.start.line > startLine ? close.start.line - 1 : endLine);
  const value = (v: Value): void => {
    if (v.kind !== 'list') return;
    span(v.range.start.line, v.range.end.line - 1);
    v.items.forEach(value);
  };
  const items = (list: readonly Item[]): void => {
    for (const item of list) {
      if (item.kind === 'setting') value(item.value);
      else {
        block(item.range.start.line, item.close, item.range.end.line);
        items(item.items);
      }
    }
  };
  for (const top of file.items) {
    if (top.kind === 'experiment') {
      block(top.range.start.line, top.close, top.range.end.line);
      items(top.items);
    }
  }
  let runStart = -1;
  let last = -2;
  for (const c of file.comments) {
    // Only comments on lines of their own; one after a setting belongs to the setting.
    if (text.slice(c.range.start.offset - c.range.start.character, c.range.start.offset).trim() !== '') continue;
    const line = c.range.start.line;
    if (line !== last + 1) {
      if (runStart >= 0) span(runStart, last, vscode.FoldingRangeKind.Comment);
      runStart = line;
    }
    last = line;
  }
  if (runStart >= 0) span(runStart, last, vscode.FoldingRangeKind.Comment);
  return out;
}

export class NtkexpFoldingProvider implements vscode.FoldingRangeProvider {
  constructor(private readonly documents: ParsedDocuments) {}

  provideFoldingRanges(document: vscode.TextDocument): vscode.FoldingRange[] {
    const { file, text } = this.documents.get(document);
    return ranges(file, text);
  }
}
