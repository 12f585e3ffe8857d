/**
 * Structural checks for data that crosses a trust boundary (a file of the run store, a message posted to
 * the panel, the JSON inlined in a report). A check returns undefined when the value fits, or one
 * sentence that says where, what was expected and what arrived:
 * `measurement.moments.H[2]: expected a number or null, got "x"`.
 *
 * src/contracts is the bottom layer: it imports nothing of the project, so the engine's parent, the
 * CLI, the extension and the webview all check the same data with the same rules.
 */
/** Brands read only by the type system (never set at run time): a check's type, and "may be absent". */
declare const TYPE: unique symbol;
declare const OPTIONAL: unique symbol;

/**
 * A check of data of type T: undefined when the value fits, else the reason. The contracts declare each
 * shape once, as a check, and take its TypeScript type from it (`Infer`), so the two cannot disagree.
 */
export interface Check<T = unknown> {
  (value: unknown, path: string): string | undefined;
  readonly [TYPE]?: T;
}

/** A field that may be absent (`optional`): `object` makes its key optional. */
export interface OptionalCheck<T> extends Check<T | undefined> {
  readonly [OPTIONAL]: true;
}

/** The type of the values a check accepts. */
export type Infer<C> = C extends Check<infer T> ? T : never;

/**
 * What a writer of T produces: the same shape with plain numbers where T reads `number | null` (the
 * writer's NaN, which JSON writes as null). The engine builds `Written<MeasurementRecord>`; a reader of a
 * file or of the panel's messages gets `MeasurementRecord` and says what a null means to it. A written
 * value is a T, so code that reads both (a summary of live or stored records) takes T.
 */
export type Written<T> = T extends null ? never : T extends object ? { [K in keyof T]: Written<T[K]> } : T;

/** A value that fits (a batch may fit with some of its members left out: `skipped`), or why not. */
export type Validation<T> = { ok: true; value: T; skipped?: Skipped } | { ok: false; error: string };

/** Check `value` and, when it fits, hand it on with the check's type. */
export function validate<C extends Check<unknown>>(value: unknown, check: C, path: string): Validation<Infer<C>> {
  const error = check(value, path);
  return error ? { ok: false, error } : { ok: true, value: value as Infer<C> };
}

/** The same as a type guard, for code that only needs yes or no. */
export function fits<C extends Check<unknown>>(value: unknown, check: C): value is Infer<C> {
  return check(value, '') === undefined;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  return String(value);
}

const fail = (path: string, expected: string, value: unknown): string => `${path}: expected ${expected}, got ${describe(value)}`;

export const num: Check<number> = (v, p) => (typeof v === 'number' && Number.isFinite(v) ? undefined : fail(p, 'a finite number', v));
/** JSON writes NaN (an undefined prediction, e.g. the S-part under ReLU) as null. */
export const numOrNull: Check<number | null> = (v, p) => (v === null || (typeof v === 'number' && Number.isFinite(v)) ? undefined : fail(p, 'a number or null', v));
export const nonNegNum: Check<number> = (v, p) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : fail(p, 'a finite number ≥ 0', v));
export const nonNegInt: Check<number> = (v, p) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? undefined : fail(p, 'a non-negative integer', v));
export const str: Check<string> = (v, p) => (typeof v === 'string' ? undefined : fail(p, 'a string', v));
export const bool: Check<boolean> = (v, p) => (typeof v === 'boolean' ? undefined : fail(p, 'true or false', v));
export const anything: Check<unknown> = () => undefined;

/** Longest plain name, in UTF-8 bytes: the file-name limit of common file systems. */
export const MAX_NAME_BYTES = 255;

/**
 * A plain name: what a run or sweep id must be, since it becomes a folder name. No separators (`/`,
 * `\`), no NUL or other control characters, no `:` (a drive or a stream on Windows), not `.` or `..`,
 * not empty, at most MAX_NAME_BYTES bytes. Joined to a folder, a plain name stays in that folder
 * (a symbolic link can still lead out: the reader resolves the joined path and checks that).
 */
export const plainName: Check<string> = (v, p) => {
  if (typeof v !== 'string') return fail(p, 'a plain name (a string)', v);
  if (v === '' || v === '.' || v === '..') return fail(p, 'a plain name (not empty, not . or ..)', v);
  const bad = /[/\\:\u0000-\u001f\u007f]/.exec(v);
  if (bad) return fail(p, `a plain name without separators or control characters (found ${JSON.stringify(bad[0])})`, v);
  const bytes = new TextEncoder().encode(v).length;
  return bytes <= MAX_NAME_BYTES ? undefined : `${p}: expected a plain name of at most ${MAX_NAME_BYTES} bytes, got ${bytes}`;
};

export function literal<const V extends readonly string[]>(...values: V): Check<V[number]> {
  return (v, p) => (typeof v === 'string' && values.includes(v) ? undefined : fail(p, values.map((s) => `"${s}"`).join(' or '), v));
}

export function optional<T>(check: Check<T>): OptionalCheck<T> {
  const c: Check<T | undefined> = (v, p) => (v === undefined ? undefined : check(v, p));
  return c as OptionalCheck<T>;
}

export function arrayOf<T>(check: Check<T>, length?: { min?: number; max?: number }): Check<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) return fail(p, 'an array', v);
    if (length?.min !== undefined && v.length < length.min) return `${p}: expected at least ${length.min} entries, got ${v.length}`;
    if (length?.max !== undefined && v.length > length.max) return `${p}: expected at most ${length.max} entries, got ${v.length}`;
    for (let i = 0; i < v.length; i++) {
      const e = check(v[i], `${p}[${i}]`);
      if (e) return e;
    }
    return undefined;
  };
}

export function tuple<const C extends readonly Check<unknown>[]>(...checks: C): Check<{ -readonly [I in keyof C]: Infer<C[I]> }> {
  return (v, p) => {
    if (!Array.isArray(v) || v.length !== checks.length) return fail(p, `an array of ${checks.length}`, v);
    for (let i = 0; i < checks.length; i++) {
      const e = checks[i](v[i], `${p}[${i}]`);
      if (e) return e;
    }
    return undefined;
  };
}

type Fields = Readonly<Record<string, Check<unknown>>>;
type RequiredFields<F extends Fields> = { [K in keyof F as F[K] extends OptionalCheck<unknown> ? never : K]: Infer<F[K]> };
type OptionalFields<F extends Fields> = { [K in keyof F as F[K] extends OptionalCheck<unknown> ? K : never]?: Exclude<Infer<F[K]>, undefined> };
/** One object type instead of an intersection, so editors and errors show the fields. */
type Flat<T> = { [K in keyof T]: T[K] };
export type ObjectOf<F extends Fields> = Flat<RequiredFields<F> & OptionalFields<F>>;

/** An object with these fields (extra fields are allowed: newer writers may add some). */
export function object<const F extends Fields>(fields: F): Check<ObjectOf<F>> {
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'an object', v);
    const o = v as Record<string, unknown>;
    for (const [key, check] of Object.entries(fields)) {
      const e = check(o[key], `${p}.${key}`);
      if (e) return e;
    }
    return undefined;
  };
}

/** An object whose every value passes `check` (e.g. a sweep's varied settings). */
export function record<T>(check: Check<T>): Check<Record<string, T>> {
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'an object', v);
    for (const [key, value] of Object.entries(v)) {
      const e = check(value, `${p}.${key}`);
      if (e) return e;
    }
    return undefined;
  };
}

/** Records that could not be read and were left out: how many, and where and why the first one failed. */
export interface Skipped {
  readonly count: number;
  /** e.g. `line 7: measurement.t: expected a finite number, got "x"`. */
  readonly first: string;
}

/** Counts what is skipped and keeps the first reason (the rule "skip it, say so once, show the rest"). */
export class SkipTally {
  private n = 0;
  private firstReason = '';

  /** `reason` says where and why, e.g. `line 7: not JSON`. */
  skip(reason: string): void {
    if (this.n++ === 0) this.firstReason = reason;
  }

  get result(): Skipped | undefined {
    return this.n > 0 ? { count: this.n, first: this.firstReason } : undefined;
  }
}

/** The sentence a reader shows once for what it skipped: `in series.jsonl: 2 records could not be read …`. */
export function describeSkipped(skipped: Skipped, where: string): string {
  const one = skipped.count === 1;
  return `${where}: ${skipped.count} record${one ? '' : 's'} could not be read and ${one ? 'is' : 'are'} not shown (first: ${skipped.first})`;
}

/** The values that pass `check`, in order; the others are counted. `where(i)` is the path of value i. */
export function keepValid<T>(values: readonly unknown[], check: Check<T>, where: (index: number) => string): { valid: T[]; skipped?: Skipped } {
  const tally = new SkipTally();
  const valid: T[] = [];
  values.forEach((v, i) => {
    const error = check(v, where(i));
    if (error) tally.skip(error);
    else valid.push(v as T);
  });
  return { valid, skipped: tally.result };
}

/** Both checks: a value that has the fields of each (an object extended by more fields). */
export function both<A, B>(a: Check<A>, b: Check<B>): Check<Flat<A & B>> {
  return (v, p) => a(v, p) ?? b(v, p);
}

/** Every check in turn: the first gives the type, the others refine it (lengths that match, a sign). */
export function all<T>(first: Check<T>, ...refinements: readonly Check<unknown>[]): Check<T> {
  const checks = [first, ...refinements];
  return (v, p) => {
    for (const c of checks) {
      const e = c(v, p);
      if (e) return e;
    }
    return undefined;
  };
}
