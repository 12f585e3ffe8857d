/**
 * Messages a panel's webview sends to the extension, checked before anything acts on them: a webview
 * runs third-party code (Chart.js, the UI toolkit) and its messages are untrusted input.
 */
export type PanelReply =
  | { readonly type: 'ready' }
  | { readonly type: 'rejected'; readonly reason: string }
  | { readonly type: 'exported'; readonly request: number; readonly charts: readonly ExportedChart[] };

export interface ExportedChart {
  /** A file-name-safe chart name, e.g. `moments-H`. */
  readonly name: string;
  /** data:image/png;base64,… */
  readonly png: string;
  readonly csv: string;
}

const NAME = /^[A-Za-z0-9_.-]{1,80}$/;
const PNG_PREFIX = 'data:image/png;base64,';
const MAX_PNG = 20_000_000;
const MAX_CSV = 20_000_000;

export function validateReply(value: unknown): PanelReply | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'rejected':
      return typeof m.reason === 'string' ? { type: 'rejected', reason: m.reason.slice(0, 500) } : undefined;
    case 'exported': {
      if (typeof m.request !== 'number' || !Number.isInteger(m.request) || !Array.isArray(m.charts) || m.charts.length > 50) return undefined;
      const charts: ExportedChart[] = [];
      for (const c of m.charts as unknown[]) {
        if (typeof c !== 'object' || c === null) return undefined;
        const { name, png, csv } = c as Record<string, unknown>;
        if (typeof name !== 'string' || !NAME.test(name)) return undefined;
        if (typeof png !== 'string' || !png.startsWith(PNG_PREFIX) || png.length > MAX_PNG || !/^[A-Za-z0-9+/=]*$/.test(png.slice(PNG_PREFIX.length))) return undefined;
        if (typeof csv !== 'string' || csv.length > MAX_CSV) return undefined;
        charts.push({ name, png, csv });
      }
      return { type: 'exported', request: m.request, charts };
    }
    default:
      return undefined;
  }
}
