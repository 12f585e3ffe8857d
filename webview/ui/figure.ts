/** A figure card: title, optional controls, the chart's canvas (role img, labeled by the chart), a caption. */
import { h, setText, type Child } from './dom';

export class Figure {
  readonly el: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;

  constructor(id: string, title: string, controls: Child[] = [], options: { tall?: boolean; small?: boolean; square?: boolean } = {}) {
    this.canvas = h('canvas', { id: `chart-${id}`, role: 'img', 'aria-label': title });
    this.caption = h('figcaption', { class: 'ntk-note' });
    this.el = h(
      'figure',
      { class: 'ntk-figure', id: `fig-${id}`, 'data-chart': id },
      h('header', {}, h('h3', {}, title), ...controls),
      h('div', { class: ['ntk-plot', options.tall && 'tall', options.small && 'small', options.square && 'square'].filter(Boolean).join(' ') }, this.canvas),
      this.caption,
    );
  }

  setCaption(text: string): void {
    setText(this.caption, text);
  }
}

export function section(id: string, title: string, controls: Child[] = []): { el: HTMLElement; grid: HTMLElement } {
  const grid = h('div', { class: 'ntk-grid' });
  const el = h('section', { class: 'ntk-section', id: `section-${id}`, 'aria-labelledby': `heading-${id}` }, h('header', {}, h('h2', { id: `heading-${id}` }, title), h('div', { class: 'ntk-toolbar' }, ...controls)), grid);
  return { el, grid };
}
