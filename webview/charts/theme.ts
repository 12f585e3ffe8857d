/**
 * Colors and fonts for the charts, read from CSS custom properties. media/ntkexp.css defines the
 * `--ntk-*` properties from VS Code's theme variables (`--vscode-editor-foreground`,
 * `--vscode-charts-blue`, …) with fallbacks for a page outside VS Code: light by default, dark under
 * `prefers-color-scheme: dark`, and either one forced by `data-theme="light|dark"` on <html>.
 */
import type { Matrix } from '../model/types';

export interface Theme {
  dark: boolean;
  fg: string;
  muted: string;
  bg: string;
  grid: string;
  fontFamily: string;
  fontSize: number;
  /** Categorical colors: blue, orange, green, purple, red, yellow. */
  palette: string[];
  matrix: Record<Matrix, string>;
  /** Color of a theory line that belongs to no one series. */
  theory: string;
}

const FALLBACK: Theme = {
  dark: false,
  fg: '#1f2328',
  muted: '#59636e',
  bg: '#ffffff',
  grid: 'rgba(31, 35, 40, 0.12)',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", sans-serif',
  fontSize: 12,
  palette: ['#1a85ff', '#d18616', '#388a34', '#652d90', '#e51400', '#bf8803'],
  matrix: { H: '#652d90', I: '#1a85ff', S: '#d18616' },
  theory: '#1f2328',
};

export function readTheme(el: Element = document.body): Theme {
  const style = getComputedStyle(el);
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const palette = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'].map((c, i) => v(`--ntk-${c}`, FALLBACK.palette[i]));
  const fg = v('--ntk-fg', FALLBACK.fg);
  const bg = v('--ntk-bg', FALLBACK.bg);
  const size = parseFloat(v('--ntk-chart-font-size', '12'));
  return {
    dark: luminance(bg) < 0.4,
    fg,
    muted: v('--ntk-muted', FALLBACK.muted),
    bg,
    grid: v('--ntk-grid', withAlpha(fg, 0.12)),
    fontFamily: v('--ntk-font', FALLBACK.fontFamily),
    fontSize: Number.isFinite(size) ? size : 12,
    palette,
    matrix: { H: v('--ntk-matrix-h', palette[3]), I: v('--ntk-matrix-i', palette[0]), S: v('--ntk-matrix-s', palette[1]) },
    theory: fg,
  };
}

let probe: CanvasRenderingContext2D | null | undefined;

/** [r, g, b, a] of any CSS color (the canvas normalizes it); black when it cannot tell. */
export function rgba(color: string): [number, number, number, number] {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return [0, 0, 0, 1];
  probe.fillStyle = '#000000';
  probe.fillStyle = color;
  const s = String(probe.fillStyle);
  if (s.startsWith('#')) {
    const n = parseInt(s.slice(1, 7), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 1];
  }
  const m = s.match(/rgba?\(([^)]+)\)/);
  if (!m) return [0, 0, 0, 1];
  const [r, g, b, a] = m[1].split(',').map((x) => parseFloat(x));
  return [r, g, b, Number.isFinite(a) ? a : 1];
}

export function withAlpha(color: string, alpha: number): string {
  const [r, g, b, a] = rgba(color);
  return `rgba(${r}, ${g}, ${b}, ${+(a * alpha).toFixed(3)})`;
}

/** Relative luminance in [0, 1]. */
export function luminance(color: string): number {
  const [r, g, b] = rgba(color).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The i-th categorical color (cycling). */
export function categorical(theme: Theme, i: number): string {
  return theme.palette[((i % theme.palette.length) + theme.palette.length) % theme.palette.length];
}
