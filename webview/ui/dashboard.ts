/**
 * The page: the header and the six sections, rendered from a Workspace. Used by both entries — the
 * report (everything at once) and the panel (re-rendered as data streams in). Charts are created the
 * first time their section has data and only updated afterwards.
 */
import type { ChartView } from '../charts/chartView';
import { readTheme, type Theme } from '../charts/theme';
import type { Workspace } from '../model/workspace';
import { h } from './dom';
import { Header } from './header';
import { LayersSection } from './sections/layersSection';
import { MomentsSection } from './sections/momentsSection';
import { NtkLossSection } from './sections/ntkLossSection';
import { OrthogonalitySection } from './sections/orthogonalitySection';
import { SpectrumSection } from './sections/spectrumSection';
import { SurfaceSection } from './sections/surfaceSection';
import { SweepSection } from './sections/sweepSection';
import { DEFAULT_STATE, type RenderContext, type Section, type UiState } from './state';

export interface DashboardOptions {
  state?: UiState;
  /** Called with the new state after the reader changes a control. */
  onState?: (state: UiState) => void;
  /** A line at the bottom of the page (the report says what made it). */
  footer?: string;
}

export class Dashboard {
  readonly header = new Header();
  private readonly sections: Section[];
  private state: UiState;
  private theme: Theme;
  private ws?: Workspace;
  private renders = 0;

  constructor(
    readonly root: HTMLElement,
    private readonly options: DashboardOptions = {},
  ) {
    this.state = { ...DEFAULT_STATE, ...options.state };
    this.theme = readTheme();
    // The sweep comes first when there is one: it is what a sweep's page is about.
    this.sections = [new SweepSection(), new MomentsSection(), new LayersSection(), new SpectrumSection(), new OrthogonalitySection(), new SurfaceSection(), new NtkLossSection()];
    const page = h('div', { class: 'ntk-page' }, this.header.el, ...this.sections.map((s) => s.el));
    if (options.footer) page.append(h('footer', { class: 'ntk-footer' }, options.footer));
    root.replaceChildren(page);
  }

  get renderCount(): number {
    return this.renders;
  }

  get uiState(): UiState {
    return this.state;
  }

  render(ws: Workspace): void {
    this.ws = ws;
    const ids = ws.runIds();
    const runId = this.state.run !== null && ids.includes(this.state.run) ? this.state.run : ids[0];
    const ctx: RenderContext = {
      ws,
      run: runId === undefined ? undefined : ws.get(runId),
      theme: this.theme,
      state: this.state,
      setState: (patch) => this.setState(patch),
    };
    this.header.update(ctx);
    for (const s of this.sections) s.update(ctx);
    this.renders++;
  }

  setState(patch: Partial<UiState>): void {
    this.state = { ...this.state, ...patch };
    this.options.onState?.(this.state);
    if (this.ws) this.render(this.ws);
  }

  /** Re-read the theme's colors and redraw every chart with them. */
  retheme(): void {
    this.theme = readTheme();
    for (const s of this.sections) s.retheme(this.theme);
  }

  views(): Record<string, ChartView<never>> {
    return Object.assign({}, ...this.sections.map((s) => s.views()));
  }
}
