import type { Range } from './ast';

/**
 * Every problem the format reports has one of these codes. Codes are stable: a quick fix, a test or a
 * script keys on them, so a code is never renamed or reused for another meaning.
 */
export const DIAGNOSTIC_CODES = {
  syntax: 'the text breaks the grammar (unexpected or missing token, unterminated string, bad character)',
  'unknown-key': 'a setting or block name that the block does not have',
  'unknown-value': 'a value outside the allowed names (data source, enumeration, eigenvector direction)',
  type: 'a value of the wrong kind (a string where a number is expected, a list where one value is)',
  range: 'a number outside its allowed range (samples 1..10000, depth ≥ 1, …)',
  duplicate: 'a key, block, definition, experiment, parameter or list element given twice, or a definition named like a built-in',
  'missing-data': 'an experiment without a `data` block',
  'missing-key': 'a key the block cannot do without (`inputs` of `points`, `target` of `csv`, …)',
  'undefined-name': 'an activation, loss, function or variable that is neither built in nor defined',
  arity: 'a function called, or a definition declared, with the wrong number of arguments',
  label: 'a block header with a missing or unexpected name (`data` without a source, `network foo`)',
  shape: 'lists whose lengths disagree (width vs depth, inputs vs targets, outputs vs loss)',
  'path-escape': 'a csv path that leaves the folder of the .ntkexp file',
  'data-file': 'a csv file that cannot be used: missing, not a regular file (a FIFO, a device, a socket, a folder) or over the size limit',
  'sweep-key': 'a sweep key that names no setting of the experiment',
  conflict: 'settings that exclude each other (`every` with `points` or `spacing`), or that do not fit together (`batch_size` above the number of samples)',
  'no-effect': 'a setting the chosen option ignores (`beta1` with `optimizer = gd`): it changes nothing (warning)',
  'unused-definition': 'a custom activation or loss no experiment uses (warning)',
  'relu-theory': 'a nonsmooth activation with `theory = true`: the S-part of the theory needs σ″ (warning)',
  'no-experiment': 'a file without any `experiment` (empty, only comments or only definitions): nothing to run (warning)',
  limit: 'a run that `ntkexp run` would refuse: sizes beyond what a run holds, more memory or disk than is free, or longer than the time limit (warning)',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly range: Range;
  /** Replacement text for `range` that a quick fix can apply (the closest name, an unquoted value). */
  readonly suggestion?: string;
}

/** What a check calls to report one problem (Langium's ValidationAcceptor, without the framework). */
export type Acceptor = (severity: Severity, code: DiagnosticCode, message: string, range: Range, suggestion?: string) => void;

/** An acceptor that collects into an array. */
export function collector(): { accept: Acceptor; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const accept: Acceptor = (severity, code, message, at, suggestion) => {
    // Plain positions: a tree's ranges may compute theirs on demand (lexer.ts, TokenRange).
    const range = { start: at.start, end: at.end };
    diagnostics.push(suggestion === undefined ? { severity, code, message, range } : { severity, code, message, range, suggestion });
  };
  return { accept, diagnostics };
}

/** Sort by position, errors before warnings at the same place. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.range.start.offset - b.range.start.offset || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
