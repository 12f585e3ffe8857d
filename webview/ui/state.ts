/** What the reader chose on the page (kept by the panel through setState/getState across reloads). */
import type { RunModel } from '../model/runModel';
import type { Matrix } from '../model/types';
import type { Workspace } from '../model/workspace';
import type { ChartView } from '../charts/chartView';
import type { Theme } from '../charts/theme';

export interface UiState {
  /** 'all' or a moment k as text. */
  k: string;
  /** Measurement index of the density and of the Rayleigh scatter; null follows the latest. */
  densityIndex: number | null;
  rayleighIndex: number | null;
  surfaceTrial: number | null;
  /** The run the detail charts show (a sweep or comparison holds several); null = the first. */
  run: string | null;
  sweepMatrix: Matrix;
  sweepK: number;
  /** The per-layer section's matrix and moment. */
  layerMatrix: Matrix;
  layerK: number;
}

export const DEFAULT_STATE: UiState = { k: 'all', densityIndex: null, rayleighIndex: null, surfaceTrial: null, run: null, sweepMatrix: 'H', sweepK: 1, layerMatrix: 'I', layerK: 1 };

/** Keep only well-formed fields of a stored state (it comes back from getState, maybe from an older version). */
export function restoreState(stored: unknown): UiState {
  const s = { ...DEFAULT_STATE };
  if (typeof stored !== 'object' || stored === null) return s;
  const o = stored as Record<string, unknown>;
  if (typeof o.k === 'string' && /^(all|[1-9][0-9]?)$/.test(o.k)) s.k = o.k;
  for (const key of ['densityIndex', 'rayleighIndex', 'surfaceTrial'] as const) {
    const v = o[key];
    if (v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0)) s[key] = v;
  }
  if (typeof o.run === 'string' || o.run === null) s.run = o.run;
  if (o.sweepMatrix === 'H' || o.sweepMatrix === 'I' || o.sweepMatrix === 'S') s.sweepMatrix = o.sweepMatrix;
  if (typeof o.sweepK === 'number' && Number.isInteger(o.sweepK) && o.sweepK >= 1 && o.sweepK <= 64) s.sweepK = o.sweepK;
  if (o.layerMatrix === 'H' || o.layerMatrix === 'I' || o.layerMatrix === 'S') s.layerMatrix = o.layerMatrix;
  if (typeof o.layerK === 'number' && Number.isInteger(o.layerK) && o.layerK >= 1 && o.layerK <= 64) s.layerK = o.layerK;
  return s;
}

export interface RenderContext {
  ws: Workspace;
  /** The run the detail sections show. */
  run: RunModel | undefined;
  theme: Theme;
  state: UiState;
  setState(patch: Partial<UiState>): void;
}

export interface Section {
  readonly el: HTMLElement;
  update(ctx: RenderContext): void;
  retheme(theme: Theme): void;
  /** The section's charts by id (created so far). */
  views(): Record<string, ChartView<never>>;
}
