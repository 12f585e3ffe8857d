import * as vscode from 'vscode';
import { type NtkFile, docFor } from '../../format/index';
import { codeSpan, escapeMarkdown, untrustedMarkdown } from '../markdown';
import { toRange } from './convert';
import type { ParsedDocuments } from './documents';
import { type NameAt, findDefinition, nameAt } from './locate';
import { activationMarkdown, builtinActivationSummary, customActivationSummary, lossMarkdown } from './summaries';

/**
 * Hover: a key's documentation from the schema (type, default), a block's and a data source's; for
 * an activation (built-in or defined in the file) its formula with E σ(Z) and E σ(Z)²; a loss's
 * formula; an expression function's or constant's documentation; a formula's parameter. Whatever comes
 * from the file (names, titles, formulas) is escaped or fenced, and the Markdown is not trusted.
 */
function lineOf(def: { name: { range: { start: { line: number } } } }): string {
  return `line ${def.name.range.start.line + 1}`;
}

function activationHover(file: NtkFile, name: string): string | undefined {
  const def = findDefinition(file, 'activation', name);
  if (def) return activationMarkdown(customActivationSummary(def), lineOf(def));
  const builtin = builtinActivationSummary(name);
  return builtin && activationMarkdown(builtin);
}

function lossHover(file: NtkFile, name: string): string | undefined {
  const def = findDefinition(file, 'loss', name);
  return lossMarkdown(name, def, def && lineOf(def));
}

export function hoverMarkdown(file: NtkFile, at: NameAt): string | undefined {
  switch (at.role) {
    case 'key':
      return docFor(at.name, at.path) ?? docFor(at.name);
    case 'block':
    case 'source':
    case 'function':
      return docFor(at.name);
    case 'value': {
      if (at.key === 'activation') return activationHover(file, at.name);
      if (at.key === 'loss') return lossHover(file, at.name);
      const keyDoc = docFor(at.key, at.path) ?? docFor(at.key);
      return keyDoc && `${codeSpan(at.name)}: a value of ${codeSpan(at.key)}\n\n${keyDoc}`;
    }
    case 'variable':
      if (at.definition?.params.some((p) => p.name === at.name)) return `**${escapeMarkdown(at.name)}** · parameter of ${at.definition.kind} ${codeSpan(at.definition.name.name)}`;
      return docFor(at.name);
    case 'definition':
      return at.definition.kind === 'activation' ? activationMarkdown(customActivationSummary(at.definition), lineOf(at.definition)) : lossHover(file, at.name);
    case 'experiment': {
      const title = at.experiment.items.find((i) => i.kind === 'setting' && i.key.name === 'title');
      const shown = title?.kind === 'setting' && title.value.kind === 'string' ? `: ${escapeMarkdown(title.value.value)}` : '';
      return `**${escapeMarkdown(at.name)}** · experiment${shown}`;
    }
  }
}

export class NtkexpHoverProvider implements vscode.HoverProvider {
  constructor(private readonly documents: ParsedDocuments) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const { file } = this.documents.get(document);
    const at = nameAt(file, document.offsetAt(position));
    const text = at && hoverMarkdown(file, at);
    return text ? new vscode.Hover(untrustedMarkdown(text), toRange(at.range)) : undefined;
  }
}
