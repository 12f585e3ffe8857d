import { tooLarge } from './magnitude';
import type { ResolvedData, ResolvedExperiment } from './resolve';

/**
 * CSV data for `data csv "PATH" { target = …, features = … }`. Pure: it takes the file's text, which
 * the caller reads (the engine and the format do no I/O). RFC 4180: a header row, fields separated by
 * commas, double-quoted fields may hold commas, newlines and `""` for a quote; CRLF or LF line ends.
 */
export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** 1-based line of each row in the text, for messages. */
  readonly lines: readonly number[];
}

export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

export function parseCsv(text: string, name = 'the csv file'): CsvTable {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quoted = false;
  let any = false;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0].trim() === '' && !any)) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    any = false;
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field.trim() === '') {
      quoted = true;
      any = true;
      field = '';
      i++;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      any = true;
      i++;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new CsvError(`${name}: a quoted field opened on line ${recordLine} is not closed: expected a closing \`"\``);
  if (field !== '' || fields.length > 0 || any) endRecord();
  if (records.length === 0) throw new CsvError(`${name} is empty: expected a header row with the column names`);
  const header = records[0].fields.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (h === '') throw new CsvError(`${name}: the header row has an empty column name`);
    if (seen.has(h)) throw new CsvError(`${name}: column \`${h}\` appears twice in the header row`);
    seen.add(h);
  }
  const rows = records.slice(1);
  for (const r of rows) {
    if (r.fields.length !== header.length) {
      throw new CsvError(`${name}, line ${r.line}: ${r.fields.length} fields but the header has ${header.length} columns`);
    }
  }
  return { header, rows: rows.map((r) => r.fields), lines: rows.map((r) => r.line) };
}

/** Inputs and targets from the table: `target` columns (one or several) and `features` (default: every other column). */
export function csvToPoints(
  table: CsvTable,
  columns: { readonly target: string | readonly string[]; readonly features?: readonly string[] | null },
  name = 'the csv file',
): { inputs: number[][]; targets: number[][] } {
  const targets = typeof columns.target === 'string' ? [columns.target] : [...columns.target];
  const index = (col: string, role: string): number => {
    const i = table.header.indexOf(col);
    if (i < 0) throw new CsvError(`${name}: no column \`${col}\` (the ${role}); the columns are ${table.header.join(', ')}`);
    return i;
  };
  const targetIdx = targets.map((t) => index(t, 'target'));
  const features = columns.features ?? table.header.filter((h) => !targets.includes(h));
  const featureIdx = features.map((f) => index(f, 'feature'));
  if (featureIdx.length === 0) throw new CsvError(`${name}: no feature columns are left besides the target`);
  if (table.rows.length === 0) throw new CsvError(`${name} has a header but no data rows`);
  const num = (row: number, col: number, role: 'input' | 'target', count: number): number => {
    const cell = table.rows[row][col].trim();
    const v = cell === '' ? NaN : Number(cell);
    if (!Number.isFinite(v)) {
      throw new CsvError(`${name}, line ${table.lines[row]}: column \`${table.header[col]}\` holds \`${cell}\`, expected a number`);
    }
    const large = tooLarge(v, role, count);
    if (large) {
      throw new CsvError(
        `${name}, line ${table.lines[row]}, column ${col + 1} (\`${table.header[col]}\`): \`${cell}\` is too large: ${large}; rescale the column (divide it by a power of ten)`,
      );
    }
    return v;
  };
  const targetCount = table.rows.length * targetIdx.length;
  return {
    inputs: table.rows.map((_, r) => featureIdx.map((c) => num(r, c, 'input', featureIdx.length))),
    targets: table.rows.map((_, r) => targetIdx.map((c) => num(r, c, 'target', targetCount))),
  };
}

/** The experiment with its csv data replaced by the points of `text` (the file's content). */
export function withCsvLoaded(exp: ResolvedExperiment, text: string): ResolvedExperiment {
  const data = exp.data;
  if (data.source !== 'csv') return exp;
  const name = `csv file ${String(data.path)}`;
  const { inputs, targets } = csvToPoints(
    parseCsv(text, name),
    { target: data.target as string | string[], features: data.features as string[] | null },
    name,
  );
  const points: ResolvedData = { source: 'points', inputs, targets, normalize: data.normalize, noise: data.noise };
  const { dataFolder: _read, ...rest } = exp;
  return { ...rest, data: points };
}
