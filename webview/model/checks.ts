/**
 * Structural checks for data that crosses a trust boundary (a message posted to the panel, the JSON
 * inlined in a report). A check returns undefined when the value fits, or one sentence that says where,
 * what was expected and what arrived: `measurement.moments.H[2]: expected a number or null, got "x"`.
 */
export type Check = (value: unknown, path: string) => string | undefined;

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  return String(value);
}

const fail = (path: string, expected: string, value: unknown): string => `${path}: expected ${expected}, got ${describe(value)}`;

export const num: Check = (v, p) => (typeof v === 'number' && Number.isFinite(v) ? undefined : fail(p, 'a finite number', v));
/** JSON writes NaN (an undefined prediction, e.g. the S-part under ReLU) as null. */
export const numOrNull: Check = (v, p) => (v === null || (typeof v === 'number' && Number.isFinite(v)) ? undefined : fail(p, 'a number or null', v));
export const nonNegInt: Check = (v, p) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? undefined : fail(p, 'a non-negative integer', v));
export const str: Check = (v, p) => (typeof v === 'string' ? undefined : fail(p, 'a string', v));
export const bool: Check = (v, p) => (typeof v === 'boolean' ? undefined : fail(p, 'true or false', v));
export const anything: Check = () => undefined;

export function literal(...values: readonly string[]): Check {
  return (v, p) => (typeof v === 'string' && values.includes(v) ? undefined : fail(p, values.map((s) => `"${s}"`).join(' or '), v));
}

export function optional(check: Check): Check {
  return (v, p) => (v === undefined ? undefined : check(v, p));
}

export function arrayOf(check: Check, length?: { min?: number; max?: number }): Check {
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

export function tuple(...checks: readonly Check[]): Check {
  return (v, p) => {
    if (!Array.isArray(v) || v.length !== checks.length) return fail(p, `an array of ${checks.length}`, v);
    for (let i = 0; i < checks.length; i++) {
      const e = checks[i](v[i], `${p}[${i}]`);
      if (e) return e;
    }
    return undefined;
  };
}

/** An object with these fields (extra fields are allowed: newer writers may add some). */
export function object(fields: Readonly<Record<string, Check>>): Check {
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
export function record(check: Check): Check {
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'an object', v);
    for (const [key, value] of Object.entries(v)) {
      const e = check(value, `${p}.${key}`);
      if (e) return e;
    }
    return undefined;
  };
}

export function all(...checks: readonly Check[]): Check {
  return (v, p) => {
    for (const c of checks) {
      const e = c(v, p);
      if (e) return e;
    }
    return undefined;
  };
}
