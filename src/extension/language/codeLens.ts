import * as vscode from 'vscode';
import { toPosition } from './convert';
import type { ParsedDocuments } from './documents';

/**
 * "Run | Plan | Theory" above each `experiment` line. The commands (implemented with the runs) take
 * the document's Uri and the experiment's name: `ntkexp.run`, `ntkexp.planRun` and `ntkexp.showTheory`.
 */
export const RUN_COMMAND = 'ntkexp.run';
export const PLAN_COMMAND = 'ntkexp.planRun';
export const THEORY_COMMAND = 'ntkexp.showTheory';

export class NtkexpCodeLensProvider implements vscode.CodeLensProvider {
  constructor(private readonly documents: ParsedDocuments) {}

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    for (const item of this.documents.get(document).file.items) {
      if (item.kind !== 'experiment' || !item.name.name) continue;
      const at = toPosition(item.range.start);
      const range = new vscode.Range(at, at);
      const args = [document.uri, item.name.name];
      lenses.push(
        new vscode.CodeLens(range, { title: 'Run', command: RUN_COMMAND, arguments: args, tooltip: `Run experiment ${item.name.name}` }),
        new vscode.CodeLens(range, { title: 'Plan', command: PLAN_COMMAND, arguments: args, tooltip: `Time a short run of ${item.name.name} and estimate what the whole run costs, here or on a cluster` }),
        new vscode.CodeLens(range, { title: 'Theory', command: THEORY_COMMAND, arguments: args, tooltip: `Show the infinite-width theory of ${item.name.name}` }),
      );
    }
    return lenses;
  }
}
