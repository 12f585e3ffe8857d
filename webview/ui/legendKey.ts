/**
 * A legend shared by a grid of small charts: line samples drawn as inline SVG (presentation attributes,
 * which a Content-Security-Policy does not treat as inline styles).
 */
import { h } from './dom';

export interface KeyEntry {
  label: string;
  color: string;
  dash?: number[];
  width?: number;
  /** Draw a translucent band behind the line (a width of 0 draws the band alone). */
  band?: boolean;
  bandOpacity?: number;
  opacity?: number;
}

const SVG = 'http://www.w3.org/2000/svg';

function sample(e: KeyEntry): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', '30');
  svg.setAttribute('height', '12');
  svg.setAttribute('aria-hidden', 'true');
  if (e.band) {
    const r = document.createElementNS(SVG, 'rect');
    for (const [k, v] of Object.entries({ x: '0', y: '2', width: '30', height: '8', fill: e.color, 'fill-opacity': String(e.bandOpacity ?? 0.2) })) r.setAttribute(k, v);
    svg.append(r);
  }
  if (e.width === 0) return svg;
  const line = document.createElementNS(SVG, 'line');
  for (const [k, v] of Object.entries({ x1: '0', y1: '6', x2: '30', y2: '6', stroke: e.color, 'stroke-width': String(e.width ?? 2), 'stroke-opacity': String(e.opacity ?? 1) })) line.setAttribute(k, v);
  if (e.dash) line.setAttribute('stroke-dasharray', e.dash.join(' '));
  svg.append(line);
  return svg;
}

export function legendKey(entries: KeyEntry[]): HTMLElement {
  return h('div', { class: 'ntk-key', role: 'list', 'aria-label': 'legend' }, ...entries.map((e) => {
    const item = h('span', { class: 'ntk-key-item', role: 'listitem' }, e.label);
    item.prepend(sample(e));
    return item;
  }));
}
