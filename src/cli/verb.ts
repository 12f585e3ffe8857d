import type { CliIO } from './io';

/**
 * A verb of the `ntkexp` command line: its help (every flag documented) and its action. The verb
 * table in main.ts lists one file per verb; adding a verb is adding a file and a line.
 */
export interface FlagSpec {
  /** Without dashes: `json`, `experiment`. */
  readonly name: string;
  /** One letter for `-x`, if any. */
  readonly short?: string;
  /** The value's placeholder (`NAME`) for a flag that takes one; absent for a switch. */
  readonly value?: string;
  readonly doc: string;
}

export interface VerbSpec {
  readonly name: string;
  /** One line for `ntkexp --help`. */
  readonly summary: string;
  /** `ntkexp check FILE…` */
  readonly usage: string;
  /** Paragraphs after the usage line: what it does, its output, its exit codes. */
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  /** How many positional arguments it takes. */
  readonly positionals: { readonly name: string; readonly min: number; readonly max: number };
}

export interface ParsedArgs {
  /** Switches are `true`; flags with a value hold the value. */
  readonly flags: Readonly<Record<string, string | true>>;
  readonly positionals: readonly string[];
}

export interface Verb extends VerbSpec {
  run(args: ParsedArgs, io: CliIO): Promise<number> | number;
}

/** Exit codes of every verb. */
export const EXIT = { ok: 0, failure: 1, usage: 2, internal: 3 } as const;

/** A usage error: main.ts prints it with the verb's usage line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
