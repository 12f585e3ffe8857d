/** The run's header: title, what ran where, the trials' state, warnings, and the run chooser of a sweep. */
import { formatValue } from '../charts/format';
import type { RunModel } from '../model/runModel';
import { runLabel } from '../model/sweep';
import type { Theme } from '../charts/theme';
import { SelectControl } from './controls';
import { h, setText, show } from './dom';
import type { RenderContext, Section } from './state';
import { plural } from './sections/common';

export class Header implements Section {
  readonly el: HTMLElement;
  private readonly title = h('h1', { id: 'ntk-title' });
  private readonly meta = h('p', { class: 'ntk-meta', id: 'ntk-meta' });
  private readonly trials = h('p', { class: 'ntk-meta', id: 'ntk-trials', 'aria-live': 'polite' });
  /** The run's status as a codicon (shown inside VS Code, whose font the panel loads; hidden in report.html). */
  private readonly status = h('span', { class: 'codicon', id: 'ntk-status', 'aria-hidden': 'true' });
  private readonly notices = h('ul', { class: 'ntk-notices', id: 'ntk-notices' });
  private readonly runs: SelectControl;
  private readonly extra: string[] = [];
  private ctx?: RenderContext;

  constructor() {
    this.runs = new SelectControl('run', (value) => this.ctx?.setState({ run: value }));
    this.el = h('header', { class: 'ntk-header' }, h('div', { class: 'ntk-title-row' }, this.status, this.title), this.meta, this.trials, h('div', { class: 'ntk-toolbar' }, this.runs.el), this.notices);
  }

  /** A page-level notice (e.g. records that failed validation). */
  addNotice(text: string): void {
    this.extra.push(text);
  }

  update(ctx: RenderContext): void {
    this.ctx = ctx;
    const run = ctx.run;
    const sweep = ctx.ws.sweep?.info;
    setText(this.title, sweep && ctx.ws.runs().length > 1 ? `${run?.info?.title ?? sweep.experiment} — sweep ${sweep.id}` : (run?.info?.title ?? run?.id ?? 'NTK Hessian Explorer'));
    this.meta.replaceChildren(...(run ? metaItems(run) : []).map((t) => h('span', {}, t)));
    const ids = ctx.ws.runIds();
    show(this.runs.el, ids.length > 1);
    if (ids.length > 1 && run) this.runs.set(ids.map((id) => ({ value: id, label: runLabel(ctx.ws.get(id)!, ctx.ws) })), run.id);
    setText(this.trials, run ? trialText(run) : 'Waiting for data…');
    this.status.className = `codicon codicon-${statusIcon(run)}`;
    const notes = [...this.extra, ...ctx.ws.notices(), ...(run ? runNotices(run) : [])];
    this.notices.replaceChildren(...notes.map((t) => h('li', {}, t)));
    show(this.notices, notes.length > 0);
  }

  retheme(_theme: Theme): void {}

  views(): Record<string, never> {
    return {};
  }
}

const STATUS_ICONS: Record<string, string> = { running: 'sync', finished: 'pass', failed: 'error', cancelled: 'circle-slash' };

function statusIcon(run: RunModel | undefined): string {
  const status = run?.info?.status ?? ([...(run?.trialStates().values() ?? [])].some((s) => s.status === 'running') ? 'running' : undefined);
  return STATUS_ICONS[status ?? ''] ?? 'graph';
}

function metaItems(run: RunModel): string[] {
  const info = run.info;
  const items: string[] = [];
  if (info) {
    items.push(`experiment ${info.experiment}`);
    items.push(`P = ${info.parameters.toLocaleString('en-US')} parameters`, `N = ${info.samples} samples`);
    items.push(`${plural(info.trialsTotal, 'trial')}`, `backend ${info.backend}`, `status ${info.status}`);
    const ended = info.ended ? Date.parse(info.ended) - Date.parse(info.started) : NaN;
    items.push(`started ${info.started.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}${Number.isFinite(ended) ? `, ${formatValue(ended / 1000, 2)} s` : ''}`);
  } else {
    items.push(`${plural(run.trials().length, 'trial')}`);
  }
  items.push(`${plural(run.steps().length, 'measurement')}, η = ${formatValue(run.axis().eta)}`);
  return items;
}

function trialText(run: RunModel): string {
  const states = [...run.trialStates()].sort((a, b) => a[0] - b[0]);
  const running = states.filter(([, s]) => s.status === 'running');
  if (running.length === 0) {
    const done = states.filter(([, s]) => s.status === 'finished').length;
    const failed = states.filter(([, s]) => s.status === 'failed').length;
    const cancelled = states.filter(([, s]) => s.status === 'cancelled').length;
    const parts = [done && `${done} finished`, failed && `${failed} failed`, cancelled && `${cancelled} cancelled`].filter(Boolean);
    return parts.length > 0 ? `Trials: ${parts.join(', ')}.` : '';
  }
  return running
    .slice(0, 8)
    .map(([t, s]) => `trial ${t}: step ${s.step}${s.steps ? ` / ${s.steps}` : ''}${s.loss !== undefined ? `, loss ${formatValue(s.loss)}` : ''}`)
    .join(' · ');
}

function runNotices(run: RunModel): string[] {
  const out = new Set<string>();
  for (const [t, s] of run.trialStates()) if (s.status === 'failed' && s.message) out.add(`trial ${t} failed: ${s.message}`);
  for (const l of run.logs()) if (l.level !== 'info' || l.message.startsWith('theory:')) out.add(l.message);
  for (const lines of run.theoryLines().values()) for (const w of lines.warnings) out.add(`theory: ${w}`);
  if (run.info?.error) out.add(run.info.error);
  return [...out].slice(0, 12);
}
