/**
 * The `.ntkexp` language as a small service, shared by the CLI, the editor and the tests. Nothing here
 * imports `vscode` or the DOM.
 */
import { type Diagnostic, collector, sortDiagnostics } from './diagnostics';
import { parseWith } from './parser';
import { type CheckOptions, validate } from './validator';

export type * from './ast';
export { containsOffset } from './ast';
export { DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticCode, type Severity, hasErrors, sortDiagnostics } from './diagnostics';
export { parse, parseExpression, type ParseResult } from './parser';
export { format, type FormatResult } from './formatter';
export { validate, type CheckOptions, type CheckedFile } from './validator';
export { folderOf, leavesFolder, lexicalEscape, pathParts, type DataFileCheck, type DataFileProblem } from './validate/paths';
export { resolve, resolveChecked, type ResolveResult, type ResolvedExperiment, type ResolvedBlock, type ResolvedData, type ResolvedDefinition, type ResolvedSweep } from './resolve';
export { expandSweeps, MAX_SWEEP_POINTS } from './sweep';
export { parseCsv, csvToPoints, withCsvLoaded, CsvError, type CsvTable } from './csv';
export { compileActivation, compileLoss, compileTarget, scalarDerivatives, CUSTOM_QUADRATURE_DEGREE } from './expressions';
export { KEYS, BLOCKS, SOURCES, type KeySpec, type BlockSpec, type SourceSpec, type ValueType, type Json, describeType } from './schema';
export { keysForBlock, blocksForPath, valuesForKey, docFor, dataSources, expressionNames, type BlockPath } from './schemaQueries';
export { outline, definitions, definitionAt, referencesTo, contextAt, type SymbolInfo, type DefinitionInfo, type CursorContext } from './symbols';
export { printValue, printExpression } from './print';

/** Every problem of a file (syntax and validation), sorted by position. */
export function check(text: string, options: CheckOptions = {}): Diagnostic[] {
  const { accept, diagnostics } = collector();
  const file = parseWith(text, accept);
  validate(file, accept, options);
  return sortDiagnostics(diagnostics);
}
