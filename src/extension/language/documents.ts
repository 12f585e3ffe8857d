import * as vscode from 'vscode';
import { type CheckOptions, type Diagnostic, type NtkFile, parse } from '../../format/index';
import { checkOptionsForFile } from '../../run/confine';
import { diagnoseParsed } from '../../run/diagnose';

/**
 * One parse per document version, shared by every provider (diagnostics, completion, hover, symbols,
 * code lenses, …). The check (validation, then the run's limits) is computed on first request for a
 * version and kept with it, by the function `ntkexp check` calls (run/diagnose.ts), so the Problems
 * panel shows exactly what `ntkexp check` prints. Entries go when their document closes.
 */
export interface ParsedDocument {
  readonly uri: vscode.Uri;
  readonly version: number;
  readonly text: string;
  readonly file: NtkFile;
  /** Syntax errors of the parse. */
  readonly syntax: readonly Diagnostic[];
  /** Every diagnostic (syntax and validation), sorted as `check` sorts them. */
  diagnostics(): readonly Diagnostic[];
}

/**
 * Options of `check` for a document: for a file on disk, those of `ntkexp check FILE` (its path, and the
 * probe of the csv files it names); an untitled document has no folder, so only the lexical check applies.
 */
export function checkOptionsFor(uri: vscode.Uri): CheckOptions {
  return uri.scheme === 'file' ? checkOptionsForFile(uri.fsPath) : {};
}

function parsedDocument(document: vscode.TextDocument): ParsedDocument {
  const text = document.getText();
  const { file, diagnostics: syntax } = parse(text);
  let all: readonly Diagnostic[] | undefined;
  return {
    uri: document.uri,
    version: document.version,
    text,
    file,
    syntax,
    diagnostics() {
      if (!all) all = diagnoseParsed(file, syntax, checkOptionsFor(document.uri));
      return all;
    },
  };
}

export class ParsedDocuments implements vscode.Disposable {
  readonly #entries = new Map<string, ParsedDocument>();
  readonly #subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.#subscriptions.push(vscode.workspace.onDidCloseTextDocument((d) => this.#entries.delete(d.uri.toString())));
  }

  /** The parse of the document's current version (parsed now if the cached one is older). */
  get(document: vscode.TextDocument): ParsedDocument {
    const key = document.uri.toString();
    const cached = this.#entries.get(key);
    if (cached && cached.version === document.version) return cached;
    const parsed = parsedDocument(document);
    this.#entries.set(key, parsed);
    return parsed;
  }

  /** How many documents have a cached parse (tests). */
  get size(): number {
    return this.#entries.size;
  }

  dispose(): void {
    for (const s of this.#subscriptions.splice(0)) s.dispose();
    this.#entries.clear();
  }
}
